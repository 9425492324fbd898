"""Replay: the live policy against itself changes nothing; a threshold moves exactly who crosses it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from handoff import load_policy
from handoff.replay import replay, replay_one

EXAMPLES = Path(__file__).parents[2] / "examples" / "conversations"
SMB = {"type": "slots", "values": {"budget": 9000, "timeline_days": 30,
                                   "authority": "decision_maker"}}  # fmt: skip
PRICING = {"type": "page_view", "url": "/pricing"}  # 30 points
BLOG = {"type": "page_view", "url": "/blog/crm"}  # 2 points
DEMO = {"type": "message", "role": "visitor", "text": "Could we get a demo?"}  # 35 points
# conversation: events; smb qualifies at the last event with the score in the comment
CROSSING = {
    "score-30": [PRICING, SMB],
    "score-32": [PRICING, BLOG, SMB],
    "score-0": [BLOG, SMB],  # 2: below both thresholds
    "score-65": [PRICING, DEMO, SMB],  # hands off under both
    "score-36": [PRICING, BLOG, BLOG, BLOG, {**BLOG, "url": "/blog/x"}, SMB],  # blog caps at 3
}


def ingest(handler, send, conversations: dict[str, list[dict]]) -> None:
    for cid, events in conversations.items():
        for raw in events:
            send(handler, cid, raw)


def draft(policy_text: str, threshold: int):
    return load_policy(
        policy_text.replace("intent_threshold: 50", f"intent_threshold: {threshold}")
    )


def test_live_policy_against_itself_changes_nothing(handler, send, sessions, policy_text):
    for path in sorted(EXAMPLES.glob("*.json")):
        if path.name.endswith(".roster.json"):
            continue
        data = json.loads(path.read_text())
        ingest(handler, send, {data["id"]: data["events"]})
    ingest(handler, send, CROSSING)
    with sessions() as session:
        summary = replay(session, load_policy(policy_text)).to_dict()
    assert summary["conversations"] == 14 + len(CROSSING)
    assert summary["changed"] == 0 and summary["samples"] == []
    assert summary["roster"]["approximated"] == {"old": 0, "new": 0}
    assert summary["baseline_versions"] == [1]
    assert all(row["delta"] == 0 for row in summary["load"]["team"] + summary["load"]["rep"])


def test_a_lower_threshold_moves_exactly_the_conversations_that_cross_it(
    handler, send, sessions, policy_text
):
    ingest(handler, send, CROSSING)
    changes = []
    with sessions() as session:
        summary = replay(session, draft(policy_text, 30), on_change=changes.append).to_dict()
    assert sorted(c["conversation_id"] for c in changes) == ["score-30", "score-32", "score-36"]
    assert summary["changed"] == 3 and summary["conversations"] == 5
    assert summary["moves"]["action"] == [{"from": "qualify", "to": "handoff", "count": 3}]
    assert summary["roster"]["approximated"] == {"old": 0, "new": 3}
    sales = next(r for r in summary["load"]["team"] if r["key"] == "sales")
    assert (sales["old"], sales["new"], sales["delta"]) == (1, 4, 3)
    assert summary["after_hours"] == {"old": 0, "new": 0}


def test_a_higher_threshold_turns_handoffs_back_into_qualify(handler, send, sessions, policy_text):
    ingest(handler, send, CROSSING)
    with sessions() as session:
        summary = replay(session, draft(policy_text, 70)).to_dict()
        side_by_side = replay_one(session, draft(policy_text, 70), "score-65")
    assert [s["conversation_id"] for s in summary["samples"]] == ["score-65"]
    assert summary["moves"]["action"] == [{"from": "handoff", "to": "qualify", "count": 1}]
    assert side_by_side["old"]["action"] == "handoff" and side_by_side["new"]["action"] == "qualify"
    assert side_by_side["old"]["trace"] and side_by_side["new"]["trace"]


def test_the_date_range_bounds_the_replay(handler, send, sessions, policy_text):
    ingest(handler, send, CROSSING)
    future = datetime(2999, 1, 1, tzinfo=UTC)
    with sessions() as session:
        assert replay(session, draft(policy_text, 30), since=future).conversations == 0
        assert replay(session, draft(policy_text, 30), until=future).conversations == 5
        assert replay_one(session, draft(policy_text, 30), "nobody") is None
