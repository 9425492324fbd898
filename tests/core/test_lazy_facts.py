"""Facts said are read from a visitor's words only when needed, and read exactly as before."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings

import handoff
from handoff.core.events import parse_events
from handoff.core.facts import FACT_NAMES
from handoff.core.state import ConversationState, apply_event, resolve_facts

from .test_properties import START, conversations

POLICY_FILE = Path(__file__).parents[2] / "examples" / "policy.yaml"
POLICY = handoff.load_policy(str(POLICY_FILE))
SAID = "our budget is around $60k and we want to go live in 3 months; I'm the CTO"


def _eager_said(events: list) -> dict[str, dict]:
    """Facts said the plain way: every message read whole, the latest statement kept."""
    said: dict[str, dict] = {}
    asked = None
    for index, event in enumerate(events):
        if event.type != "message":
            continue
        if event.data["role"] == "bot":
            asked = POLICY.extractor.topic(event.data["text"])
        elif event.data["role"] == "visitor":
            for f in POLICY.extractor.facts(event.data["text"], at=event.at, asked=asked):
                evidence = {"event": index, "source": "said", "words": f.words,
                            "span": [f.start, f.end], **({"note": f.note} if f.note else {})}
                said[f.name] = {"value": f.value, "evidence": evidence}
            asked = None
    return said


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conversations())
def test_lazily_read_facts_resolve_as_reading_every_message_would(raw: list[dict]) -> None:
    events = parse_events(raw, START)
    lazy, eager = ConversationState(), ConversationState()
    for event in events:
        apply_event(POLICY, lazy, event)
        apply_event(POLICY, eager, event)
        eager.said = _eager_said(events[: eager.events])
        eager.unread.clear()
        assert resolve_facts(POLICY, lazy) == resolve_facts(POLICY, eager)
    assert lazy.to_dict()["said"] == _eager_said(events)


class _Logged:
    """The policy's extractor, logging each fact a message is read for (the reading still runs)."""

    def __init__(self, inner, log: list[tuple[str, str]]) -> None:
        self.inner, self.log = inner, log

    def topic(self, text: str):
        return self.inner.topic(text)

    def facts(self, text, *, at, asked=None):
        return self.inner.facts(text, at=at, asked=asked)

    def reading(self, text, *, at, asked=None, question=None):
        return _LoggedReading(self.inner.reading(text, at=at, asked=asked, question=question),
                              text, self.log)


class _LoggedReading:
    def __init__(self, inner, text: str, log: list[tuple[str, str]]) -> None:
        self.inner, self.text, self.log = inner, text, log

    @property
    def names(self):
        return self.inner.names

    def may_state(self, name: str) -> bool:
        return self.inner.may_state(name)

    def of(self, name: str):
        self.log.append((name, self.text))
        return self.inner.of(name)


def test_a_fact_a_slot_gives_is_not_read_from_words_until_the_slot_is_cleared() -> None:
    policy = handoff.load_policy(str(POLICY_FILE))
    read: list[tuple[str, str]] = []
    policy.extractor = _Logged(policy.extractor, read)
    events = [
        {"type": "identify", "country": "US", "region": "US-NY"},
        {"type": "message", "role": "visitor", "text": SAID},
        {"type": "slots", "values": {"budget": 90000, "timeline_days": 30,
                                     "authority": "influencer", "company_size": 40}},
    ]
    decision = handoff.decide(policy, events, at=START)
    assert decision.facts["budget"]["value"] == 90000
    assert decision.facts["budget"]["evidence"]["source"] == "slot"
    assert read == []

    cleared = events + [{"type": "slots", "values": {"budget": None}}]
    decision = handoff.decide(policy, cleared, at=START)
    assert decision.facts["budget"]["value"] == 60000
    assert decision.facts["budget"]["evidence"] == {
        "event": 1, "source": "said", "words": "around $60k", "span": [14, 25]
    }
    assert read == [("budget", SAID)]


def test_the_facts_of_a_decision_come_in_one_order_whatever_their_source() -> None:
    events = [
        {"type": "message", "role": "visitor", "text": SAID},
        {"type": "identify", "name": "Dana", "country": "US", "region": "US-NY"},
        {"type": "page_view", "url": "/enterprise"},
        {"type": "slots", "values": {"company_size": 400}},
    ]
    names = list(handoff.decide(POLICY, events, at=START).facts)
    assert names == [n for n in FACT_NAMES if n in names]
    assert {"budget", "timeline_days", "authority", "company_size", "name"} <= set(names)
