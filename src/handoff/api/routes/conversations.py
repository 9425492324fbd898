"""Conversations: post events (answered with the decision) and read one back."""

from __future__ import annotations

import json
from contextlib import suppress
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from handoff import jsonfast, privacy
from handoff.api.deps import BEARER, Admin, LimitedIngest, Reader, Services, SessionDep
from handoff.api.errors import ApiError
from handoff.api.ratelimit import RATE_LIMITED
from handoff.api.views import handoff_summary, when
from handoff.core.events import EVENT_FIELDS, Event, parse_event
from handoff.db.conversations import decision_body, event_hashes, events_of, get_conversation
from handoff.db.engine import Busy, writing
from handoff.db.handoffs import handoff_of
from handoff.errors import EventMismatch, NotFound
from handoff.handling import Outcome, body_sha256

router = APIRouter(prefix="/v1/conversations", tags=["conversations"])
ConversationId = Annotated[str, Path(min_length=1, max_length=200)]
MAX_BATCH = 500
_TEXT = {"type": "string"}
EVENT_SCHEMA = {
    "type": "object",
    "required": ["type"],
    "properties": {
        "type": {"enum": list(EVENT_FIELDS)},
        "event_id": {
            "type": "string",
            "description": "Client-chosen; the same id again changes nothing.",
        },
        "at": {"type": "string", "format": "date-time", "description": "Default: when received."},
        "role": {"enum": ["visitor", "bot", "agent"]},
        "values": {"type": "object", "description": "Facts the bot knows (slots events)."},
        **{
            name: _TEXT
            for fields in EVENT_FIELDS.values()
            for name in fields
            if name not in ("role", "values")
        },
    },
}
EVENTS_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        EVENT_SCHEMA,
                        {
                            "type": "object",
                            "required": ["events"],
                            "properties": {"events": {"type": "array", "items": EVENT_SCHEMA}},
                        },
                    ]
                }
            }
        },
    }
}


@router.post(
    "/{conversation_id}/events",
    openapi_extra={**EVENTS_BODY, **BEARER},
    responses=RATE_LIMITED,
)
async def post_events(
    conversation_id: ConversationId, request: Request, who: LimitedIngest
) -> Response:
    """Record one event or a batch ({"events": [...]}); answer the decision after the last."""
    services: Services = request.app.state.services
    raws = _raw_events(await request.body())
    now = services.clock()
    events = [parse_event(raw, i, now) for i, raw in enumerate(raws)]
    outcomes = None
    if len(events) == 1 and services.ingest_thread is not None:
        # SQLite with its writer free: handled now, on the event loop, as a thread hand-off
        # costs more than the event; otherwise (Busy) on the ingest thread, where it may wait
        with suppress(Busy):
            outcomes = _ingest(services, conversation_id, raws, events, now, wait=False)
    if outcomes is None:
        outcomes = await services.ingesting(_ingest, services, conversation_id, raws, events, now)
    last = outcomes[-1]
    body = {
        "conversation_id": conversation_id,
        "decision": last.decision,
        "handoff": handoff_summary(last.handoff),
        "events": [
            {"event_id": e.event_id, "seq": o.seq} for e, o in zip(events, outcomes, strict=True)
        ],
    }
    headers = {"Idempotent-Replayed": "true"} if all(o.replayed for o in outcomes) else None
    return Response(jsonfast.dumps_bytes(body), media_type="application/json", headers=headers)


def _raw_events(body: bytes) -> list[dict[str, Any]]:
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise ApiError(422, "invalid_json", f"the body is not valid JSON: {exc}", "body") from None
    if isinstance(payload, dict) and "events" in payload and "type" not in payload:
        raws = payload["events"]
        if not isinstance(raws, list) or not raws:
            raise ApiError(422, "invalid", "events must be a non-empty list of events", "events")
        if len(raws) > MAX_BATCH:
            raise ApiError(422, "invalid", f"at most {MAX_BATCH} events per request", "events")
        return raws
    return [payload]


def _ingest(
    services: Services,
    conversation_id: str,
    raws: list[dict],
    events: list[Event],
    now: datetime,
    wait: bool = True,
) -> list[Outcome]:
    ids = [e.event_id for e in events if e.event_id is not None]
    if len(events) > 1 and ids:
        with services.sessions() as session:
            stored = event_hashes(session, conversation_id, ids)
        for i, (raw, event) in enumerate(zip(raws, events, strict=True)):
            if event.event_id in stored and stored[event.event_id] != body_sha256(raw):
                message = f"event_id '{event.event_id}' was already used with a different body"
                raise EventMismatch(message, field=f"events[{i}].event_id")
    outcomes = []
    for raw, event in zip(raws, events, strict=True):
        outcome = services.handler.handle(conversation_id, raw, event, now, wait)
        if not outcome.replayed and outcome.decided:
            services.metrics.decision(
                outcome.decision["action"], outcome.decision["mode"] if outcome.opened else None
            )
        outcomes.append(outcome)
    return outcomes


@router.get("/{conversation_id}")
def get_conversation_view(
    conversation_id: ConversationId, who: Reader, session: SessionDep
) -> dict:
    """A conversation: its events, facts, latest decision and handoff."""
    conversation = get_conversation(session, conversation_id)
    if conversation is None:
        raise NotFound(f"no conversation '{conversation_id}'")
    decision = decision_body(session, conversation.last_decision_id)
    return {
        "id": conversation.id,
        "created_at": when(conversation.created_at),
        "updated_at": when(conversation.updated_at),
        "events": [e.body for e in events_of(session, conversation_id)],
        "facts": decision["facts"],
        "decision": decision,
        "handoff": handoff_summary(handoff_of(session, conversation_id)),
    }


@router.delete("/{conversation_id}")
def forget(conversation_id: ConversationId, who: Admin, session: SessionDep) -> dict:
    """Remove the conversation's personal data everywhere; anonymous counts stay for metrics."""
    with writing(session):
        done = privacy.forget(session, conversation_id)
    if done is None:
        raise NotFound(f"no conversation '{conversation_id}'")
    return {"forgotten": conversation_id, "events_deleted": done.events, "handoff": done.handoff_id}
