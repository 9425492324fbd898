"""The rule-based extractor: one visitor message in, facts with evidence out."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from handoff.core.facts import Finding
from handoff.extract.authority import AuthorityReader
from handoff.extract.english import ENGLISH
from handoff.extract.gates import Words
from handoff.extract.money import MoneyReader
from handoff.extract.numbers import Numbers
from handoff.extract.size import SizeReader
from handoff.extract.spans import blocked_spans, lowercase
from handoff.extract.timeline import TimelineReader
from handoff.extract.topic import TopicReader
from handoff.extract.vocabulary import Vocabulary

LANGUAGES: dict[str, Vocabulary] = {"en": ENGLISH}


class RuleExtractor:
    """Reads budget, timeline, authority and company size from a visitor's own words.

    Pure: no I/O and no clock; every pattern is compiled once, here.
    """

    def __init__(self, vocab: Vocabulary, currency: str, rates: Mapping[str, float]) -> None:
        numbers = Numbers(vocab)
        self.timeline = TimelineReader(vocab, numbers)
        self.authority = AuthorityReader(vocab)
        self.size = SizeReader(vocab, numbers)
        self.money = MoneyReader(vocab, numbers, currency, rates)
        self.topics = TopicReader(vocab)

    def facts(self, text: str, *, at: datetime, asked: str | None = None) -> list[Finding]:
        """Facts stated in `text`, in text order; of two findings of one fact the later is meant."""
        return self.reading(text, at=at, asked=asked).all()

    def reading(
        self, text: str, *, at: datetime, asked: str | None = None, question: str | None = None
    ) -> Reading:
        """`text` to be read fact by fact, each reader run at most once and only when needed.

        `question`, instead of `asked`: the bot's last message, its topic read only if needed.
        """
        if at.tzinfo is None:
            raise ValueError("`at` must be timezone-aware")
        return Reading(self, text, at, asked, question)

    def topic(self, text: str) -> str | None:
        """The fact a bot message asks for: "budget", "timeline_days", "authority", ... or None."""
        return self.topics.read(text)


class Reading:
    """One visitor message, read lazily: `of(name)` runs only the readers that fact needs.

    Timeline goes first and claims its words; company size then budget read around them
    (the budget also around the sizes, and a size asked for around the budget); authority
    is read on its own. A fact no one asks for is never read.
    """

    names = ("timeline_days", "company_size", "budget", "authority")
    __slots__ = (
        "_ex", "_text", "_at", "_topic", "_question", "_timeline", "_amounts", "_authority", "_may",
        "_shared",
    )

    def __init__(
        self, ex: RuleExtractor, text: str, at: datetime, asked: str | None, question: str | None
    ) -> None:
        self._ex, self._text, self._at = ex, text, at
        self._topic, self._question = asked, question
        self._timeline: list[Finding] | None = None
        self._amounts: list[Finding] | None = None
        self._authority: list[Finding] | None = None
        self._may: dict[str, bool] = {}
        self._shared: Words | None = None

    def of(self, name: str) -> list[Finding]:
        """The findings of one fact, in text order."""
        if name == "authority":
            return self._authorities()
        if name == "timeline_days":
            return self._timelines()
        if name in ("budget", "company_size"):
            return [f for f in self._sizes_and_money() if f.name == name]
        return []

    def may_state(self, name: str) -> bool:
        """False when the message surely states no `name`: cheap gates, nothing read."""
        may = self._may.get(name)
        if may is None:
            may = self._may[name] = self._gate(name)
        return may

    def _asked(self) -> str | None:
        if self._question is not None:
            self._topic, self._question = self._ex.topic(self._question), None
        return self._topic

    def _words(self) -> Words:
        """The message in lower case and its words, shared by every gate and reader."""
        if self._shared is None:
            self._shared = Words(lowercase(self._text))
        return self._shared

    def _gate(self, name: str) -> bool:
        if name == "authority":
            return True
        if name == "timeline_days":
            return bool(self._ex.timeline.possible(self._words()))
        if name == "company_size":
            return bool(self._ex.size.possible(self._words(), self._asked()))
        if name == "budget":
            return bool(self._ex.money.possible(self._words()))
        return False

    def all(self) -> list[Finding]:
        """Every finding, in text order (by start, then end)."""
        found = self._timelines() + self._sizes_and_money() + self._authorities()
        return sorted(found, key=lambda f: (f.start, f.end))

    def _timelines(self) -> list[Finding]:
        if self._timeline is None:
            self._timeline = self._ex.timeline.read(
                self._text, self._at, self._asked(), self._words()
            )
        return self._timeline

    def _sizes_and_money(self) -> list[Finding]:
        if self._amounts is None:
            text, asked, ex, shared = self._text, self._asked(), self._ex, self._words()
            taken = blocked_spans(text) + [(f.start, f.end) for f in self._timelines()]
            sizes = ex.size.read(text, None, taken, shared)
            money = ex.money.read(text, asked, taken + [(f.start, f.end) for f in sizes], shared)
            if asked == "company_size":
                taken += [(f.start, f.end) for f in money]
                sizes = ex.size.read(text, asked, taken, shared)
            self._amounts = sorted(sizes + money, key=lambda f: (f.start, f.end))
        return self._amounts

    def _authorities(self) -> list[Finding]:
        if self._authority is None:
            self._authority = self._ex.authority.read(self._text, self._words())
        return self._authority


def make_extractor(
    currency: str = "USD", rates: Mapping[str, float] | None = None, language: str = "en"
) -> RuleExtractor:
    """An extractor for one policy currency; `rates` maps a currency to its value in it."""
    return RuleExtractor(LANGUAGES[language], currency, rates or {})
