"""Intent signals and product lines: what a page view or a visitor message counts for.

Signals *collect*: every match adds its weight (up to `max_count` times).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from handoff.core.alternation import alternation


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

    def match_page(self, path: str) -> bool:
        """Whether a page view with this URL path counts."""
        return self.pattern is not None and self.pattern.match(path) is not None

    def match_text(self, text: str) -> str | None:
        """The words of a visitor message that make it count, or None."""
        if self.kind == "mentions":
            found = self.pattern.search(text) if self.pattern else None
            return found.group(0) if found else None
        for pattern in self.patterns:
            found = pattern.search(text)
            if found:
                return found.group(0)
        return None

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

    def match_page(self, path: str) -> bool:
        """Whether a page view belongs to this product line."""
        return self.pages is not None and self.pages.match(path) is not None

    def match_text(self, text: str) -> str | None:
        """The words naming this product line in a message, or None."""
        found = self.words.search(text) if self.words else None
        return found.group(0) if found else None
