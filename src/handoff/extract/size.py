"""Company size: "about 200 people", "5k employees", "a 40-person startup", "headcount is 85"."""

from __future__ import annotations

import re

from handoff.core.facts import Finding
from handoff.extract.gates import Gated, WordGate, Words
from handoff.extract.numbers import Numbers
from handoff.extract.spans import clause_before, overlaps
from handoff.extract.vocabulary import Vocabulary


class SizeReader:
    """Finds how many people the visitor's company employs."""

    def __init__(self, vocab: Vocabulary, numbers: Numbers) -> None:
        flags = 0
        self.numbers = numbers
        n, mag = numbers.number_re, numbers.magnitude_re
        self.quantity = re.compile(
            rf"(?:(?<!\w)(?:{vocab.qualifier_re})\s*)?"
            rf"(?:\bbetween\s+(?P<a>{n})(?P<am>{mag})?\s+and\s+(?P<b>{n})(?P<bm>{mag})?"
            rf"|(?P<c>{n})(?P<cm>{mag})?(?:\s*(?:-|–|to|or)\s*(?P<d>{n})(?P<dm>{mag})?)?)\+?",
            flags,
        )
        self.noun = re.compile(
            rf"\s*(?:(?P<staff>{vocab.staff_re})|(?P<people>{vocab.people_re})"
            rf"|[\s-]*(?:person|people|man|employee|member|strong|staff)\s+(?:[\w-]+\s+){{0,2}}?"
            rf"(?P<co>{vocab.company_re}))"
            r"\b",
            flags,
        )
        self.gate = WordGate(
            rf"{vocab.staff_re}|{vocab.people_re}|{vocab.company_re}|{vocab.headcount_re}|us", r"\d"
        )
        self.we = re.compile(rf"\b(?:{vocab.we_re})\b", flags)
        self.company_after = re.compile(
            rf"\s*(?:(?:in\s+)?total|overall|worldwide|globally|strong|across|(?:in\s+)?(?:the|our)"
            rf"\s+(?:{vocab.company_re}))\b",
            flags,
        )
        self.users_after = re.compile(rf"\s*(?:{vocab.users_after_re})", flags)
        self.past = re.compile(rf"\b(?:{vocab.size_past_re})\b", flags)
        self.subset_before = re.compile(rf"(?:{vocab.subset_before_re})", flags)
        self.headcount = re.compile(
            rf"\b(?:{vocab.headcount_re})\s*(?:is|of|:|=|at|sits\s+at|right\s+now|currently"
            r"|now|\s)*\s*$",
            flags,
        )
        self.of_all = re.compile(r"\bof\s+(?:our|the|all|all\s+our)\s*$")
        self.team_of = re.compile(rf"\b(?:{vocab.company_re})\s+of\s*$", flags)
        self.bare_after = re.compile(rf"\s*(?:[^\w\s]|$|(?:{vocab.bare_after_re})\b)", flags)
        self.alone = Gated(re.compile(rf"\b(?:{vocab.alone_re})\b", flags))
        self.few_of_us = Gated(re.compile(rf"\bjust\s+(?:the\s+)?(?P<n>{n})\s+of\s+us\b", flags))

    def possible(self, shared: Words, asked: str | None) -> bool:
        """False when the message surely states no company size."""
        return asked == "company_size" or self.gate.search(shared.low, shared)

    def read(
        self,
        text: str,
        asked: str | None,
        taken: list[tuple[int, int]],
        shared: Words,
    ) -> list[Finding]:
        """Company sizes stated in `text`, outside the `taken` spans, in text order.

        `shared`: the message in lower case and its words.
        """
        found: list[Finding] = []
        low = shared.low
        if not self.possible(shared, asked):
            return found
        if not self.numbers.present(low, shared):
            return self._alone(text, low, asked, found)
        for m in self.quantity.finditer(low):
            if overlaps(m.start(), m.end(), taken):
                continue
            value = self._value(m)
            span = self._span(low, m, asked == "company_size")
            if span is not None and 1 <= value < 10**7:
                start, end = span
                found.append(Finding("company_size", int(value), text[start:end], start, end))
        for m in self.few_of_us.finditer(low):
            count = int(self.numbers.value(m["n"]))
            start, end = m.span()
            found.append(Finding("company_size", count, text[start:end], start, end))
        return self._alone(text, low, asked, sorted(found, key=lambda f: f.start))

    def _alone(self, text: str, low: str, asked: str | None, found: list[Finding]) -> list[Finding]:
        """`found`, or when asked for the size and nothing was found, "just me" and the like."""
        if asked == "company_size" and not found:
            for m in self.alone.finditer(low):
                start, end = m.span()
                found.append(Finding("company_size", 1, text[start:end], start, end))
        return found

    def _value(self, m: re.Match) -> float:
        lower, upper = ("a", "b") if m["a"] else ("c", "d")
        low = self.numbers.value(m[lower], m[lower + "m"])
        if not m[upper]:
            return low
        return max(low, self.numbers.value(m[upper], m[upper + "m"]))

    def _span(self, text: str, m: re.Match, asked: bool) -> tuple[int, int] | None:
        """The evidence if this quantity is a company size, else None."""
        before = clause_before(text, m.start(), 40)
        noun = self.noun.match(text, m.end())
        total = self.of_all.search(before)
        if noun and not total and self.users_after.match(text, noun.end()):
            return None
        if self.subset_before.search(before) or self.past.search(before):
            return None
        if noun and (noun["staff"] or noun["co"]):
            return m.start(), noun.end()
        if noun and noun["people"]:
            alone = not text[: m.start()].strip(" ,.!-") and not text[noun.end() :].strip(" .!")
            if alone or asked or self.we.search(before) or self.company_after.match(
                text, noun.end()
            ):
                return m.start(), noun.end()
            return None
        lead = self.headcount.search(before) or self.team_of.search(before)
        if lead:
            return m.start() - len(before) + lead.start(), m.end()
        if asked and self.bare_after.match(text, m.end()):
            return m.start(), m.end()
        return None
