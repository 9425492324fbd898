"""One event, one transaction: handed off once under concurrency, fair round robin, state kept."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from handoff.core.state import ConversationState
from handoff.db.conversations import get_conversation
from handoff.db.engine import make_engine, make_sessionmaker
from handoff.db.models import Decision, Event, Handoff
from handoff.handling import Handler
from handoff.policy_store import PolicyBook

HUMAN = {"type": "message", "role": "visitor", "text": "Can I talk to a human please?"}
NORTHEAST = {"type": "slots", "values": {"deal_size": 60000, "country": "US", "region": "US-NY"}}


def _count(sessions, model, **where) -> int:
    with sessions() as session:
        query = select(func.count()).select_from(model).filter_by(**where)
        return session.execute(query).scalar()


def test_fifty_concurrent_events_on_one_conversation_hand_off_once(store_url, sessions, live, send):
    engines = [make_engine(store_url) for _ in range(5)]
    handlers = [Handler(make_sessionmaker(e), PolicyBook()) for e in engines]

    def post(i: int):
        return send(handlers[i % 5], "busy", {**HUMAN, "event_id": f"e{i}"})

    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = list(pool.map(post, range(50)))
    for e in engines:
        e.dispose()
    assert _count(sessions, Handoff, conversation_id="busy") == 1
    assert _count(sessions, Event, conversation_id="busy") == 50
    assert _count(sessions, Decision, conversation_id="busy") == 1
    assert sum(o.opened for o in outcomes) == 1
    assert {o.handoff.id for o in outcomes} == {outcomes[0].handoff.id}
    assert sorted(o.seq for o in outcomes) == list(range(50))


def test_concurrent_conversations_for_one_team_share_the_round_robin(handler, sessions, send):
    for i in range(6):
        send(handler, f"c{i}", NORTHEAST)

    def hand_off(i: int):
        return send(handler, f"c{i}", HUMAN)

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(hand_off, range(6)))
    reps = Counter(o.handoff.rep for o in outcomes)
    assert {o.handoff.team for o in outcomes} == {"enterprise-east"}
    assert reps == {"jane": 3, "omar": 3}


def test_the_stored_state_is_the_fold_of_the_events(handler, sessions, send):
    for i in range(5):
        send(handler, "fold", {"type": "page_view", "url": f"/blog/{i}", "event_id": str(i)})
    with sessions() as session:
        state = ConversationState.from_dict(get_conversation(session, "fold").state)
    assert state.events == 5
    assert state.counts["blog_read"] == 5


def test_an_agent_message_after_the_handoff_records_the_first_response(handler, send):
    send(handler, "r", HUMAN)
    outcome = send(handler, "r", {"type": "message", "role": "agent", "text": "Hi, Ana here"})
    assert outcome.handoff.first_response_at is not None
    assert not outcome.decided


def test_one_event_id_sent_at_once_through_two_handlers_is_stored_once(
    store_url, sessions, live, send
):
    engines = [make_engine(store_url) for _ in range(2)]
    handlers = [Handler(make_sessionmaker(e), PolicyBook()) for e in engines]
    rounds = 10
    with ThreadPoolExecutor(max_workers=2) as pool:
        for n in range(rounds):
            event = {"type": "page_view", "url": f"/p/{n}", "event_id": f"e{n}"}
            twins = list(pool.map(send, handlers, ["twin"] * 2, [event] * 2))
            assert sorted(o.replayed for o in twins) == [False, True]
            assert twins[0].seq == twins[1].seq == n
            assert twins[0].decision == twins[1].decision
    for e in engines:
        e.dispose()
    assert _count(sessions, Event, conversation_id="twin") == rounds
