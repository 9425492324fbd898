"""Literal prefilters: the strings a regex's every match must contain, to skip hopeless searches.

`needs(pattern)` reads the compiled pattern's syntax tree; `Gated` wraps a pattern so that
`finditer`/`search`/`match` return nothing at once when a needed string is absent from the text,
which is exactly what the regex would have found there.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import product
from re import _constants as sre  # noqa: PLC2701 - the syntax tree of a compiled pattern
from re import _parser as parser  # noqa: PLC2701

_MAX_STRINGS = 64
_MAX_WORDS = 4096
_WORD = re.compile(r"\w+")
_MAX_CLASS = 12
_NO_STRINGS: frozenset[str] = frozenset()
Need = frozenset[str]


def _exact(items, most: int = _MAX_STRINGS) -> set[str] | None:
    """Every string `items` can match, when that is a finite set of at most `most`; else None."""
    strings = {""}
    for op, av in items:
        if op is sre.LITERAL:
            options = {chr(av)}
        elif op is sre.IN:
            options = _class(av)
        elif op is sre.BRANCH:
            options = set()
            for branch in av[1]:
                options |= _exact(branch, most) or {None}
            options = None if None in options else options
        elif op is sre.SUBPATTERN and not av[1] & re.IGNORECASE:
            options = _exact(av[3], most)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[1] <= 1:
            inner = _exact(av[2], most)
            options = None if inner is None else inner | ({""} if av[0] == 0 else set())
        else:
            return None
        if options is None or len(strings) * len(options) > most:
            return None
        strings = {a + b for a, b in product(strings, options)}
    return strings


def _class(av) -> set[str] | None:
    if any(op is not sre.LITERAL and op is not sre.RANGE for op, _ in av):
        return None
    chars = set()
    for op, value in av:
        chars |= {chr(value)} if op is sre.LITERAL else set(map(chr, range(value[0], value[1] + 1)))
    return chars if len(chars) <= _MAX_CLASS else None


def _score(need: Need) -> tuple[int, int]:
    return min(map(len, need)), -len(need)


def _needs(items) -> list[Need]:
    """Disjunctions of strings that every match of the sequence `items` contains, best first."""
    found: list[Need] = []
    run: set[str] = {""}

    def flush() -> None:
        if "" not in run:
            found.append(frozenset(run))

    for item in items:
        exact = _exact([item])
        if exact is not None and len(run) * len(exact) <= _MAX_STRINGS:
            run = {a + b for a, b in product(run, exact)}
            continue
        flush()
        run = exact if exact is not None else {""}
        if exact is None:
            found.extend(_item_needs(*item))
    flush()
    return sorted(set(found), key=lambda need: (_score(need), sorted(need)), reverse=True)


def _item_needs(op, av) -> list[Need]:
    if op is sre.SUBPATTERN and not av[1] & re.IGNORECASE:
        return _needs(av[3])
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1:
        return _needs(av[2])
    if op is sre.ATOMIC_GROUP:
        return _needs(av)
    if op is sre.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            best = _needs(branch)
            if not best:
                return []
            union |= best[0]
        return [frozenset(union)]
    return []


def needs(pattern: re.Pattern, most: int = 2) -> tuple[Need, ...]:
    """Up to `most` sets of strings such that every match contains a string of each set."""
    if pattern.flags & re.IGNORECASE:
        return ()
    found = _needs(parser.parse(pattern.pattern, pattern.flags))
    return tuple(_shortest(need) for need in found[:most] if min(map(len, need)) >= 2)


def _shortest(need: Need) -> Need:
    """`need` without the strings that hold another of its strings (they add nothing)."""
    return frozenset(s for s in need if not any(t != s and t in s for t in need))


class Gated:
    """A compiled pattern that first checks, with plain substring tests, that it can match."""

    __slots__ = ("pattern", "checks")

    def __init__(self, pattern: re.Pattern, most: int = 2) -> None:
        self.pattern = pattern
        self.checks = tuple(
            tuple(sorted(need, key=len, reverse=True)) for need in needs(pattern, most)
        )

    def possible(self, text: str) -> bool:
        """False only when `text` lacks every string of one needed set."""
        for need in self.checks:
            for s in need:
                if s in text:
                    break
            else:
                return False
        return True

    def finditer(self, text: str, *args):
        """`pattern.finditer`, or nothing when it cannot match."""
        return self.pattern.finditer(text, *args) if self.possible(text) else ()

    def search(self, text: str, *args) -> re.Match | None:
        """`pattern.search`, or None when it cannot match."""
        return self.pattern.search(text, *args) if self.possible(text) else None


@lru_cache(maxsize=8)
def words(text: str) -> frozenset[str]:
    """The maximal runs of word characters in `text` (cached: readers share one message)."""
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
            strings = _exact(parser.parse(alternative), _MAX_WORDS)
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
