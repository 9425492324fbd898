"""Literal strings and regexes: word alternations factored as a trie, and what a regex must hold.

`alternation(words)` writes a cheap regex for a set of words; `needs(pattern)` reads a compiled
pattern's syntax tree for the literal strings its every match contains, so that a search can be
skipped with plain substring tests when one of them is missing.
"""

from __future__ import annotations

import re
from itertools import product
from re import _constants as sre  # noqa: PLC2701 - the syntax tree of a compiled pattern
from re import _parser as parser  # noqa: PLC2701

MAX_STRINGS = 64
_MAX_CLASS = 12
_FEW = 4
_MIN_BEGINNING = 3
Need = frozenset[str]


def alternation(words) -> str:
    """A regex matching exactly `words`, longest first, each escaped.

    Built as a trie ("t(?:en|w(?:elve|o))") so that the regex engine tries one branch per
    character instead of every word at every position; at each node the longer words come
    first, so the match is the one the flat longest-first alternation would find.
    """
    root: dict = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie(root)


def _trie(node: dict) -> str:
    branches = [re.escape(char) + _trie(node[char]) for char in sorted(node) if char]
    if not branches:
        return ""
    body = f"(?:{'|'.join(branches)})" if len(branches) > 1 else branches[0]
    if "" not in node:
        return body
    return f"{body}?" if len(branches) > 1 or len(body) == 1 else f"(?:{body})?"


def exact(items, most: int = MAX_STRINGS, fold: bool = False) -> set[str] | None:
    """Every string the parsed `items` can match, when that is a finite set of at most `most`.

    With `fold`, the strings are in lower case and stand for their ASCII case variants; an item
    with a character outside ASCII then has no exact strings (it may match other characters).
    """
    strings = {""}
    for op, av in items:
        if op is sre.LITERAL:
            options = _chars({chr(av)}, fold)
        elif op is sre.IN:
            options = _class(av, fold)
        elif op is sre.BRANCH:
            options = set()
            for branch in av[1]:
                options |= exact(branch, most, fold) or {None}
            options = None if None in options else options
        elif op is sre.SUBPATTERN and (fold or not av[1] & re.IGNORECASE):
            options = exact(av[3], most, fold)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[1] <= 1:
            inner = exact(av[2], most, fold)
            options = None if inner is None else inner | ({""} if av[0] == 0 else set())
        else:
            return None
        if options is None or len(strings) * len(options) > most:
            return None
        strings = {a + b for a, b in product(strings, options)}
    return strings


def _chars(chars: set[str], fold: bool) -> set[str] | None:
    if not fold:
        return chars
    return {c.lower() for c in chars} if all(c.isascii() for c in chars) else None


def _class(av, fold: bool) -> set[str] | None:
    if any(op is not sre.LITERAL and op is not sre.RANGE for op, _ in av):
        return None
    chars = set()
    for op, value in av:
        chars |= {chr(value)} if op is sre.LITERAL else set(map(chr, range(value[0], value[1] + 1)))
    return _chars(chars, fold) if len(chars) <= _MAX_CLASS else None


def _score(need: Need) -> tuple[int, int]:
    return min(map(len, need)), -len(need)


def _needs(items, fold: bool) -> list[Need]:
    """Disjunctions of strings that every match of the sequence `items` contains, best first."""
    found: list[Need] = []
    run: set[str] = {""}

    def flush() -> None:
        if "" not in run:
            found.append(frozenset(run))

    for item in items:
        strings = exact([item], fold=fold)
        if strings is not None and len(run) * len(strings) <= MAX_STRINGS:
            run = {a + b for a, b in product(run, strings)}
            continue
        flush()
        run = strings if strings is not None else {""}
        if strings is None:
            found.extend(_item_needs(*item, fold))
    flush()
    return sorted(set(found), key=lambda need: (_score(need), sorted(need)), reverse=True)


def _item_needs(op, av, fold: bool) -> list[Need]:
    if op is sre.SUBPATTERN and (fold or not av[1] & re.IGNORECASE):
        return _needs(av[3], fold)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1:
        return _needs(av[2], fold)
    if op is sre.ATOMIC_GROUP:
        return _needs(av, fold)
    if op is sre.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            best = _needs(branch, fold)
            if not best:
                return []
            union |= best[0]
        return [frozenset(union)]
    return []


def needs(pattern: re.Pattern, most: int = 2, fold: bool = False) -> tuple[Need, ...]:
    """Up to `most` sets of strings such that every match contains a string of each set.

    A case-insensitive pattern has none, unless `fold`: then the strings are in lower case and
    hold for ASCII texts put in lower case (outside ASCII, case folding is not that simple).
    """
    if pattern.flags & re.IGNORECASE and not fold:
        return ()
    found = _needs(parser.parse(pattern.pattern, pattern.flags), fold)
    return tuple(_fewest(_shortest(need)) for need in found[:most] if min(map(len, need)) >= 2)


def _shortest(need: Need) -> Need:
    """`need` without the strings that hold another of its strings (they add nothing)."""
    return frozenset(s for s in need if not any(t != s and t in s for t in need))


def _fewest(need: Need, most: int = _FEW) -> Need:
    """`need`, or when it has more than `most` strings, the fewest (then longest) beginnings of
    them that number at most `most`: a text lacking every beginning lacks every string."""
    if len(need) <= most:
        return need
    options = [frozenset(s[:k] for s in need) for k in range(_MIN_BEGINNING, min(map(len, need)))]
    options = [starts for starts in options if len(starts) <= most]
    return min(options, key=lambda starts: (len(starts), -len(min(starts))), default=need)
