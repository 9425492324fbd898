"""The demo's conversations: seeded, valid events, and every path of the reference policy."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

import handoff
from handoff.core.events import parse_events
from handoff.demo.generator import KINDS, history, last_night

UNTIL = datetime(2026, 3, 14, tzinfo=UTC)  # the ten weekdays before hold no US or UK holiday
EXPECTED = {
    "enterprise": ("handoff", {"live"}),
    "smb": ("handoff", {"live"}),
    "strategic": ("handoff", {"live"}),
    "human": ("handoff", {"live"}),
    "after_hours": ("handoff", {"on_call", "next_business_day", "after_hours_notify"}),
    "too_small": ("nurture", {None}),
    "no_timeline": ("nurture", {None}),
    "not_buyer": ("nurture", {None}),
    "qualifying": ("qualify", {None}),
}


@pytest.fixture(scope="module")
def decided(policy_text):
    """400 conversations and the decision each gets under the reference policy."""
    policy = handoff.load_policy(policy_text)
    conversations = history(400, seed=11, until=UNTIL, days=10)
    return [(c, handoff.decide(policy, c.events).to_dict()) for c in conversations]


def test_the_same_seed_gives_the_same_conversations():
    first = history(50, seed=5, until=UNTIL)
    assert [c.to_dict() for c in first] == [c.to_dict() for c in history(50, seed=5, until=UNTIL)]
    assert first != history(50, seed=6, until=UNTIL)


def test_events_are_valid_ordered_and_carry_unique_ids(decided):
    for conversation, _ in decided:
        events = parse_events(conversation.events, UNTIL)
        assert [e.at for e in events] == sorted(e.at for e in events)
        assert all(e.at < UNTIL for e in events)
        ids = [e["event_id"] for e in conversation.events]
        assert len(set(ids)) == len(ids) and ids[0].startswith(conversation.id)
    assert len({c.id for c, _ in decided}) == len(decided)


def test_each_kind_takes_the_path_it_is_written_for(decided):
    for conversation, decision in decided:
        action, modes = EXPECTED[conversation.kind]
        assert (decision["action"], decision["mode"]) in {(action, m) for m in modes}, (
            conversation.kind,
            decision["reason"],
        )


def test_every_path_appears(decided):
    kinds = Counter(c.kind for c, _ in decided)
    assert set(kinds) == set(KINDS) and min(kinds.values()) >= 10
    routes = {d["route"]["id"] for _, d in decided if d["route"]}
    assert routes == {"enterprise-east", "strategic-deals", "enterprise-default", "emea", "default"}
    modes = {d["mode"] for _, d in decided}
    assert {"live", "on_call", "next_business_day", "after_hours_notify"} <= modes
    nurtures = {d["nurture"]["id"] for _, d in decided if d["nurture"]}
    assert nurtures == {"too-small", "later", "default"}
    assert any("asks_for_human" in d["intent"]["triggers"] for _, d in decided)


def test_facts_come_from_varied_words_not_only_slots(decided):
    said = Counter()
    texts = set()
    for conversation, decision in decided:
        texts |= {e["text"] for e in conversation.events if e.get("role") == "visitor"}
        for name, fact in decision["facts"].items():
            said[name, fact["evidence"]["source"]] += 1
    assert len(texts) > 200
    for name in ("budget", "timeline_days", "authority", "company_size"):
        assert said[name, "said"] > 20, name
    assert said["budget", "slot"] > 10
    countries = {d["facts"]["country"]["value"] for _, d in decided if "country" in d["facts"]}
    assert len(countries) >= 10


def test_history_spreads_over_past_weekdays_and_after_hours_is_at_night():
    conversations = history(200, seed=3, until=UNTIL, days=20)
    days = {c.events[0]["at"][:10] for c in conversations}
    assert len(days) >= 12
    for c in conversations:
        begins = datetime.fromisoformat(c.events[0]["at"])
        assert begins.weekday() < 5
        assert (begins.hour < 6) == (c.kind == "after_hours")


def test_last_night_is_a_weekday_night_before():
    saturday_noon = datetime(2026, 3, 7, 12, tzinfo=UTC)
    assert last_night(saturday_noon) == datetime(2026, 3, 6, 3, tzinfo=UTC)
    assert last_night(datetime(2026, 3, 4, 2, tzinfo=UTC)) == datetime(2026, 3, 3, 3, tzinfo=UTC)
