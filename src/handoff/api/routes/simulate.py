"""Simulate a conversation against the live policy, a version or a draft; nothing stored."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

import handoff
from handoff.api.deps import Ingest, RowId, ServicesDep, SessionDep
from handoff.api.errors import ApiError
from handoff.db.roster import roster_state
from handoff.policy_store import compile_policy

router = APIRouter(prefix="/v1/simulate", tags=["simulate"])


class Simulation(BaseModel):
    """Events as in CONTRACT §1; `policy` (YAML) or `version`, else the live policy."""

    model_config = ConfigDict(extra="forbid")
    events: list[dict[str, Any]] = Field(min_length=1, max_length=500)
    policy: str | None = Field(default=None, max_length=200_000)
    version: RowId | None = None
    roster_state: dict[str, Any] | None = None
    at: str | None = None


@router.post("")
def simulate(body: Simulation, who: Ingest, session: SessionDep, services: ServicesDep) -> dict:
    """The decision the conversation would get (CONTRACT §3 step 8), with its trace."""
    if body.policy is not None:
        policy = compile_policy(body.policy)
    elif body.version is not None:
        policy = services.book.version(session, body.version)
    else:
        policy = services.book.live(session)
    try:
        roster = (
            handoff.RosterState.from_dict(body.roster_state)
            if body.roster_state is not None
            else None
        )
    except ValueError as exc:
        raise ApiError(422, "invalid", str(exc), "roster_state") from None
    roster = roster or roster_state(session)
    try:
        decision = handoff.decide(policy, body.events, roster_state=roster, at=body.at)
    except ValueError as exc:
        if isinstance(exc, handoff.EventError):
            raise
        raise ApiError(422, "invalid", f"at: {exc}", "at") from None
    return {"decision": decision.to_dict()}
