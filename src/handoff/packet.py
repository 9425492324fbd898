"""The handoff packet (the lead record): everything a rep needs, built from the store.

The keys are integrations.base.PACKET_KEYS; the store is the source of truth, so the packet
is built when it is delivered or shown, with the conversation as it stands then.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from handoff.db.conversations import decision_body, events_of, get_conversation
from handoff.db.handoffs import get_handoff
from handoff.db.roster import get_rep
from handoff.errors import NotFound

CONTACT = ("email", "name", "company", "phone", "country", "region", "city")
SOURCE = ("landing_page", "referrer", "utm_source", "utm_medium", "utm_campaign")
REP_COLUMNS = ("id", "name", "email", "seniority")


def build_packet(
    session: Session, handoff_id: int, public_url: str | None = None, rep: str | None = None
) -> dict[str, Any]:
    """The packet of a handoff; `rep` names the rep it is for (default: the handoff's rep)."""
    handoff = get_handoff(session, handoff_id)
    if handoff is None:
        raise NotFound(f"no handoff {handoff_id}")
    decision = decision_body(session, handoff.decision_id)
    state = get_conversation(session, handoff.conversation_id).state
    transcript = [
        {"role": e.body["role"], "text": e.body["text"], "at": e.body.get("at")}
        for e in events_of(session, handoff.conversation_id)
        if e.body["type"] == "message"
    ]
    route = decision.get("route") or {}
    return {
        "handoff_id": handoff.id,
        "conversation_id": handoff.conversation_id,
        "url": f"{public_url.rstrip('/')}/handoffs/{handoff.id}" if public_url else None,
        "contact": contact(state, decision.get("facts") or {}),
        "source": {k: (state.get("source") or {}).get(k) for k in SOURCE},
        "transcript": transcript,
        "facts": decision.get("facts") or {},
        "qualification": decision.get("qualification"),
        "intent": decision.get("intent"),
        "notes": list(state.get("notes") or []),
        "route": {
            "id": handoff.route,
            "team": handoff.team or route.get("team"),
            "priority": handoff.priority,
        },
        "mode": handoff.mode,
        "rep": rep_info(session, rep or handoff.rep),
        "reason": decision.get("reason"),
        "trace": decision.get("trace") or [],
        "policy": decision.get("policy"),
        "created_at": handoff.created_at.isoformat().replace("+00:00", "Z"),
    }


def contact(state: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any]:
    """Who the visitor is: the latest slots and identify values, else the decision's facts."""
    known = {**facts, **(state.get("identity") or {}), **(state.get("slots") or {})}
    out = {k: (known.get(k) or {}).get("value") for k in CONTACT}
    out["city"] = out["city"] or state.get("city")
    return out


def rep_info(session: Session, rep_id: str | None) -> dict[str, Any] | None:
    """A rep as the integrations read it: id, name, email and attributes (CRM owner ids...)."""
    if rep_id is None:
        return None
    rep = get_rep(session, rep_id)
    if rep is None:
        return {"id": rep_id, "name": None, "email": None, "attributes": {}}
    return {k: getattr(rep, k) for k in REP_COLUMNS} | {"attributes": dict(rep.attributes)}
