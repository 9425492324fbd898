"""Integration targets stored in the database (admin): list, read, add or replace, delete.

Secret values are never returned: each shows as •••• and at most its last four characters.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from handoff import target_store
from handoff.api.deps import Admin, Services, ServicesDep, SessionDep
from handoff.api.views import when
from handoff.db.engine import writing
from handoff.db.target_models import IntegrationTarget

router = APIRouter(prefix="/v1/integrations/targets", tags=["integrations"])
Name = Annotated[str, Path(max_length=64)]


class TargetBody(BaseModel):
    """A target: its integration, its config (a secret left out keeps the stored one)."""

    model_config = ConfigDict(extra="forbid")
    integration: str
    config: dict[str, Any] = Field(default_factory=dict)
    kinds: list[str] | None = None
    teams: list[str] = Field(default_factory=list)
    enabled: bool = True


def view(services: Services, row: IntegrationTarget) -> dict[str, Any]:
    """A stored target as the API shows it."""
    shown = target_store.describe(row, target_store.Keyring(services.settings.secret_key))
    return {**shown, "updated_at": when(shown["updated_at"])}


@router.get("")
def list_all(who: Admin, session: SessionDep, services: ServicesDep) -> dict:
    """Every stored target, secrets masked."""
    return {"targets": [view(services, row) for row in target_store.list_targets(session)]}


@router.get("/{name}")
def read(name: Name, who: Admin, session: SessionDep, services: ServicesDep) -> dict:
    """One stored target, secrets masked."""
    return view(services, target_store.get_target(session, name))


@router.put("/{name}")
def put(
    name: Name, body: TargetBody, who: Admin, session: SessionDep, services: ServicesDep
) -> dict:
    """Add or replace a target; a secret left out (or blank) keeps its stored value."""
    keys = target_store.Keyring(services.settings.secret_key)
    with writing(session):
        row = target_store.save(
            session,
            keys,
            name,
            body.integration,
            body.config,
            f"key {who.name}",
            services.clock(),
            kinds=body.kinds,
            teams=body.teams,
            enabled=body.enabled,
        )
    return view(services, row)


@router.delete("/{name}")
def remove(name: Name, who: Admin, session: SessionDep, services: ServicesDep) -> dict:
    """Delete a stored target (an environment target of that name applies again)."""
    with writing(session):
        target_store.delete(session, name, f"key {who.name}", services.clock())
    return {"deleted": name}
