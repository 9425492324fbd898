"""Intent signals and product lines: what a page view or a visitor message counts for.

Signals *collect*: every match adds its weight (up to `max_count` times).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from handoff.core.alternation import alternation, needs


def url_path(url: str) -> str:
    """The path of a URL: host and query string ignored ('/pricing' for 'https://x/pricing?a=1')."""
    if "://" in url or url.startswith("//"):
        return urlsplit(url).path or "/"
    return url.split("?", 1)[0].split("#", 1)[0] or "/"


def glob_regex(patterns: list[str]) -> re.Pattern[str]:
    """Case-sensitive full-match regex for URL globs, where `*` matches anything, `/` included."""
    parts = ["".join(".*" if ch == "*" else re.escape(ch) for ch in p) for p in patterns]
    return re.compile("(?:" + "|".join(parts) + r")\Z")


def words_regex(words: list[str]) -> re.Pattern[str]:
    """Case-insensitive regex finding any of the words as whole words."""
    return re.compile(rf"(?<!\w)(?:{alternation(words)})(?!\w)", re.IGNORECASE)


def fold(text: str) -> str | None:
    """`text` in lower case when it is all ASCII, else None (see FirstMatch)."""
    return text.lower() if text.isascii() else None


class FirstMatch:
    """The first of some patterns, in order, that a text holds a match of (`re.search`).

    A pattern is skipped at once when the text lacks a string its every match needs. The strings
    of a case-insensitive pattern are in lower case and only looked for in texts of ASCII
    characters, put in lower case: outside ASCII, case folding maps more characters onto a letter
    (the Kelvin sign onto 'k', the long s onto 's'), so such texts are always searched.
    """

    __slots__ = ("entries",)

    def __init__(self, patterns) -> None:
        self.entries = tuple(_entry(p) for p in patterns)

    def search(self, text: str, folded: str | None) -> re.Match[str] | None:
        """The first pattern's match in `text` (by `pattern.search`), or None.

        `folded` is `fold(text)`.
        """
        for pattern, caseless, checks in self.entries:
            seen = folded if caseless else text
            if checks and seen is not None and not holds(seen, checks):
                continue
            found = pattern.search(text)
            if found:
                return found
        return None


def _entry(pattern: re.Pattern[str]) -> tuple[re.Pattern[str], bool, tuple[frozenset[str], ...]]:
    """A pattern, whether its needed strings are case-folded, and those strings."""
    caseless = bool(pattern.flags & re.IGNORECASE)
    return pattern, caseless, needs(pattern, fold=caseless)


def holds(text: str, checks: tuple[frozenset[str], ...] | tuple[tuple[str, ...], ...]) -> bool:
    """Whether `text` holds a string of each set of `checks` (see `alternation.needs`)."""
    for need in checks:
        for s in need:
            if s in text:
                break
        else:
            return False
    return True


@dataclass(frozen=True)
class SignalMatcher:
    """A compiled signal: which kind of event it counts and how."""

    id: str
    kind: str  # "page" | "says" | "mentions"
    weight: float
    max_count: int | None
    trigger: bool
    pattern: re.Pattern[str] | None = None
    patterns: tuple[re.Pattern[str], ...] = ()
    _text: FirstMatch = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        texts = (self.pattern,) if self.kind == "mentions" else self.patterns
        object.__setattr__(self, "_text", FirstMatch(p for p in texts if p is not None))

    def match_page(self, path: str) -> bool:
        """Whether a page view with this URL path counts."""
        return self.pattern is not None and self.pattern.match(path) is not None

    def match_text(self, text: str, folded: str | None = "") -> str | None:
        """The words of a visitor message that make it count, or None.

        `folded`, when given, is `fold(text)`, computed once for every signal.
        """
        found = self._text.search(text, fold(text) if folded == "" else folded)
        return found.group(0) if found else None

    def points(self, count: int) -> float:
        """Weight × count, with count capped at max_count."""
        capped = count if self.max_count is None else min(count, self.max_count)
        return self.weight * capped


@dataclass(frozen=True)
class ProductMatcher:
    """A product line, recognised by page glob or whole words."""

    id: str
    pages: re.Pattern[str] | None
    words: re.Pattern[str] | None
    _words: FirstMatch = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_words", FirstMatch([self.words] if self.words else []))

    def match_page(self, path: str) -> bool:
        """Whether a page view belongs to this product line."""
        return self.pages is not None and self.pages.match(path) is not None

    def match_text(self, text: str, folded: str | None = "") -> str | None:
        """The words naming this product line in a message, or None (`folded`: as above)."""
        found = self._words.search(text, fold(text) if folded == "" else folded)
        return found.group(0) if found else None
