"""Handoffs: list and read them (the whole packet), accept, reassign, record a response, close."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from handoff import lifecycle
from handoff.api.deps import Admin, Reader, RowId, ServicesDep, SessionDep
from handoff.api.views import handoff_summary
from handoff.db.conversations import decision_body
from handoff.db.engine import writing
from handoff.db.handoffs import get_handoff, list_handoffs
from handoff.packet import build_packet

router = APIRouter(prefix="/v1/handoffs", tags=["handoffs"])
Status = Literal["queued", "offered", "accepted", "closed"]


class Reassign(BaseModel):
    """To a rep, or back to routing (`rep` null), always with a reason."""

    model_config = ConfigDict(extra="forbid")
    rep: str | None = None
    reason: str = Field(min_length=1, max_length=1000)


class Close(BaseModel):
    """How the handoff ended."""

    model_config = ConfigDict(extra="forbid")
    outcome: Literal[lifecycle.OUTCOMES]


@router.get("")
def list_all(
    who: Reader,
    session: SessionDep,
    status: Status | None = None,
    team: str | None = None,
    rep: str | None = None,
    priority: str | None = None,
    since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before: Annotated[
        RowId | None, Query(description="Only handoffs with a lower id (paging).")
    ] = None,
) -> dict:
    """Handoffs matching the filters, newest first."""
    rows = list_handoffs(
        session,
        status=status,
        team=team,
        rep=rep,
        priority=priority,
        since=since,
        limit=limit,
        before_id=before,
    )
    return {"handoffs": [handoff_summary(h) for h in rows]}


@router.get("/{handoff_id}")
def packet(handoff_id: RowId, who: Reader, session: SessionDep, services: ServicesDep) -> dict:
    """The packet (the lead record the CRMs get), with the handoff's state, decision and log."""
    lead = build_packet(session, handoff_id, services.settings.public_url)
    handoff = get_handoff(session, handoff_id)
    decision = decision_body(session, handoff.decision_id)
    shared = ("contact", "transcript", "notes", "source", "facts", "qualification", "intent")
    return {
        **handoff_summary(handoff),
        **{key: lead[key] for key in shared},
        "campaign": lead["source"]["utm_campaign"],
        "url": lead["url"],
        "reason": decision["reason"],
        "trace": decision["trace"],
        "steps": decision["steps"],
        "policy": decision["policy"],
        "decision": decision,
        "log": handoff.log,
    }


@router.post("/{handoff_id}/accept")
def accept(handoff_id: RowId, who: Admin, session: SessionDep, services: ServicesDep) -> dict:
    """The rep accepts the handoff."""
    with writing(session):
        handoff = lifecycle.accept(session, handoff_id, services.clock())
    return handoff_summary(handoff)


@router.post("/{handoff_id}/reassign")
def reassign(
    handoff_id: RowId, body: Reassign, who: Admin, session: SessionDep, services: ServicesDep
) -> dict:
    """Offer the handoff to another rep, or route it again without the current one."""
    with writing(session):
        handoff = lifecycle.reassign(
            session, services.book, handoff_id, body.rep, body.reason, services.clock()
        )
    return handoff_summary(handoff)


@router.post("/{handoff_id}/responded")
def responded(handoff_id: RowId, who: Admin, session: SessionDep, services: ServicesDep) -> dict:
    """Record the rep's first response to the visitor."""
    with writing(session):
        handoff = lifecycle.responded(session, handoff_id, services.clock())
    return handoff_summary(handoff)


@router.post("/{handoff_id}/close")
def close(
    handoff_id: RowId, body: Close, who: Admin, session: SessionDep, services: ServicesDep
) -> dict:
    """Close the handoff with an outcome."""
    with writing(session):
        handoff = lifecycle.close(session, handoff_id, body.outcome, services.clock())
    return handoff_summary(handoff)
