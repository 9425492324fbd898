"""Deliveries of the outbox: list them, see parked ones with their last error, replay them."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from handoff import outbox
from handoff.api.deps import Admin, Reader, RowId, ServicesDep, SessionDep
from handoff.api.views import when
from handoff.db.engine import writing
from handoff.db.outbox_models import DeliveryRow, OutboxEntry
from handoff.errors import Conflict, Invalid, NotFound
from handoff.targets import KINDS

router = APIRouter(prefix="/v1/deliveries", tags=["deliveries"])
Status = Literal[outbox.STATUSES]
Kind = Literal[KINDS]
Limit = Annotated[int, Query(ge=1, le=500)]


class Replay(BaseModel):
    """Parked deliveries to replay: these ids, or every parked one (`all`), maybe of one target."""

    model_config = ConfigDict(extra="forbid")
    ids: list[RowId] | None = Field(default=None, max_length=1000)
    all: bool = False
    target: str | None = None


def delivery_view(row: DeliveryRow, entry: OutboxEntry) -> dict:
    """A delivery with its side effect and its last error."""
    return {
        "id": row.id,
        "key": row.key,
        "kind": row.kind,
        "target": row.target,
        "status": row.status,
        "attempts": row.attempts,
        "due_at": when(row.due_at) if row.status == "pending" else None,
        "last_error": row.last_error,
        "external_id": row.external_id,
        "handoff_id": entry.handoff_id,
        "conversation_id": entry.conversation_id,
        "recipient": entry.payload.get("recipient"),
        "created_at": when(row.created_at),
        "updated_at": when(row.updated_at),
        "delivered_at": when(row.delivered_at),
    }


@router.get("")
def list_all(
    who: Reader,
    session: SessionDep,
    status: Status | None = None,
    target: str | None = None,
    kind: Kind | None = None,
    handoff: int | None = None,
    limit: Limit = 100,
    before: Annotated[int | None, Query(description="Only deliveries with a lower id.")] = None,
) -> dict:
    """Deliveries matching the filters, newest first."""
    rows = outbox.list_deliveries(
        session,
        status=status,
        target=target,
        kind=kind,
        handoff_id=handoff,
        limit=limit,
        before_id=before,
    )
    return {"deliveries": [delivery_view(r, e) for r, e in rows]}


@router.get("/dead")
def parked(who: Reader, session: SessionDep, target: str | None = None, limit: Limit = 100) -> dict:
    """Parked deliveries with their last error, newest first."""
    rows = outbox.list_deliveries(session, status="dead", target=target, limit=limit)
    return {"deliveries": [delivery_view(r, e) for r, e in rows]}


@router.post("/{delivery_id}/replay")
def replay_one(delivery_id: RowId, who: Admin, session: SessionDep, services: ServicesDep) -> dict:
    """Deliver a parked delivery again, with the same idempotency key and a fresh schedule."""
    with writing(session):
        row = session.get(DeliveryRow, delivery_id)
        if row is None:
            raise NotFound(f"no delivery {delivery_id}")
        if row.status != "dead":
            raise Conflict(f"delivery {delivery_id} is {row.status}, not parked")
        outbox.replay(session, services.clock(), [delivery_id])
    return {"replayed": 1}


@router.post("/replay")
def replay_many(body: Replay, who: Admin, session: SessionDep, services: ServicesDep) -> dict:
    """Deliver parked deliveries again: the ids given, or all of them with `all: true`."""
    if body.ids is None and not body.all:
        raise Invalid("name the deliveries (`ids`) or replay every parked one (`all: true`)")
    with writing(session):
        count = outbox.replay(session, services.clock(), body.ids, target=body.target)
    return {"replayed": count}
