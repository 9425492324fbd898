"""What handoff says and does back in Chatwoot: `reply` side effects in the outbox.

After a webhook's events are handled: a handoff gets one reply (open, assign, note, `say`),
keyed by the conversation; every visitor message answered by a qualify or nurture decision
that has something to say gets one, keyed by the message's event id. The keys are stable,
so a redelivered webhook (whose events replay) writes nothing twice, and one that was cut
short after its events were stored writes what was missing.
"""

from __future__ import annotations

from typing import Any

from handoff.api.deps import Services
from handoff.chatwoot.mapping import chatwoot_ids
from handoff.db.engine import writing
from handoff.handling import Outcome
from handoff.outbox import add_effect

KIND = "reply"


def replies(conversation_id: str, raws: list[dict], outcomes: list[Outcome]) -> list[dict]:
    """The reply side effects (key, handoff id, payload) for a batch of handled events."""
    ids = chatwoot_ids(conversation_id)
    if ids is None:
        return []
    where = {"account_id": ids[0], "conversation_id": ids[1]}
    out = []
    for raw, outcome in zip(raws, outcomes, strict=True):
        decision = outcome.decision
        if decision["action"] == "handoff" and outcome.handoff is not None:
            key = f"chatwoot:{conversation_id}:handoff"
            out.append(_effect(key, outcome.handoff.id, where, decision))
        elif _visitor_message(raw) and decision.get("say"):
            key = f"chatwoot:{conversation_id}:{raw['event_id']}"
            out.append(_effect(key, None, where, decision))
    return list({effect["key"]: effect for effect in out}.values())


def after_ingest(
    services: Services, conversation_id: str, raws: list[dict], outcomes: list[Outcome]
) -> None:
    """Write the batch's reply side effects (each once per key) in one transaction."""
    effects = replies(conversation_id, raws, outcomes)
    if not effects:
        return
    now = services.clock()
    with services.sessions() as session, writing(session):
        for effect in effects:
            add_effect(
                session,
                KIND,
                effect["key"],
                conversation_id,
                now,
                handoff_id=effect["handoff_id"],
                payload=effect["payload"],
            )


def _visitor_message(raw: dict) -> bool:
    return raw.get("type") == "message" and raw.get("role") == "visitor"


def _effect(
    key: str, handoff_id: int | None, where: dict[str, int], decision: dict[str, Any]
) -> dict[str, Any]:
    payload = {
        "chatwoot": where,
        "action": decision["action"],
        "mode": decision.get("mode"),
        "say": decision.get("say"),
        "ask": decision.get("ask"),
    }
    return {"key": key, "handoff_id": handoff_id, "payload": payload}
