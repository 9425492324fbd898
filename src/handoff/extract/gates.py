"""Patterns tried only where they can match: what the regex would find, found sooner.

`Gated` wraps a pattern so that `finditer`/`search` return nothing at once when a string its
every match needs is absent (`alternation.needs`), and otherwise try it only where a head starts
(`prefilter.heads`). `Ending` does the same for a pattern ending in `$`; `WordGate` looks whole
words up among the text's words. Built when a policy loads, run on every message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from handoff.core.alternation import needs
from handoff.core.signals import holds
from handoff.extract.prefilter import ends_at_end, fragment_strings, heads, matches_empty

_MAX_WORDS = 4096
_WORD = re.compile(r"\w+")
_SPACE_FOR_NON_WORD = bytes(c if _WORD.fullmatch(chr(c)) else 32 for c in range(256))
_DIGIT = re.compile(r"\d")
_ASCII_DIGITS = b"0123456789"


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
        self.heads = None if matches_empty(pattern) else heads(pattern)

    def possible(self, text: str) -> bool:
        """False only when `text` lacks every string of one needed set."""
        return holds(text, self.checks)

    def finditer(self, text: str) -> Iterator[re.Match]:
        """`pattern.finditer(text)`, or nothing when it cannot match."""
        if not self.possible(text):
            return iter(())
        if self.heads is None:
            return self.pattern.finditer(text)
        return self._scan(self.heads, text)

    def search(self, text: str) -> re.Match | None:
        """`pattern.search(text)`, or None when it cannot match."""
        if not self.possible(text):
            return None
        if self.heads is None:
            return self.pattern.search(text)
        return next(self._scan(self.heads, text), None)

    def _scan(self, heads: re.Pattern, text: str) -> Iterator[re.Match]:
        """The matches `finditer` finds (never empty ones), trying only where a head starts."""
        find, match = heads.search, self.pattern.match
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
        if not ends_at_end(pattern):
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


def has_digit(text: str) -> bool:
    """Whether `text` holds a decimal digit, as `\\d` finds one (in ASCII, a regex is slower)."""
    if text.isascii():
        return len(text.encode().translate(None, _ASCII_DIGITS)) != len(text)
    return _DIGIT.search(text) is not None


def words(text: str) -> list[str]:
    """The maximal runs of word characters in `text`, in order (for `isdisjoint`: no set is
    built, which costs more than the lookups it saves)."""
    if text.isascii():  # the same runs, split at spaces put for the other characters: faster
        return text.encode().translate(_SPACE_FOR_NON_WORD).decode().split()
    return _WORD.findall(text)


class Words:
    """One lower-cased message and its words, split on first need and kept for the message's
    other gates and readers (one per message, not a cache across messages)."""

    __slots__ = ("low", "_found")

    def __init__(self, low: str) -> None:
        self.low = low
        self._found: list[str] | None = None

    def found(self) -> list[str]:
        """`words(self.low)`, split once."""
        if self._found is None:
            self._found = words(self.low)
        return self._found


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
            strings = fragment_strings(alternative, _MAX_WORDS)
            if strings and all(_WORD.fullmatch(s) for s in strings):
                tokens |= strings
            else:
                rest.append(alternative)
        self.tokens = frozenset(tokens)
        self.rest = Gated(re.compile(rf"\b(?:{'|'.join(rest)})\b")) if rest else None

    def search(self, text: str, shared: Words | None = None) -> bool:
        """Whether the gate opens for `text` (`shared`: its Words, when the caller has them)."""
        if self.marks is not None and self.marks.search(text):
            return True
        if not self.tokens.isdisjoint(words(text) if shared is None else shared.found()):
            return True
        return self.rest is not None and self.rest.search(text) is not None
