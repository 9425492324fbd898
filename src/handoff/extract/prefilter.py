"""Literal prefilters, read off a pattern's syntax tree when a policy loads.

`needs(pattern)` gives strings every match contains, `heads(pattern)` the strings every match
starts with; `gates` uses them to skip the searches that cannot find anything, and the places
they cannot.
"""

from __future__ import annotations

import re
from itertools import product
from re import _constants as sre  # noqa: PLC2701 - the syntax tree of a compiled pattern
from re import _parser as parser  # noqa: PLC2701

from handoff.core.alternation import MAX_STRINGS, alternation, exact

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


def matches_empty(pattern: re.Pattern) -> bool:
    """Whether `pattern` can match the empty string."""
    return parser.parse(pattern.pattern, pattern.flags).getwidth()[0] == 0


def ends_at_end(pattern: re.Pattern) -> bool:
    """Whether `pattern` ends in `$` (not in MULTILINE mode)."""
    tree = parser.parse(pattern.pattern, pattern.flags)
    return not pattern.flags & re.MULTILINE and bool(tree) and tree[-1] == (sre.AT, sre.AT_END)


def fragment_strings(fragment: str, most: int) -> set[str] | None:
    """Every string a regex fragment matches, if they are at most `most`; None otherwise."""
    return exact(parser.parse(fragment), most)
