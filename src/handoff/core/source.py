"""YAML text -> plain data, with the line and column of every key and value kept."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from handoff.core.problems import Path, Problem


@dataclass
class Source:
    """A policy's data and where each part of it stands in the file."""

    file: str
    text: str
    data: object = None
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def problem(
        self, path: Path, message: str, severity: str = "error", key: bool = False
    ) -> Problem:
        """A problem at `path`, placed at the key (key=True) or value, else the nearest parent."""
        where = self._locate(path, key)
        return Problem(self.file, where[0], where[1], message, severity)

    def _locate(self, path: Path, key: bool) -> tuple[int, int]:
        p = tuple(path)
        if key and p in self.keys:
            return self.keys[p]
        while p:
            if p in self.values:
                return self.values[p]
            if p in self.keys:
                return self.keys[p]
            p = p[:-1]
        return self.values.get((), (1, 1))


def parse(text: str, file: str = "<policy>") -> tuple[Source, list[Problem]]:
    """Parse YAML text; duplicate keys and syntax errors come back as problems."""
    src = Source(file=file, text=text)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = getattr(exc, "problem", None) or str(exc)
        return src, [Problem(file, line, col, f"YAML syntax error: {reason}")]
    problems: list[Problem] = []
    if node is None:
        src.data = {}
        return src, problems
    src.data = _build(node, (), src, problems)
    return src, problems


def _build(node: yaml.Node, path: Path, src: Source, problems: list[Problem]) -> object:
    src.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, src, problems)
            if isinstance(key_node, yaml.MappingNode | yaml.SequenceNode):
                problems.append(src.problem(path, "a key must be a plain value"))
                continue
            if key in out:
                line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                problems.append(Problem(src.file, line, col, f"duplicate key '{key}'"))
                continue
            src.keys[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = _build(value_node, path + (key,), src, problems)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, path + (i,), src, problems) for i, item in enumerate(node.value)]
    return _scalar(node, src, problems)


class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false, so a country code such as NO stays text."""


# YAML 1.1 booleans (yes/no/on/off) and the "=" value key are read as the text they are.
_PLAIN_TEXT_TAGS = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:value")


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _PLAIN_TEXT_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_LOADER = _Loader("")


def _scalar(node: yaml.Node, src: Source, problems: list[Problem]) -> object:
    if not isinstance(node, yaml.ScalarNode):
        return None
    try:
        return _LOADER.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError):
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        problems.append(Problem(src.file, line, col, f"cannot read a value tagged '{node.tag}'"))
        return None


def load_yaml(text: str) -> object:
    """Plain data from YAML text, with YAML 1.2 booleans (NO stays the text 'NO')."""
    return yaml.load(text, Loader=_Loader)
