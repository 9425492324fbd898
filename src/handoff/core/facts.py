"""Facts about a visitor, each with the evidence it came from, and the extractor seam."""

from __future__ import annotations

from collections.abc import Callable
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
READ_ORDER = ("authority", "timeline_days", "company_size", "budget")  # cheapest to read first
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


class Reading(Protocol):
    """One visitor message to be read fact by fact, on demand."""

    @property
    def names(self) -> tuple[str, ...]:
        """The facts this message may state."""
        ...

    def of(self, name: str) -> list[Finding]:
        """The findings of one fact, in text order."""
        ...

    def may_state(self, name: str) -> bool:
        """False only when the message surely states no `name`; cheap, reads nothing."""
        ...


class Extractor(Protocol):
    """Reads facts from one visitor message (pure: the message time comes in).

    An extractor may also have `reading(text, *, at, asked, question) -> Reading`, to read
    one fact at a time (see `read_lazily`).
    """

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


class _AllAtOnce:
    """A Reading over an extractor that only has `facts`: every fact read on first need."""

    __slots__ = ("_read", "_found")

    def __init__(self, read: Callable[[], list[Finding]]) -> None:
        self._read = read
        self._found: list[Finding] | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The facts this message states."""
        return tuple(dict.fromkeys(f.name for f in self._findings()))

    def of(self, name: str) -> list[Finding]:
        """The findings of one fact, in text order."""
        return [f for f in self._findings() if f.name == name]

    def may_state(self, name: str) -> bool:
        """Always True: nothing is known before reading."""
        return True

    def _findings(self) -> list[Finding]:
        if self._found is None:
            self._found = self._read()
        return self._found


def read_lazily(
    extractor: Extractor, text: str, at: datetime, asked: str | None, question: str | None = None
) -> Reading:
    """A lazy Reading of `text`: the extractor's own, else its `facts` called on first need.

    `question`, when given, is the bot's last message: its topic is `asked`, read if needed.
    """
    reading = getattr(extractor, "reading", None)
    if reading is not None:
        return reading(text, at=at, asked=asked, question=question)

    def read() -> list[Finding]:
        topic = asked if question is None else extractor.topic(question)
        return extractor.facts(text, at=at, asked=topic)

    return _AllAtOnce(read)
