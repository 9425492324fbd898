"""The roster: reps (teams, seniority, capacity, weight, any attribute) and their availability."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from handoff.api.deps import Admin, Reader, SessionDep
from handoff.api.views import rep_view
from handoff.core.policy import ID_PATTERN
from handoff.db.conversations import add
from handoff.db.engine import writing
from handoff.db.handoffs import open_counts
from handoff.db.roster import get_rep, list_reps, new_rep, next_position
from handoff.errors import Conflict, NotFound

router = APIRouter(prefix="/v1/reps", tags=["reps"])
RepId = Annotated[str, Path(pattern=ID_PATTERN, max_length=100)]


class RepFields(BaseModel):
    """A rep's fields; any other key is kept as an attribute for routes' reps filters."""

    model_config = ConfigDict(extra="allow")
    name: str | None = None
    email: str | None = None
    teams: list[str] | None = None
    seniority: str | None = None
    capacity: int | None = Field(default=None, ge=0)
    weight: float | None = None


class NewRep(RepFields):
    """A rep to add at the end of the rotation."""

    id: str = Field(pattern=ID_PATTERN, max_length=100)


class Availability(BaseModel):
    """Whether the rep can take handoffs now."""

    model_config = ConfigDict(extra="forbid")
    availability: Literal["online", "away", "offline"]


def _found(session, rep_id: str):
    rep = get_rep(session, rep_id)
    if rep is None:
        raise NotFound(f"no rep '{rep_id}'")
    return rep


@router.get("")
def list_all(who: Reader, session: SessionDep) -> dict:
    """Every rep in rotation order, with availability and open handoffs."""
    counts = open_counts(session)
    return {"reps": [rep_view(r, counts.get(r.id, 0)) for r in list_reps(session)]}


@router.post("", status_code=201)
def create(body: NewRep, who: Admin, session: SessionDep) -> dict:
    """Add a rep at the end of the rotation."""
    now = datetime.now(UTC)
    with writing(session):
        if get_rep(session, body.id) is not None:
            raise Conflict(f"rep '{body.id}' exists already", field="id")
        rep = new_rep(body.model_dump(), next_position(session), now)
        add(session, rep)
    return rep_view(rep, 0)


@router.get("/{rep_id}")
def read(rep_id: RepId, who: Reader, session: SessionDep) -> dict:
    """One rep."""
    rep = _found(session, rep_id)
    return rep_view(rep, open_counts(session).get(rep.id, 0))


@router.patch("/{rep_id}")
def update(rep_id: RepId, body: RepFields, who: Admin, session: SessionDep) -> dict:
    """Change some of a rep's fields (an attribute set to null is removed)."""
    with writing(session):
        rep = _found(session, rep_id)
        changes: dict[str, Any] = body.model_dump(exclude_unset=True)
        attributes = dict(rep.attributes)
        for key, value in changes.items():
            if key in RepFields.model_fields:
                setattr(rep, key, value if key != "teams" else list(value or []))
            elif value is None:
                attributes.pop(key, None)
            else:
                attributes[key] = value
        rep.attributes = attributes
        rep.updated_at = datetime.now(UTC)
    return rep_view(rep, open_counts(session).get(rep.id, 0))


@router.delete("/{rep_id}", status_code=204)
def delete(rep_id: RepId, who: Admin, session: SessionDep) -> None:
    """Remove a rep from the roster (their handoffs keep their name)."""
    with writing(session):
        session.delete(_found(session, rep_id))


@router.put("/{rep_id}/availability")
def set_availability(rep_id: RepId, body: Availability, who: Admin, session: SessionDep) -> dict:
    """Set a rep online, away or offline."""
    with writing(session):
        rep = _found(session, rep_id)
        rep.availability = body.availability
        rep.updated_at = datetime.now(UTC)
    return rep_view(rep, open_counts(session).get(rep.id, 0))
