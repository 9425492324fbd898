"""POST /v1/integrations/chatwoot/webhook: Chatwoot's webhooks, verified, deduplicated, ingested.

A webhook is refused (401) unless X-Chatwoot-Signature signs it with a configured secret
(the agent bot's, the account webhook's: comma-separated) within the timestamp tolerance.
A delivery id seen before is answered at once; every event also has an id derived from
Chatwoot's, so a redelivery after a restart changes nothing either. The events go through
the same path as POST /v1/conversations/{id}/events.
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select

from handoff.api.deps import Public, Services
from handoff.api.errors import ApiError
from handoff.api.routes.conversations import _ingest as ingest
from handoff.chatwoot import signature
from handoff.chatwoot.mapping import is_ours, map_payload
from handoff.chatwoot.wiring import after_ingest
from handoff.core.events import parse_event
from handoff.db.models import Decision

router = APIRouter(prefix="/v1/integrations/chatwoot", tags=["integrations"])
SEEN_DELIVERIES = 10_000
RECENT_DECISIONS = 50


class Deliveries:
    """The X-Chatwoot-Delivery ids this process has handled (the most recent ones)."""

    def __init__(self, size: int = SEEN_DELIVERIES) -> None:
        self.size = size
        self._ids: OrderedDict[str, None] = OrderedDict()

    def seen(self, delivery: str | None) -> bool:
        """Whether `delivery` was handled already."""
        return delivery is not None and delivery in self._ids

    def add(self, delivery: str | None) -> None:
        """Remember `delivery` as handled."""
        if delivery:
            self._ids[delivery] = None
            while len(self._ids) > self.size:
                self._ids.popitem(last=False)


@router.post("/webhook")
async def chatwoot_webhook(request: Request, who: Public) -> dict[str, Any]:
    """Receive one Chatwoot webhook (agent bot or account webhook) and record its events."""
    services: Services = request.app.state.services
    settings = services.settings
    if settings.chatwoot_webhook_secret is None:
        raise ApiError(404, "not_found", "the Chatwoot integration is not configured")
    body = await request.body()
    try:
        signature.verify(
            settings.chatwoot_webhook_secret.get_secret_value().split(","),
            request.headers,
            body,
            time.time(),
            settings.chatwoot_timestamp_tolerance,
        )
    except signature.BadSignature as exc:
        raise ApiError(401, "bad_signature", str(exc)) from None
    deliveries = _deliveries(request)
    delivery = request.headers.get(signature.DELIVERY)
    if deliveries.seen(delivery):
        return {"status": "duplicate", "delivery": delivery}
    try:
        payload = json.loads(body)
    except ValueError:
        raise ApiError(422, "invalid_json", "the body is not valid JSON", "body") from None
    if not isinstance(payload, dict):
        raise ApiError(422, "invalid", "the body is not a JSON object", "body")
    mapped = map_payload(payload, settings.chatwoot_account_id)
    answer: dict[str, Any] = {"status": "ignored", "conversation_id": mapped.conversation_id}
    if mapped.ignored is None:
        answer |= await run_in_threadpool(_handle, services, mapped.conversation_id, mapped.events)
    else:
        answer["reason"] = mapped.ignored
    deliveries.add(delivery)
    return answer


def _deliveries(request: Request) -> Deliveries:
    state = request.app.state
    if not hasattr(state, "chatwoot_deliveries"):
        state.chatwoot_deliveries = Deliveries()
    return state.chatwoot_deliveries


def _handle(services: Services, conversation_id: str, raws: list[dict]) -> dict[str, Any]:
    with services.sessions() as session:
        rows = session.scalars(
            select(Decision.body)
            .where(Decision.conversation_id == conversation_id)
            .order_by(Decision.id.desc())
            .limit(RECENT_DECISIONS)
        )
        said = {body["say"].strip() for body in rows if body.get("say")}
    if any(is_ours(raw, said) for raw in raws):
        return {"reason": "a message handoff posted itself"}
    now = services.clock()
    events = [parse_event(raw, i, now) for i, raw in enumerate(raws)]
    outcomes = ingest(services, conversation_id, raws, events, now)
    after_ingest(services, conversation_id, raws, outcomes)
    last = outcomes[-1]
    return {
        "status": "handled",
        "events": len(raws),
        "action": last.decision["action"],
        "handoff_id": last.handoff.id if last.handoff else None,
    }
