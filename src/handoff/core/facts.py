"""Facts about a visitor, each with the evidence it came from, and the extractor seam."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

FACT_NAMES = (
    "budget",
    "deal_size",
    "timeline_days",
    "authority",
    "company_size",
    "country",
    "region",
    "territory",
    "product",
    "industry",
    "email",
    "name",
    "company",
    "phone",
)
AUTHORITY_VALUES = ("decision_maker", "influencer", "user")
NO_TIMELINE = "no timeline"


@dataclass(frozen=True, slots=True)
class Finding:
    """One fact read from a visitor's words: the value and the words it came from.

    `start`/`end` index the matched words in the message text. A finding of
    `timeline_days` with value None and note NO_TIMELINE means the visitor said
    they have no timeline ("just looking"), which makes a timeline criterion unmet.
    """

    name: str
    value: Any
    words: str
    start: int
    end: int
    note: str | None = None


class Extractor(Protocol):
    """Reads facts from one visitor message (pure: the message time comes in)."""

    def facts(self, text: str, *, at: datetime, asked: str | None = None) -> list[Finding]:
        """Facts stated in `text`; `asked` is the fact the bot's last question asked for."""
        ...

    def topic(self, text: str) -> str | None:
        """The fact a bot message asks for ("What budget do you have in mind?" -> "budget")."""
        ...


class NoExtractor:
    """An extractor that reads nothing: facts come only from slots and identify."""

    def facts(self, text: str, *, at: datetime, asked: str | None = None) -> list[Finding]:
        """Nothing is read from free text."""
        return []

    def topic(self, text: str) -> str | None:
        """No question is recognised."""
        return None
