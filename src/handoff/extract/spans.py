"""Where numbers must not be read (phone numbers, "24/7", "20%") and where a clause ends."""

from __future__ import annotations

import re

from handoff.extract.gates import Gated, has_digit

_BLOCKED = re.compile(
    r"(?<![\w.,])\+?\(?\d{2,4}\)?(?:[\s.-]\(?\d{2,5}\)?){2,5}(?!\w)"
    r"|\+\d[\d\s().-]{6,}\d"
    r"|\b\d+\s*/\s*\d+\b"
    r"|\d+(?:[.,]\d+)?\s*(?:%|percent\b)"
    r"|\b\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)(?!\w)"
    r"|\b\d{1,2}:\d{2}\b"
    r"|\S+@\S+|https?://\S+|www\.\S+",
    re.IGNORECASE,
)
_CLAUSE_BREAK_RE = (
    r"[.!?;](?:\s|$)|\n|\bbut\b|\bhowever\b|\balso\b|\band\s+(?=(?:i|we)\b)"
    r"|,\s+(?=(?:i|we|i'd|we'd|i'm|we're|i'll|we'll)\b)"
)
_CLAUSE_BREAK = re.compile(_CLAUSE_BREAK_RE, re.IGNORECASE)
# The same on ASCII text put in lower case (its words are in lower case), tried only where a break
# can start: far fewer steps than IGNORECASE at every position.
_CLAUSE_BREAK_LOWER = Gated(re.compile(_CLAUSE_BREAK_RE))


def blocked_spans(text: str) -> list[tuple[int, int]]:
    """Spans of text that look like numbers but are not quantities."""
    if not has_digit(text):
        return []
    return [m.span() for m in _BLOCKED.finditer(text)]


def overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Whether [start, end) overlaps any of `spans`."""
    return any(start < b and a < end for a, b in spans)


def clause_before(text: str, pos: int, width: int) -> str:
    """Up to `width` characters before `pos`, cut at the start of the clause."""
    window = text[max(0, pos - width) : pos]
    cuts = [m.end() for m in _clause_breaks(window)]
    return window[cuts[-1] :] if cuts else window


def clause_after(text: str, pos: int, width: int) -> str:
    """Up to `width` characters after `pos`, cut at the end of the clause."""
    window = text[pos : pos + width]
    cut = next(_clause_breaks(window), None)
    return window[: cut.start()] if cut else window


def _clause_breaks(window: str):
    """The clause breaks in `window`, as `_CLAUSE_BREAK.finditer` finds them."""
    if window.isascii():
        return _CLAUSE_BREAK_LOWER.finditer(window.lower())
    return _CLAUSE_BREAK.finditer(window)


def lowercase(text: str) -> str:
    """`text` in lower case, index for index (a character whose lower case is longer is kept)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
