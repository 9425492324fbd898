"""A conversation's state, folded event by event, so deciding never re-reads history.

The state holds what the events established (slots, identity, facts said,
signal counts with evidence, product seen, last question asked), not the events.
Facts said are read from a visitor's words only when something needs them: a fact a
slot or identify already gives is never read (`said_fact`, `to_dict` reads the rest).
"""

from __future__ import annotations

from math import isfinite
from typing import Any

from handoff.core.compiled import Policy
from handoff.core.events import Event, EventError
from handoff.core.facts import (
    AUTHORITY_VALUES,
    FACT_NAMES,
    NO_TIMELINE,
    Extractor,
    Finding,
    Reading,
    read_lazily,
)
from handoff.core.signals import fold, url_path

EVIDENCE_KEPT = 5
NUMBER_FACTS = ("budget", "deal_size", "company_size", "timeline_days")
_KNOWN_FACTS = frozenset(FACT_NAMES)


class ConversationState:
    """What a conversation has established so far; JSON-serialisable (`to_dict`)."""

    def __init__(
        self,
        events: int = 0,
        slots: dict[str, dict] | None = None,
        identity: dict[str, dict] | None = None,
        said: dict[str, dict] | None = None,
        product_seen: dict | None = None,
        counts: dict[str, int] | None = None,
        evidence: dict[str, list[dict]] | None = None,
        asked: str | None = None,
        source: dict[str, str] | None = None,
        city: str | None = None,
        notes: list[str] | None = None,
    ) -> None:
        self.events = events
        self.slots: dict[str, dict] = {} if slots is None else slots
        self.identity: dict[str, dict] = {} if identity is None else identity
        self.said: dict[str, dict] = {} if said is None else said
        self.product_seen = product_seen
        self.counts: dict[str, int] = {} if counts is None else counts
        self.evidence: dict[str, list[dict]] = {} if evidence is None else evidence
        self.asked = asked
        self.source: dict[str, str] = {} if source is None else source
        self.city = city
        self.notes: list[str] = [] if notes is None else notes
        self.unread: list[tuple[int, Reading]] = []  # visitor messages not read yet
        self.read_upto: dict[str, int] = {}  # per fact: how many of `unread` were read for it
        # the bot's last message, when `asked` (its topic) is not read yet
        self.question: tuple[Extractor, str] | None = None

    def hear(self, index: int, reading: Reading) -> None:
        """Keep visitor message `index` to be read when one of its facts is needed."""
        self.unread.append((index, reading))

    def said_fact(self, name: str) -> dict | None:
        """The latest statement of fact `name` by the visitor, reading only what is unread."""
        unread = self.unread
        start = self.read_upto.get(name, 0)
        if start < len(unread):
            for index, reading in unread[start:]:
                found = reading.of(name)
                if found:
                    self.said[name] = _said(found[-1], index)
            self.read_upto[name] = len(unread)
        return self.said.get(name)

    def may_have_said(self, name: str) -> bool:
        """False when the visitor surely has not stated a value for `name`; reads nothing."""
        for _, reading in self.unread[self.read_upto.get(name, 0) :]:
            if reading.may_state(name):
                return True
        entry = self.said.get(name)
        return entry is not None and entry["value"] is not None

    def said_names(self) -> list[str]:
        """The facts the visitor said or may have said (in messages not read yet)."""
        names = dict.fromkeys(self.said)
        for _, reading in self.unread:
            names.update(dict.fromkeys(reading.names))
        return list(names)

    def to_dict(self) -> dict[str, Any]:
        """The state as JSON-ready data (shallow: serialise it before the next event)."""
        if self.question is not None:
            extractor, text = self.question
            self.asked, self.question = extractor.topic(text), None
        for name in self.said_names():
            self.said_fact(name)
        self.unread.clear()
        self.read_upto.clear()
        return {
            "events": self.events,
            "slots": self.slots,
            "identity": self.identity,
            "said": self.said,
            "product_seen": self.product_seen,
            "counts": self.counts,
            "evidence": self.evidence,
            "asked": self.asked,
            "source": self.source,
            "city": self.city,
            "notes": self.notes,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ConversationState:
        """Rebuild a state saved with to_dict; keys this version no longer keeps are dropped."""
        return cls(**{k: v for k, v in data.items() if k in _FIELDS})


_FIELDS = tuple(ConversationState().to_dict())


def apply_event(policy: Policy, state: ConversationState, event: Event) -> None:
    """Fold one event into the state (mutates it); raises EventError on bad slot values."""
    index = state.events
    state.events += 1
    kind = event.type
    if kind == "message":
        _message(policy, state, event, index)
    elif kind == "page_view":
        _page_view(policy, state, event, index)
    elif kind == "slots":
        _slots(policy, state, event, index)
    elif kind == "identify":
        _identify(policy, state, event, index)
    elif kind == "source":
        state.source.update(event.data)
    elif kind == "note":
        state.notes.append(event.data["text"])


def _message(policy: Policy, state: ConversationState, event: Event, index: int) -> None:
    text = event.data["text"]
    role = event.data["role"]
    if role == "bot":
        state.asked, state.question = None, (policy.extractor, text)
        return
    if role != "visitor":
        return
    folded = fold(text)
    for signal in policy.signals:
        if signal.kind == "page":
            continue
        words = signal.match_text(text, folded)
        if words is not None:
            _count(state, signal.id, {"event": index, "words": words})
    for product in policy.products:
        words = product.match_text(text, folded)
        if words is not None:
            state.product_seen = _fact(
                product.id, {"event": index, "source": "said", "words": words}
            )
    question = state.question[1] if state.question else None
    state.hear(index, read_lazily(policy.extractor, text, event.at, state.asked, question))
    state.asked = state.question = None


def _page_view(policy: Policy, state: ConversationState, event: Event, index: int) -> None:
    path = url_path(event.data["url"])
    for signal in policy.signals:
        if signal.kind == "page" and signal.match_page(path):
            _count(state, signal.id, {"event": index, "page": path})
    for product in policy.products:
        if product.match_page(path):
            state.product_seen = _fact(product.id, {"event": index, "source": "page", "page": path})


def _slots(policy: Policy, state: ConversationState, event: Event, index: int) -> None:
    for name, value in event.data["values"].items():
        if name not in _KNOWN_FACTS:
            raise EventError(index, f"values.{name}", "not a known fact")
        if value is None:
            state.slots.pop(name, None)
            continue
        value = _normalise(name, value, index, policy)
        state.slots[name] = _fact(value, {"event": index, "source": "slot", "slot": name})


def _identify(policy: Policy, state: ConversationState, event: Event, index: int) -> None:
    for name, value in event.data.items():
        if name == "city":
            state.city = value
        else:
            value = _normalise(name, value, index, policy)
            state.identity[name] = _fact(value, {"event": index, "source": "identify"})


def _count(state: ConversationState, signal_id: str, evidence: dict) -> None:
    state.counts[signal_id] = state.counts.get(signal_id, 0) + 1
    kept = state.evidence.setdefault(signal_id, [])
    if len(kept) < EVIDENCE_KEPT:
        kept.append(evidence)


def _fact(value: Any, evidence: dict[str, Any]) -> dict:
    return {"value": value, "evidence": evidence}


def _said(found: Finding, index: int) -> dict:
    evidence = {"event": index, "source": "said", "words": found.words,
                "span": [found.start, found.end]}
    if found.note:
        evidence["note"] = found.note
    return _fact(found.value, evidence)


def _normalise(name: str, value: Any, index: int, policy: Policy) -> Any:
    if name in NUMBER_FACTS:
        if isinstance(value, bool):
            raise EventError(index, f"values.{name}", "must be a number")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise EventError(index, f"values.{name}", "must be a number") from None
        if not isfinite(number):
            raise EventError(index, f"values.{name}", "must be a finite number")
        return int(number) if name in ("timeline_days", "company_size") else number
    if not isinstance(value, str):
        raise EventError(index, f"values.{name}", "must be a string")
    if name == "authority" and value not in AUTHORITY_VALUES:
        raise EventError(index, f"values.{name}", f"must be one of {', '.join(AUTHORITY_VALUES)}")
    if name == "territory" and value not in policy.model.territories:
        raise EventError(index, f"values.{name}", "not a territory of the policy")
    if name == "product" and value not in policy.model.products:
        raise EventError(index, f"values.{name}", "not a product line of the policy")
    if name in ("country", "region"):
        return value.strip().upper()
    return value


def resolve_facts(policy: Policy, state: ConversationState) -> dict[str, dict]:
    """Every known fact with its evidence, in FACT_NAMES order (names no policy knows last).

    Slots win over identify, identify over words said (which are then never read).
    """
    given = {**state.identity, **state.slots}
    facts: dict[str, dict] = {}
    for name in state.said_names():
        if name not in given and (entry := state.said_fact(name)) is not None:
            facts[name] = entry
    facts.update(given)
    region = facts.get("region")
    country = facts.get("country")
    if region and country and "-" not in region["value"]:
        facts["region"] = {**region, "value": f"{country['value']}-{region['value']}"}
    if "deal_size" not in facts and "budget" in facts:
        budget = facts["budget"]
        facts["deal_size"] = {
            "value": budget["value"],
            "evidence": {**budget["evidence"], "note": "from budget"},
        }
    if "territory" not in facts:
        c = facts["country"]["value"] if "country" in facts else None
        r = facts["region"]["value"] if "region" in facts else None
        if c or r:
            for territory in policy.territories:
                if territory.matches(c, r):
                    source = facts.get("region") or facts["country"]
                    facts["territory"] = {
                        "value": territory.id,
                        "evidence": {
                            **source["evidence"],
                            "note": f"from {c or ''} {r or ''}".strip(),
                        },
                    }
                    break
    if "product" not in facts and state.product_seen:
        facts["product"] = state.product_seen
    ordered = {name: facts[name] for name in FACT_NAMES if name in facts}
    if len(ordered) < len(facts):
        ordered.update(facts)
    return ordered


def fact_values(facts: dict[str, dict]) -> dict[str, Any]:
    """Known fact values by name, for conditions ('no timeline' counts as unknown)."""
    out = {}
    for name, entry in facts.items():
        if entry["value"] is not None:
            out[name] = entry["value"]
    return out


def says_no_timeline(facts: dict[str, dict]) -> bool:
    """Whether the visitor said they have no timeline."""
    entry = facts.get("timeline_days")
    return bool(entry and entry["value"] is None and entry["evidence"].get("note") == NO_TIMELINE)
