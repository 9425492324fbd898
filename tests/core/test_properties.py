"""Properties that hold for any conversation: determinism, route order, the first handoff stands."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import handoff
from handoff.core.events import parse_events
from handoff.core.state import ConversationState, apply_event

POLICY_TEXT = (Path(__file__).parents[2] / "examples" / "policy.yaml").read_text()
POLICY = handoff.load_policy(POLICY_TEXT)
NO_DEFAULT = POLICY_TEXT.replace("  - id: default\n    team: sales\n", "")
WITHOUT_CATCH_ALL = handoff.load_policy(NO_DEFAULT)
WITH_EXTRA_ROUTE = handoff.load_policy(
    NO_DEFAULT.replace(
        "# --- teams,",
        "  - id: extra\n    when: {country: [US, CA]}\n    team: on-call\n\n# --- teams,",
    )
)
START = datetime(2026, 3, 2, tzinfo=UTC)

messages = st.sampled_from(
    [
        "hi there",
        "what does it cost?",
        "can I talk to a human",
        "we need SSO and SAML",
        "how long does set up take?",
        "compared to HubSpot you look cheaper",
        "could we get a demo",
        "our budget is around $60k",
        "we want to go live in 3 months",
        "I'm the CTO",
        "just looking",
        "we are about 40 people",
    ]
)
events = st.one_of(
    st.builds(
        lambda u: {"type": "page_view", "url": u},
        st.sampled_from(["/", "/pricing", "/blog/a", "/enterprise/sso", "/starter"]),
    ),
    st.builds(
        lambda t, r: {"type": "message", "role": r, "text": t},
        messages,
        st.sampled_from(["visitor", "visitor", "bot", "agent"]),
    ),
    st.builds(
        lambda b, d, a, p: {
            "type": "slots",
            "values": {
                k: v
                for k, v in {"budget": b, "timeline_days": d, "authority": a, "product": p}.items()
                if v is not None
            },
        },
        st.one_of(st.none(), st.integers(0, 500_000)),
        st.one_of(st.none(), st.integers(0, 400)),
        st.one_of(st.none(), st.sampled_from(["decision_maker", "influencer", "user"])),
        st.one_of(st.none(), st.sampled_from(["enterprise", "smb"])),
    ),
    st.builds(
        lambda c, r: {"type": "identify", "country": c, **({"region": r} if r else {})},
        st.sampled_from(["US", "CA", "DE", "GB", "BR"]),
        st.sampled_from([None, "US-NY", "US-CA", "US-TX"]),
    ),
)


@st.composite
def conversations(draw, min_size: int = 0) -> list[dict]:
    """A conversation of random events at increasing times over a week."""
    items = draw(st.lists(events, min_size=min_size, max_size=10))
    minutes = sorted(
        draw(st.lists(st.integers(0, 7 * 24 * 60), min_size=len(items), max_size=len(items)))
    )
    return [
        dict(e, at=(START + timedelta(minutes=m)).isoformat())
        for e, m in zip(items, minutes, strict=True)
    ]


rosters = st.fixed_dictionaries(
    {
        "open": st.dictionaries(
            st.sampled_from(["jane", "omar", "li", "sofia", "tom", "ana", "kai"]),
            st.integers(0, 10),
        ),
        "last_assigned": st.dictionaries(
            st.sampled_from(["sales", "emea", "enterprise-east"]),
            st.sampled_from(["tom", "ana", "sofia", "jane", "omar"]),
        ),
        "unavailable": st.lists(st.sampled_from(["jane", "tom", "ana", "kai"]), unique=True),
    }
)
fast = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fast
@given(conversations(), rosters)
def test_same_inputs_give_byte_identical_json(events: list[dict], roster: dict) -> None:
    first = handoff.decide(POLICY, events, roster_state=roster, at=START).to_json()
    again = handoff.decide(
        handoff.load_policy(POLICY_TEXT),
        [dict(e) for e in events],
        roster_state=dict(roster),
        at=START,
    )
    assert first == again.to_json()


@fast
@given(conversations(), rosters)
def test_a_route_added_at_the_end_never_changes_an_earlier_route_decision(
    events: list[dict], roster: dict
) -> None:
    before = handoff.decide(WITHOUT_CATCH_ALL, events, roster_state=roster, at=START).to_dict()
    after = handoff.decide(WITH_EXTRA_ROUTE, events, roster_state=roster, at=START).to_dict()
    if before["route"] is not None and before["route"]["id"] is not None:
        for key in ("policy", "steps", "trace"):
            before.pop(key), after.pop(key)
        assert after == before


@fast
@given(conversations(min_size=1), conversations(), rosters)
def test_a_handed_off_conversation_stays_handed_off(
    prefix: list[dict], suffix: list[dict], roster: dict
) -> None:
    first = handoff.decide(POLICY, prefix, roster_state=roster, at=START)
    if first.action != "handoff":
        return
    last = datetime.fromisoformat(prefix[-1]["at"])
    later = [
        dict(e, at=(last + timedelta(minutes=1 + i)).isoformat()) for i, e in enumerate(suffix)
    ]
    assert (
        handoff.decide(POLICY, prefix + later, roster_state=roster, at=START).to_json()
        == first.to_json()
    )


@fast
@given(conversations())
def test_state_survives_a_round_trip_through_json(events: list[dict]) -> None:
    state = ConversationState()
    for event in parse_events(events, START):
        apply_event(POLICY, state, event)
        state = ConversationState.from_dict(json.loads(json.dumps(state.to_dict())))
    whole = ConversationState()
    for event in parse_events(events, START):
        apply_event(POLICY, whole, event)
    assert state.to_dict() == whole.to_dict()


def test_a_stored_state_with_keys_no_longer_kept_still_loads() -> None:
    assert ConversationState.from_dict({"events": 3, "first_at": "2026-01-01T00:00:00Z"}).events == 3
