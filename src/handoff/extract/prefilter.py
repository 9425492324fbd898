"""Literal prefilters: skip the searches that cannot find anything, and the places they cannot.

`needs(pattern)` (from the syntax tree) gives strings every match contains, `heads(pattern)` the
strings every match starts with. `Gated` wraps a pattern so that `finditer`/`search` return
nothing at once when a needed string is absent, and otherwise try the pattern only where a head
starts: exactly what the regex would have found, without trying it at every position.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import product
from re import _constants as sre  # noqa: PLC2701 - the syntax tree of a compiled pattern
from re import _parser as parser  # noqa: PLC2701

from handoff.core.alternation import MAX_STRINGS, alternation, exact, needs

_MAX_WORDS = 4096
_WORD = re.compile(r"\w+")
_SPACE_FOR_NON_WORD = bytes(c if _WORD.fullmatch(chr(c)) else 32 for c in range(256))
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
Heads = set[str] | None


class _Chars(str):
    """The source of a one-character class that some matches start with (e.g. "[\\d]")."""


def heads(pattern: re.Pattern) -> re.Pattern | None:
    """A regex finding every place a non-empty match of `pattern` can start; None when unknown.

    Every such match starts with one of a finite set of strings, or of characters of a narrow
    class (literal characters and digits); the regex finds any of them.
    """
    if pattern.flags & re.IGNORECASE:
        return None
    found = _heads(parser.parse(pattern.pattern, pattern.flags), set())
    if not found:
        return None
    classes = [s[1:-1] for s in found if isinstance(s, _Chars)]
    literals = [s for s in found if not isinstance(s, _Chars)]
    sources = [alternation(literals)] if literals else []
    sources += [f"[{''.join(classes)}]"] if classes else []
    return re.compile("|".join(sources))


def _heads(items, follow: Heads) -> Heads:
    """What every non-empty match of `items`, then of whatever comes after, starts with.

    `follow` holds the heads of what comes after: an empty set at the end, None when unknown.
    """
    run = {""}
    for i, item in enumerate(items):
        if item[0] in _ZERO_WIDTH:
            continue
        strings = exact([item])
        if strings is not None and len(run) * len(strings) <= MAX_STRINGS:
            run = {a + b for a, b in product(run, strings)}
            continue
        if "" not in run:
            return run
        after = _item_heads(*item, _heads(items[i + 1 :], follow))
        return None if after is None else (run - {""}) | after
    if "" not in run:
        return run
    return None if follow is None else (run - {""}) | follow


def _item_heads(op, av, follow: Heads) -> Heads:
    """What every non-empty match of one item, then of what `follow` stands for, starts with."""
    if op is sre.SUBPATTERN and not av[1] & re.IGNORECASE:
        return _heads(av[3], follow)
    if op is sre.ATOMIC_GROUP:
        return _heads(av, follow)
    if op is sre.BRANCH:
        found: set[str] = set()
        for branch in av[1]:
            inner = _heads(branch, follow)
            if inner is None:
                return None
            found |= inner
        return found
    if op in _REPEATS:
        inner = _heads(av[2], follow)
        if av[0] > 0 or inner is None:
            return inner
        return None if follow is None else inner | follow
    if op is sre.LITERAL:
        return {chr(av)}
    if op is sre.IN:
        chars = _class_source(av)
        return None if chars is None else {chars}
    return None


def _class_source(av) -> _Chars | None:
    """A character class of literals, ranges and digits as regex source; None for others."""
    parts = []
    for op, value in av:
        if op is sre.LITERAL:
            parts.append(re.escape(chr(value)))
        elif op is sre.RANGE:
            parts.append(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
        elif op is sre.CATEGORY and value is sre.CATEGORY_DIGIT:
            parts.append(r"\d")
        else:
            return None
    return _Chars(f"[{''.join(parts)}]")


class Gated:
    """A compiled pattern checked with plain substring tests first, then tried where it can start.

    Patterns that can match the empty string are searched at every position.
    """

    __slots__ = ("pattern", "checks", "heads")

    def __init__(self, pattern: re.Pattern, most: int = 2) -> None:
        self.pattern = pattern
        self.checks = tuple(
            tuple(sorted(need, key=len, reverse=True)) for need in needs(pattern, most)
        )
        empty = parser.parse(pattern.pattern, pattern.flags).getwidth()[0] == 0
        self.heads = None if empty else heads(pattern)

    def possible(self, text: str) -> bool:
        """False only when `text` lacks every string of one needed set."""
        for need in self.checks:
            for s in need:
                if s in text:
                    break
            else:
                return False
        return True

    def finditer(self, text: str):
        """`pattern.finditer(text)`, or nothing when it cannot match."""
        if not self.possible(text):
            return ()
        if self.heads is None:
            return self.pattern.finditer(text)
        return self._scan(text)

    def search(self, text: str) -> re.Match | None:
        """`pattern.search(text)`, or None when it cannot match."""
        if not self.possible(text):
            return None
        if self.heads is None:
            return self.pattern.search(text)
        return next(self._scan(text), None)

    def _scan(self, text: str):
        """The matches `finditer` finds (never empty ones), trying only where a head starts."""
        find, match = self.heads.search, self.pattern.match
        pos = 0
        while (head := find(text, pos)) is not None:
            m = match(text, head.start())
            if m is None:
                pos = head.start() + 1
            else:
                yield m
                pos = m.end()


class Ending:
    """A pattern that ends in `$`, searched for between two positions of a text.

    Its non-empty matches are tried only where a head starts (see `heads`); an empty one can
    only be at the end, or just before it when a newline ends the window.
    """

    __slots__ = ("pattern", "heads")

    def __init__(self, pattern: re.Pattern) -> None:
        tree = parser.parse(pattern.pattern, pattern.flags)
        if pattern.flags & re.MULTILINE or not tree or tree[-1] != (sre.AT, sre.AT_END):
            raise ValueError(f"not a pattern ending in '$': {pattern.pattern!r}")
        self.pattern = pattern
        self.heads = heads(pattern)

    def search(self, text: str, pos: int, endpos: int) -> re.Match | None:
        """`pattern.search(text, pos, endpos)`."""
        if self.heads is not None:
            find, match = self.heads.search, self.pattern.match
            while (head := find(text, pos, endpos)) is not None:
                m = match(text, head.start(), endpos)
                if m is not None:
                    return m
                pos = head.start() + 1
            pos = max(pos, endpos - 1)
        return self.pattern.search(text, pos, endpos)


@lru_cache(maxsize=8)
def words(text: str) -> frozenset[str]:
    """The maximal runs of word characters in `text` (cached: readers share one message)."""
    if text.isascii():  # the same runs, split at spaces put for the other characters: faster
        return frozenset(text.encode().translate(_SPACE_FOR_NON_WORD).decode().split())
    return frozenset(_WORD.findall(text))


def _alternatives(fragment: str) -> list[str]:
    """The top-level alternatives of a regex fragment."""
    parts, depth, start, i = [], 0, 0, 0
    in_class = False
    while i < len(fragment):
        c = fragment[i]
        if c == "\\":
            i += 1
        elif in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(fragment[start:i])
            start = i + 1
        i += 1
    return [*parts, fragment[start:]]


class WordGate:
    """Whether a text holds a match of the regex `marks` or a whole word matching `fragment`.

    Alternatives of `fragment` that are finite sets of single words are looked up in the text's
    set of words; the rest are searched with one prefiltered regex, bounded by word boundaries.
    """

    __slots__ = ("marks", "tokens", "rest")

    def __init__(self, fragment: str, marks: str | None = None) -> None:
        self.marks = re.compile(marks) if marks else None
        tokens: set[str] = set()
        rest: list[str] = []
        for alternative in _alternatives(fragment):
            strings = exact(parser.parse(alternative), _MAX_WORDS)
            if strings and all(_WORD.fullmatch(s) for s in strings):
                tokens |= strings
            else:
                rest.append(alternative)
        self.tokens = frozenset(tokens)
        self.rest = Gated(re.compile(rf"\b(?:{'|'.join(rest)})\b")) if rest else None

    def search(self, text: str) -> bool:
        """Whether the gate opens for `text`."""
        if self.marks is not None and self.marks.search(text):
            return True
        if not self.tokens.isdisjoint(words(text)):
            return True
        return self.rest is not None and self.rest.search(text) is not None
