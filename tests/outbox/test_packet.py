"""The lead record: the handoff packet built from the store."""

from __future__ import annotations

from handoff.integrations.base import PACKET_KEYS
from handoff.packet import build_packet
from outbox.support import TUESDAY, ask_for_human, send


def test_the_packet_carries_everything_a_rep_needs(sessions, handler):
    source = {"type": "source", "landing_page": "/pricing", "utm_campaign": "spring"}
    send(handler, "c1", source, TUESDAY)
    send(handler, "c1", {"type": "note", "text": "asked about SSO"}, TUESDAY)
    handoff = ask_for_human(
        handler, "c1", TUESDAY, email="priya@bigcorp.example", name="Priya", city="Boston"
    ).handoff
    with sessions() as session:
        packet = build_packet(session, handoff.id, "https://handoff.acme.example/")
        for_d = build_packet(session, handoff.id, rep="d")
    assert tuple(packet) == PACKET_KEYS
    assert packet["url"] == f"https://handoff.acme.example/handoffs/{handoff.id}"
    assert packet["contact"]["email"] == "priya@bigcorp.example"
    assert packet["contact"]["city"] == "Boston"
    assert packet["source"]["utm_campaign"] == "spring"
    assert packet["transcript"] == [
        {"role": "visitor", "text": "Can I talk to a human?", "at": "2026-03-03T15:00:00Z"}
    ]
    assert packet["notes"] == ["asked about SSO"]
    assert packet["route"] == {"id": "default", "team": "sales", "priority": "normal"}
    assert packet["rep"] == {
        "id": "a",
        "name": None,
        "email": "a@acme.example",
        "seniority": None,
        "attributes": {},
    }
    assert packet["intent"]["triggers"] == ["asks_for_human"] and packet["trace"]
    assert packet["mode"] == "live" and packet["reason"].startswith("Handoff")
    assert for_d["rep"]["id"] == "d" and for_d["url"] is None
