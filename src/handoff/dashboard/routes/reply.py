"""A rep's reply to the visitor from the handoff page: an `agent` message on the conversation.

It goes through the same path as POST /v1/conversations/{id}/events, so it also records the
rep's first response. Chats that read replies from handoff (the demo chat does) show it.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from handoff.api.deps import Services, ServicesDep
from handoff.api.routes.conversations import _ingest as ingest
from handoff.core.events import parse_event
from handoff.dashboard.auth import Anyone, Refused, Viewer
from handoff.db.handoffs import get_handoff

router = APIRouter(include_in_schema=False)


@router.post("/handoffs/{handoff_id}/reply")
async def reply(
    handoff_id: int,
    viewer: Anyone,
    services: ServicesDep,
    text: Annotated[str, Form(min_length=1, max_length=4000)],
) -> Response:
    """Send the visitor a message as the rep."""
    await run_in_threadpool(_reply, services, viewer, handoff_id, text.strip())
    return RedirectResponse(f"/handoffs/{handoff_id}#reply", status_code=303)


def _reply(services: Services, viewer: Viewer, handoff_id: int, text: str) -> None:
    with services.sessions() as session:
        handoff = get_handoff(session, handoff_id)
        if handoff is None:
            raise Refused(f"there is no handoff {handoff_id}", status=404)
        viewer.check_handoff(handoff)
        if handoff.status == "closed":
            raise Refused("this handoff is closed", status=409)
        conversation_id = handoff.conversation_id
    if not text:
        raise Refused("write a message first", status=422)
    raw = {"type": "message", "role": "agent", "text": text, "event_id": f"reply-{uuid.uuid4()}"}
    now = services.clock()
    ingest(services, conversation_id, [raw], [parse_event(raw, 0, now)], now)
