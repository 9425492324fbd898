"""Synthetic conversations for the demo, the benchmarks and backtests: seeded, pure, CONTRACT §1.

Every conversation has a kind, the path it is written to take under the reference policy:
`enterprise` and `smb` (qualified, live), `strategic` (a large deal outside the northeast),
`human` (asks for a person), `too_small`, `no_timeline`, `not_buyer` (nurtured),
`qualifying` (the bot keeps it) and `after_hours` (qualified, written at night).
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from handoff.demo import phrases as p

MIX = {
    "enterprise": 16,
    "smb": 12,
    "strategic": 5,
    "human": 9,
    "too_small": 10,
    "no_timeline": 9,
    "not_buyer": 6,
    "qualifying": 15,
    "after_hours": 18,
}
KINDS = tuple(MIX)
NIGHT_UTC = 3  # 22:00/23:00 in New York, 03:00/04:00 in London: every office is closed
SIZES = {
    "enterprise": (250, 400, 600, 850, 1200, 1500, 3000, 5000, 12000),
    "smb": (3, 8, 12, 25, 40, 60, 90, 150),
}
DAY_UTC = 14  # 09:00/10:00 in New York, 14:00/15:00 in London: every office is open


@dataclass(frozen=True)
class DemoConversation:
    """A generated conversation: its id, the path it is written to take, its events."""

    id: str
    kind: str
    product: str
    territory: str | None
    events: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """The conversation file of CONTRACT §1."""
        return {"id": self.id, "events": self.events}


def pick_kind(rng: random.Random) -> str:
    """A kind drawn by the demo's mix."""
    return rng.choices(KINDS, weights=list(MIX.values()))[0]


def conversation(
    rng: random.Random, cid: str, begins: datetime, kind: str | None = None, gap: float = 20.0
) -> DemoConversation:
    """One conversation of `kind` (drawn when None) starting at `begins`, events ~`gap` s apart."""
    kind = kind or pick_kind(rng)
    if kind == "after_hours":
        begins = last_night(begins)
    writer = _Writer(rng, cid, begins, gap)
    flavour = rng.choice(["enterprise", "smb"]) if kind == "after_hours" else kind
    product = "enterprise" if flavour in ("enterprise", "strategic") else "smb"
    if kind in ("human", "too_small", "no_timeline", "not_buyer", "qualifying"):
        product = rng.choice(["enterprise", "smb"]) if kind != "too_small" else "smb"
    territory = _territory(rng, flavour)
    writer.opening(product)
    if kind != "qualifying" or rng.random() < 0.5:
        writer.identify(rng.choice(p.PLACES[territory]))
    if kind == "human":
        writer.visitor(rng.choice(p.HUMAN))
    elif kind == "qualifying":
        low, high = (50, 200) if product == "enterprise" else (5, 40)
        writer.ask(p.ASK_BUDGET, rng.choice(p.BUDGET).format(n=rng.randint(low, high)))
        writer.visitor(rng.choice(p.THANKS))
    else:
        writer.qualification(flavour if kind == "after_hours" else kind, product)
    if rng.random() < 0.3:
        writer.add({"type": "note", "text": rng.choice(p.NOTES)})
    return DemoConversation(cid, kind, product, territory, writer.events)


def history(
    count: int, *, seed: int = 0, until: datetime, days: int = 30, prefix: str = "h"
) -> list[DemoConversation]:
    """`count` conversations spread over the `days` weekdays before `until`, oldest first."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        kind = pick_kind(rng)
        day = _weekday(until - timedelta(days=rng.randint(1, max(days, 1))))
        begins = day.replace(hour=DAY_UTC, minute=rng.randint(0, 40), second=rng.randint(0, 59))
        out.append(conversation(rng, f"{prefix}-{i:06d}", begins, kind))
    return sorted(out, key=lambda c: c.events[0]["at"])


def last_night(at: datetime) -> datetime:
    """The latest weekday NIGHT_UTC o'clock before `at`."""
    night = at.astimezone(UTC).replace(hour=NIGHT_UTC, minute=0, second=0, microsecond=0)
    if night >= at:
        night -= timedelta(days=1)
    while night.weekday() >= 5:
        night -= timedelta(days=1)
    return night


def _weekday(at: datetime) -> datetime:
    while at.weekday() >= 5:
        at -= timedelta(days=1)
    return at.astimezone(UTC)


def _territory(rng: random.Random, flavour: str) -> str | None:
    if flavour == "strategic":
        return rng.choice(["west", "north-america", None])
    return rng.choices(list(p.PLACES), weights=[30, 20, 15, 25, 10])[0]


class _Writer:
    """Appends events with rising times and event ids."""

    def __init__(self, rng: random.Random, cid: str, begins: datetime, gap: float) -> None:
        self.rng, self.cid, self.at, self.gap = rng, cid, begins.astimezone(UTC), gap
        self.events: list[dict[str, Any]] = []

    def add(self, event: dict[str, Any]) -> None:
        """Append `event` a moment after the previous one."""
        if self.events:
            self.at += timedelta(seconds=round(self.gap * self.rng.uniform(0.3, 1.7), 3))
        at = self.at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        self.events.append({"event_id": f"{self.cid}-{len(self.events)}", "at": at, **event})

    def bot(self, text: str) -> None:
        """A bot message."""
        self.add({"type": "message", "role": "bot", "text": text})

    def visitor(self, text: str) -> None:
        """A visitor message."""
        self.add({"type": "message", "role": "visitor", "text": text})

    def ask(self, questions: list[str], answer: str) -> None:
        """The bot asks one of `questions`; the visitor answers."""
        self.bot(self.rng.choice(questions))
        self.visitor(answer)

    def page(self, url: str) -> None:
        """A page view."""
        self.add({"type": "page_view", "url": f"https://acme.example{url}"})

    def opening(self, product: str) -> None:
        """Source, landing page, some browsing, the greeting and the visitor's opener."""
        rng = self.rng
        source, medium, referrer = rng.choice(p.REFERRERS)
        landing = rng.choice(p.LANDING[product])
        event = {
            "type": "source",
            "landing_page": landing,
            "referrer": referrer,
            "utm_source": source,
            "utm_medium": medium,
            "utm_campaign": rng.choice(p.CAMPAIGNS[product]) if source else None,
        }
        self.add({k: v for k, v in event.items() if v is not None})
        self.page(landing)
        for url in rng.sample(p.BROWSING, rng.randint(0, 2)):
            self.page(url)
        self.bot(rng.choice(p.GREETING))
        self.visitor(rng.choice(p.OPENER[product]))

    def identify(self, place: tuple[str, str | None, str]) -> None:
        """Who the visitor is and where they are."""
        first, last = self.rng.choice(p.FIRST), self.rng.choice(p.LAST)
        company = self.rng.choice(p.COMPANY)
        local = _ascii(f"{first}.{last}").lower()
        domain = _ascii(company).lower().replace(" ", "") + ".example"
        country, region, city = place
        event = {
            "type": "identify",
            "name": f"{first} {last}",
            "email": f"{local}@{domain}",
            "company": company,
            "country": country,
            "region": region,
            "city": city,
        }
        self.add({k: v for k, v in event.items() if v is not None})

    def qualification(self, kind: str, product: str) -> None:
        """Budget, timeline, role and size asked and answered as `kind` calls for; then intent."""
        rng = self.rng
        budget = {
            "enterprise": (50, 240),
            "strategic": (300, 900),
            "smb": (5, 40),
            "too_small": (1, 3),
            "no_timeline": (60, 150),
            "not_buyer": (60, 150),
        }[kind]
        budget_k = rng.randint(*budget)
        if rng.random() < 0.25:
            self.add({"type": "slots", "values": {"budget": budget_k * 1000}})
        else:
            self.ask(p.ASK_BUDGET, rng.choice(p.BUDGET).format(n=budget_k))
        if kind == "no_timeline":
            self.ask(p.ASK_TIMELINE, rng.choice(p.NO_TIMELINE))
        else:
            soon = [t for t, days in p.TIMELINE if kind != "smb" or days <= 62]
            self.ask(p.ASK_TIMELINE, rng.choice(soon))
        roles = {"not_buyer": p.USER, "smb": p.DECIDER}.get(kind, p.DECIDER + p.INFLUENCER)
        self.ask(p.ASK_ROLE, rng.choice(roles))
        if rng.random() < 0.5:
            size = rng.choice(SIZES[product])
            self.ask(p.ASK_SIZE, rng.choice(p.SIZE).format(n=size))
        self.page("/pricing")
        nudges = p.DEMO if kind == "smb" or product == "smb" else p.IMPLEMENTATION + p.DEMO
        self.visitor(rng.choice(nudges + (p.COMPETITOR if product == "enterprise" else [])))
        if rng.random() < 0.4:
            self.visitor(rng.choice(p.THANKS))


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
