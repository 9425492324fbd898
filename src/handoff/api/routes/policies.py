"""Policy versions: the live one, validate a draft, publish, list, diff, roll back."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import IntegrityError

from handoff.api.deps import Admin, Reader, RowId, ServicesDep, SessionDep
from handoff.api.views import version_view
from handoff.dashboard import audit
from handoff.db.engine import writing
from handoff.db.policies import get_version, list_versions
from handoff.errors import Conflict, NotFound
from handoff.policy_store import compile_policy, diff, publish, rollback

router = APIRouter(prefix="/v1/policy", tags=["policy"])
MAX_POLICY_CHARS = 200_000


class Draft(BaseModel):
    """Policy YAML text."""

    model_config = ConfigDict(extra="forbid")
    source: str = Field(min_length=1, max_length=MAX_POLICY_CHARS)


class Publish(Draft):
    """A new version and why."""

    comment: str = Field(default="", max_length=2000)


class Rollback(BaseModel):
    """Which version to bring back, and why."""

    model_config = ConfigDict(extra="forbid")
    version: RowId
    comment: str = Field(default="", max_length=2000)


def _version(session, version: int):
    row = get_version(session, version)
    if row is None:
        raise NotFound(f"no policy version {version}")
    return row


@router.get("")
def live(who: Reader, session: SessionDep, services: ServicesDep) -> dict:
    """The live policy: its version, text and warnings."""
    policy = services.book.live(session)
    return {
        **version_view(_version(session, policy.version), source=True),
        "name": policy.name,
        "warnings": [w.to_dict() for w in policy.warnings],
    }


@router.post("/validate")
def validate(body: Draft, who: Reader) -> dict:
    """Check a draft: 200 with its warnings, or 422 with every problem (line and column)."""
    policy = compile_policy(body.source)
    return {
        "valid": True,
        "sha256": policy.sha256,
        "warnings": [w.to_dict() for w in policy.warnings],
    }


@router.get("/versions")
def versions(who: Reader, session: SessionDep) -> dict:
    """Every version, newest (live) first."""
    return {"versions": [version_view(v) for v in list_versions(session)]}


@router.post("/versions", status_code=201)
def publish_version(body: Publish, who: Admin, session: SessionDep) -> dict:
    """Publish a new live version; a policy that does not validate is refused (422)."""
    return _publishing(
        session, who, lambda now: publish(session, body.source, body.comment, who.name, now)
    )


@router.get("/versions/{version}")
def read_version(version: RowId, who: Reader, session: SessionDep) -> dict:
    """One version with its text."""
    return version_view(_version(session, version), source=True)


@router.get("/diff")
def diff_versions(
    who: Reader,
    session: SessionDep,
    old: Annotated[RowId, Query(alias="from")],
    new: Annotated[RowId, Query(alias="to")],
) -> dict:
    """A unified diff between two versions."""
    return {"from": old, "to": new, "diff": diff(_version(session, old), _version(session, new))}


@router.post("/rollback", status_code=201)
def roll_back(body: Rollback, who: Admin, session: SessionDep) -> dict:
    """Publish an old version's text again as the new live version."""
    return _publishing(
        session,
        who,
        lambda now: rollback(session, body.version, body.comment, who.name, now),
        rolled_back_to=body.version,
    )


def _publishing(session, who, action, rolled_back_to: int | None = None) -> dict:
    try:
        with writing(session):
            now = datetime.now(UTC)
            row = action(now)
            audit.policy_version(session, f"API key {who.name}", row, now, rolled_back_to)
    except IntegrityError:
        raise Conflict("another version was published at the same time: try again") from None
    return version_view(row)
