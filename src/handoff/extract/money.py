"""Budgets ("around $50k", "40-60k", "between 20 and 30 thousand euros") in one currency."""

from __future__ import annotations

import re
from collections.abc import Mapping

from handoff.core.facts import Finding
from handoff.extract.gates import WordGate, Words
from handoff.extract.numbers import Numbers, alternation
from handoff.extract.spans import clause_after, clause_before, overlaps
from handoff.extract.vocabulary import Vocabulary

SYMBOLS = {
    "$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "C$": "CAD",
    "CA$": "CAD", "A$": "AUD", "AU$": "AUD", "R$": "BRL", "NZ$": "NZD", "S$": "SGD",
    "HK$": "HKD", "CHF": "CHF",
}
CODES = (
    "USD", "EUR", "GBP", "CAD", "AUD", "CHF", "JPY", "INR", "SEK", "NOK", "DKK", "PLN", "BRL",
    "MXN", "SGD", "NZD", "ZAR", "AED", "CNY", "HKD", "CZK", "HUF", "ILS", "KRW", "TRY",
)
_PARTS = ("a", "b", "c", "d")


class MoneyReader:
    """Finds budgets in one language and converts them to the policy currency."""

    def __init__(
        self, vocab: Vocabulary, numbers: Numbers, currency: str, rates: Mapping[str, float]
    ) -> None:
        self.numbers = numbers
        self.currency = currency.upper()
        self.rates = {code.upper(): float(rate) for code, rate in rates.items()}
        self.rates[self.currency] = 1.0
        self.words = {w.lower(): code for w, code in vocab.currency_words.items()}
        symbols = alternation(s.lower() for s in SYMBOLS)
        codes = alternation(c.lower() for c in CODES)
        before = rf"(?:{symbols}|\b(?:{codes})\b)"
        after = rf"(?:\b(?:{codes}|{alternation(vocab.currency_words)})\b|€|£)"

        def part(p: str) -> str:
            return (
                rf"(?:(?P<{p}s>{before})\s?)?(?P<{p}n>{numbers.number_re})"
                rf"(?P<{p}m>{numbers.magnitude_re})?(?:\s?(?P<{p}c>{after}))?"
            )

        self.pattern = re.compile(
            rf"(?:(?<!\w)(?:{vocab.qualifier_re})\s*)?"
            rf"(?:\b(?:{vocab.between_re})\s+{part('a')}\s+and\s+{part('b')}"
            rf"|{part('c')}(?:\s*(?:{vocab.range_re})\s*{part('d')})?)"
            r"(?:\s*(?:-?ish\b|tops\b|max\b|or\s+so\b|give\s+or\s+take\b|or\s+less\b))?"
        )
        words = alternation({**vocab.scales, **vocab.magnitudes, **vocab.currency_words})
        self.gate = WordGate(words, r"\d|[$€£¥₹]")
        self.budget = re.compile(rf"\b(?:{vocab.budget_re})\b")
        self.not_budget = re.compile(rf"\b(?:{vocab.not_budget_re})\b")
        self.not_budget_after = re.compile(rf"\s*(?:{vocab.not_budget_after_re})\b")
        self.unit_price = re.compile(vocab.unit_price_re)
        self.period = re.compile(vocab.period_re)
        self.count_noun = re.compile(rf"\s*(?:{vocab.count_nouns_re})\b")
        self.bare_after = re.compile(rf"\s*(?:[^\w\s]|$|(?:{vocab.bare_after_re})\b)")
        self.number_before = re.compile(rf"\b(?:{vocab.not_number_before_re})\W*$")
        self.codes = {c.lower(): c for c in CODES}
        self.symbols = {s.lower(): code for s, code in SYMBOLS.items()}

    def possible(self, shared: Words) -> bool:
        """False when the message surely states no budget (whatever spans are taken)."""
        # no number is the common case, and the cheaper test
        return self.numbers.present(shared.low, shared) and self.gate.search(shared.low, shared)

    def read(
        self,
        text: str,
        asked: str | None,
        taken: list[tuple[int, int]],
        shared: Words,
    ) -> list[Finding]:
        """Budgets stated in `text`, outside the `taken` spans, in text order.

        `shared`: the message in lower case and its words.
        """
        found: list[Finding] = []
        low = shared.low
        if not self.possible(shared):
            return found
        for match in self.pattern.finditer(low):
            finding = self._finding(text, low, match, asked, taken)
            if finding is not None:
                found.append(finding)
        return found

    def _finding(
        self, text: str, low: str, match: re.Match, asked: str | None, taken: list[tuple[int, int]]
    ) -> Finding | None:
        groups = match.groupdict()
        lower, upper = ("a", "b") if groups["an"] else ("c", "d")
        value = self._value(groups, upper) if groups[upper + "n"] else None
        end = match.end()
        if value is None or value < self._value(groups, lower):
            value, end = self._value(groups, lower), match.end(lower + "c")
            end = max(end, match.end(lower + "m"), match.end(lower + "n"))
        start = match.start()
        if overlaps(start, end, taken):
            return None
        currency = self._currency(groups)
        if self.unit_price.match(low, end):
            return None
        if currency is None and not self._plain_budget(low, start, end, value, match, asked):
            return None
        if self.not_budget.search(clause_before(low, start, 40)) or self.not_budget_after.match(
            low, end
        ):
            return None
        rate = self.rates.get(currency or self.currency)
        if rate is None:
            return None
        period = self.period.match(low, end)
        note = None if currency in (None, self.currency) else f"{currency} at {rate:g}"
        if period:
            note = "; ".join(filter(None, [note, "per " + period.group().strip(" /")]))
        return Finding("budget", round(value * rate, 2), text[start:end], start, end, note)

    def _value(self, groups: dict, p: str) -> float:
        return self.numbers.value(groups[p + "n"], groups[p + "m"])

    def _currency(self, groups: dict) -> str | None:
        for p in _PARTS:
            for mark in (groups[p + "s"], groups[p + "c"]):
                if mark:
                    mark = mark.strip()
                    return self.symbols.get(mark) or self.codes.get(mark) or self.words.get(mark)
        return None

    def _plain_budget(
        self, text: str, start: int, end: int, value: float, match: re.Match, asked: str | None
    ) -> bool:
        """Whether a number with no currency is a budget: its words or the bot's question say so."""
        if self.count_noun.match(text, end) or self.number_before.search(text[:start]):
            return False
        digits = match.group("cn") or match.group("an")
        has_magnitude = any(match.group(p + "m") for p in _PARTS)
        if not has_magnitude and digits.isdigit() and 1990 <= value <= 2100:
            return False
        if not has_magnitude and not digits[0].isdigit() and value < 100:
            return False
        if self.budget.search(clause_before(text, start, 60)):
            return True
        if self.budget.search(clause_after(text, end, 30)):
            return True
        return asked == "budget" and bool(self.bare_after.match(text, end))
