"""Timelines: "in 3 months", "by March", "end of Q2", "ASAP", "just looking", as days from now."""

from __future__ import annotations

import re
from datetime import date, datetime

from handoff.core.facts import NO_TIMELINE, Finding
from handoff.extract.dates import add_months, next_occurrence, period_of, pick
from handoff.extract.gates import Ending, Gated, WordGate, Words
from handoff.extract.numbers import Numbers, alternation
from handoff.extract.spans import clause_after, clause_before
from handoff.extract.vocabulary import Vocabulary

_YEAR = r"(?P<y>20\d\d|'\d\d)"
_NO_PREFIX: dict = {}


class TimelineReader:
    """Finds stated decision times and turns them into days from the message time."""

    def __init__(self, vocab: Vocabulary, numbers: Numbers) -> None:
        self.vocab = vocab
        self.numbers = numbers
        flags = 0
        months = alternation(vocab.months)
        mods = rf"(?P<mod>{vocab.end_re}|{vocab.mid_re}|{vocab.start_re})"
        rel = rf"(?P<rel>{vocab.next_re}|{vocab.this_re})"
        ordinals = alternation(vocab.ordinals)
        names = (
            rf"(?P<q>q[1-4])|(?P<qo>{ordinals})\s+quarter|(?P<h>h[12])"
            rf"|(?P<ho>first|second)\s+half(?:\s+of\s+(?:the\s+)?year)?"
            rf"|(?P<season>{alternation(vocab.seasons)})|(?P<month>{months})\b\.?"
            rf"|(?P<unit>{alternation(vocab.generic_periods)})"
            rf"|(?P<year>20\d\d)(?!\s+(?:{vocab.count_nouns_re})\b)"
            r"|(?P<ye>year[- ]end|eoy|eoq|eom|new\s+year)"
        )
        words = (vocab.months, vocab.seasons, vocab.duration_units, vocab.generic_periods,
                 vocab.weekdays)
        self.gate = WordGate(rf"{alternation(set().union(*words))}|q[1-4]|h[12]|eo[yqm]", r"\d")
        self.no_timeline = Gated(re.compile(rf"\b(?:{vocab.no_timeline_re})\b", flags))
        self.asap = Gated(re.compile(rf"\b(?:{vocab.asap_re})(?!\w)", flags))
        self.iso = Gated(re.compile(r"\b(?P<y>20\d\d)[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})\b"))
        day = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
        self.day_month = Gated(re.compile(
            rf"(?:{day}\s+(?:of\s+)?(?P<mon>{months})\b\.?"
            rf"|(?P<mon2>{months})\.?\s+(?:the\s+)?(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?\b(?![:.]?\d))"
            rf"(?:,?\s+{_YEAR})?",
            flags,
        ))
        self.named = Gated(re.compile(
            rf"\b(?:{names})\b"
            rf"(?:\s*(?:of\s+)?(?:{_YEAR}|(?P<ny>next\s+year)|(?P<ty>this\s+year)))?",
            flags,
        ))
        units = alternation(vocab.duration_units)
        number = numbers.number_re
        self.duration = Gated(re.compile(
            rf"(?:(?P<n1>{number})(?:\s*(?:-|–|to|or)\s*(?P<n2>{number}))?"
            rf"|(?P<f>an?|one|(?:a\s+)?couple(?:\s+of)?|(?:a\s+)?few|several|half\s+an?))"
            rf"[\s-]*(?P<u>{units})\b(?:\s+or\s+(?P<n3>two|three|2|3)\b)?"
            rf"(?:\s+(?P<after>{vocab.duration_after_re})\b)?",
            flags,
        ))
        self.weekday = Gated(re.compile(
            rf"\b(?P<by>{vocab.by_re})\s+(?P<wd>{alternation(vocab.weekdays)})\b", flags
        ))
        self.prefixes = {
            "day_month": Ending(re.compile(rf"(?:\b{mods}\s+)?(?:the\s+)?$", flags)),
            "named": Ending(re.compile(
                rf"(?:\b{mods}[\s-]+)?(?:the\s+)?(?:\b{rel}\s+)?(?:the\s+)?$", flags
            )),
            "duration": Ending(re.compile(
                rf"(?:\b(?P<pre>{vocab.soon_before_re})\s+)?(?:the\s+)?"
                rf"(?:\b(?P<rel>{vocab.next_re})\s+)?$",
                flags,
            )),
        }
        self.past = re.compile(rf"\b(?:{vocab.past_re})\b", flags)
        self.past_after = re.compile(rf"\b(?:{vocab.past_after_re})\b", flags)
        self.context = re.compile(rf"\b(?:{vocab.timeline_re})", flags)
        self.not_duration = re.compile(rf"\s*(?:{vocab.not_duration_after_re})\b", flags)
        self.this = re.compile(rf"(?:{vocab.this_re})$", flags)
        self.mid = re.compile(rf"(?:{vocab.mid_re})$", flags)
        self.end = re.compile(rf"(?:{vocab.end_re})$", flags)
        self.fuzzy = {"a": 1, "an": 1, "one": 1, "couple": 2, "few": 3, "several": 3, "half": 0.5}

    def possible(self, shared: Words) -> bool:
        """False when the message surely states no timeline."""
        low = shared.low
        return (
            self.gate.search(low, shared)
            or self.no_timeline.possible(low)
            or self.asap.possible(low)
        )

    def read(
        self, text: str, at: datetime, asked: str | None, shared: Words
    ) -> list[Finding]:
        """Timelines stated in `text`, as days from `at`, in text order.

        `shared`: the message in lower case and its words.
        """
        today = at.date()
        bare = asked == "timeline_days"
        found: list[Finding] = []
        low = shared.low
        for m in self.no_timeline.finditer(low):
            start, end = m.span()
            found.append(Finding("timeline_days", None, text[start:end], start, end, NO_TIMELINE))
        for m in self.asap.finditer(low):
            start, end = m.span()
            found.append(Finding("timeline_days", 0, text[start:end], start, end))
        if not self.gate.search(low, shared):
            return sorted(found, key=lambda f: f.start)
        readers = (
            (self.iso, None, self._iso),
            (self.day_month, self.prefixes["day_month"], self._day_month),
            (self.named, self.prefixes["named"], self._named),
            (self.duration, self.prefixes["duration"], self._duration),
            (self.weekday, None, self._weekday),
        )
        for pattern, prefix, reader in readers:
            for m in pattern.finditer(low):
                p = prefix.search(low, max(0, m.start() - 40), m.start()) if prefix else None
                start = p.start() if p else m.start()
                day = reader(m, p.groupdict() if p else _NO_PREFIX, today, bare, low)
                if day is None or self._taken(start, m.end(), found) or self._in_past(
                    low, start, m.end()
                ):
                    continue
                words = text[start : m.end()].rstrip(" .")
                found.append(Finding("timeline_days", max(0, (day - today).days), words,
                                     start, start + len(words)))
        return sorted(found, key=lambda f: f.start)

    def _taken(self, start: int, end: int, found: list[Finding]) -> bool:
        return any(start < f.end and f.start < end for f in found)

    def _in_past(self, text: str, start: int, end: int) -> bool:
        before = clause_before(text, start, 30)
        return bool(self.past.search(before) or self.past_after.search(clause_after(text, end, 25)))

    def _context(self, text: str, m: re.Match) -> bool:
        """Whether the clause around `m` talks about deciding, buying or starting."""
        before = clause_before(text, m.start(), 40)
        return bool(self.context.search(before) or self.context.match(text, m.end() + 1))

    def _iso(self, m: re.Match, p: dict, today: date, bare: bool, text: str) -> date | None:
        try:
            day = date(int(m["y"]), int(m["m"]), int(m["d"]))
        except ValueError:
            return None
        return day if day >= today else None

    def _day_month(self, m: re.Match, p: dict, today: date, bare: bool, text: str) -> date | None:
        month = self.vocab.months[(m["mon"] or m["mon2"]).lower().rstrip(".")]
        number = int(m["d"] or m["d2"])
        year = _year(m["y"])
        for candidate in (year or today.year, (year or today.year) + 1):
            try:
                day = date(candidate, month, number)
            except ValueError:
                return None
            if day >= today:
                return day
            if year:
                return None
        return None

    def _named(self, m: re.Match, p: dict, today: date, bare: bool, text: str) -> date | None:
        mod = (p.get("mod") or "").lower()
        rel = (p.get("rel") or "").lower()
        where = "end" if self.end.match(mod) else "mid" if self.mid.match(mod) else "start"
        year = _year(m["y"]) or (today.year + 1 if m["ny"] else today.year if m["ty"] else None)
        if m["ye"]:
            kind = m["ye"].lower()
            if kind.startswith("new"):
                return period_of("year", today, 1)[0]
            unit = {"eoq": "quarter", "eom": "month"}.get(kind, "year")
            return period_of(unit, today)[1]
        if m["unit"]:
            if not rel and not (mod and where == "end"):
                return None
            offset = 1 if rel and not self.this.match(rel) else 0
            unit = self.vocab.generic_periods[m["unit"].lower()]
            if unit == "week" and not (bare or self._context(text, m)):
                return None
            return pick(period_of(unit, today, offset), where, today)
        if m["year"]:
            if not (mod or bare) or (m["y"] or m["ny"] or m["ty"]):
                return None
            span = next_occurrence(today, 1, 12, int(m["year"]))
            return pick(span, where, today) if span else None
        if m["month"] or m["season"]:
            if not (mod or rel or year or bare) or (m["month"] or "").lower() == "may" and not (
                mod or year or bare
            ):
                return None
            if m["month"]:
                first, count = self.vocab.months[m["month"].lower().rstrip(".")], 1
            else:
                first, count = self.vocab.seasons[m["season"].lower()]
        elif m["q"] or m["qo"]:
            quarter = int(m["q"][1]) if m["q"] else self.vocab.ordinals[m["qo"].lower()]
            first, count = quarter * 3 - 2, 3
        else:
            half = int(m["h"][1]) if m["h"] else 1 if m["ho"].lower() == "first" else 2
            first, count = half * 6 - 5, 6
        span = next_occurrence(today, first, count, year)
        if span and rel and not self.this.match(rel) and span[0] <= today:
            span = next_occurrence(today, first, count, span[0].year + 1)
        return pick(span, where, today) if span else None

    def _duration(self, m: re.Match, p: dict, today: date, bare: bool, text: str) -> date | None:
        if self.not_duration.match(text, m.end()):
            return None
        if not (p.get("pre") or p.get("rel") or m["after"] or bare or self._context(text, m)):
            return None
        if m["f"]:
            words = m["f"].lower().split()
            amount = next(self.fuzzy[w] for w in reversed(words) if w in self.fuzzy)
        else:
            amount = self.numbers.value(m["n2"] or m["n1"])
        if m["n3"]:
            amount = max(amount, self.numbers.value(m["n3"]))
        kind, size = self.vocab.duration_units[m["u"].lower()]
        if kind == "d":
            return date.fromordinal(today.toordinal() + round(amount * size))
        months = amount * size
        if months == int(months):
            return add_months(today, int(months))
        return date.fromordinal(today.toordinal() + round(months * 30.44))

    def _weekday(self, m: re.Match, p: dict, today: date, bare: bool, text: str) -> date:
        ahead = (self.vocab.weekdays[m["wd"].lower()] - today.weekday()) % 7
        return date.fromordinal(today.toordinal() + ahead)


def _year(text: str | None) -> int | None:
    if not text:
        return None
    return int(text) if len(text) == 4 else 2000 + int(text[1:])
