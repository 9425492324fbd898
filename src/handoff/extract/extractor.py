"""The rule-based extractor: one visitor message in, facts with evidence out."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from handoff.core.facts import Finding
from handoff.extract.authority import AuthorityReader
from handoff.extract.english import ENGLISH
from handoff.extract.money import MoneyReader
from handoff.extract.numbers import Numbers
from handoff.extract.size import SizeReader
from handoff.extract.spans import blocked_spans
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
        if at.tzinfo is None:
            raise ValueError("`at` must be timezone-aware")
        taken = blocked_spans(text)
        found = self.timeline.read(text, at, asked)
        taken += [(f.start, f.end) for f in found]
        sizes = self.size.read(text, None, taken)
        money = self.money.read(text, asked, taken + [(f.start, f.end) for f in sizes])
        if asked == "company_size":
            sizes = self.size.read(text, asked, taken + [(f.start, f.end) for f in money])
        found += sizes + money + self.authority.read(text)
        return sorted(found, key=lambda f: (f.start, f.end))

    def topic(self, text: str) -> str | None:
        """The fact a bot message asks for: "budget", "timeline_days", "authority", ... or None."""
        return self.topics.read(text)


def make_extractor(
    currency: str = "USD", rates: Mapping[str, float] | None = None, language: str = "en"
) -> RuleExtractor:
    """An extractor for one policy currency; `rates` maps a currency to its value in it."""
    return RuleExtractor(LANGUAGES[language], currency, rates or {})
