"""Integrations (admin only): stored targets with secrets masked; add, edit, switch, delete."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from handoff import target_store
from handoff.api.deps import Services, ServicesDep, SessionDep
from handoff.dashboard.auth import Admins, Refused, Viewer
from handoff.dashboard.config_form import PREFIX, form_fields, parse
from handoff.dashboard.templates import render
from handoff.db.engine import writing
from handoff.errors import Conflict, Invalid, NotFound, ServiceError
from handoff.integrations.base import REGISTRY
from handoff.targets import KINDS, Targets, default_kinds

router = APIRouter(include_in_schema=False)


def _keys(services: Services) -> target_store.Keyring:
    return target_store.Keyring(services.settings.secret_key)


def _environment() -> list[str]:
    try:
        return sorted(Targets.from_env().by_name)
    except ValueError:
        return []


def _form(
    request: Request,
    integration: str,
    target: dict[str, Any] | None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    if integration not in REGISTRY:
        raise Refused(f"there is no integration '{integration}'", status=404)
    context = {
        "integration": integration,
        "target": target,
        "fields": form_fields(integration),
        "kinds": KINDS,
        "default_kinds": default_kinds(integration),
        "error": error,
    }
    return render(request, "integration_form.html", context, status=status)


def _described(session: Session, services: Services, name: str) -> dict[str, Any]:
    try:
        return target_store.describe(target_store.get_target(session, name), _keys(services))
    except NotFound as exc:
        raise Refused(exc.message, status=404) from None


@router.get("/integrations")
def integrations(
    request: Request, viewer: Admins, session: SessionDep, services: ServicesDep
) -> Response:
    """Every stored target (secrets masked) and the environment's target names."""
    keys = _keys(services)
    context = {
        "targets": [target_store.describe(r, keys) for r in target_store.list_targets(session)],
        "environment": _environment(),
        "integrations": sorted(REGISTRY),
    }
    return render(request, "integrations.html", context)


@router.get("/integrations/new")
def new(request: Request, viewer: Admins, integration: str = "") -> Response:
    """An empty form for a target of `integration`."""
    return _form(request, integration, None)


@router.get("/integrations/{name}/edit")
def edit(
    request: Request, name: str, viewer: Admins, session: SessionDep, services: ServicesDep
) -> Response:
    """The form of a stored target; secrets blank (blank keeps them)."""
    target = _described(session, services, name)
    return _form(request, target["integration"], {**target, "existing": True})


@router.post("/integrations")
async def save(request: Request, viewer: Admins, services: ServicesDep) -> Response:
    """Add or replace a target from the form; the form again with the problem otherwise."""
    form = await request.form()
    integration = str(form.get("integration", ""))
    if integration not in REGISTRY:
        raise Refused(f"there is no integration '{integration}'", status=404)
    try:
        await run_in_threadpool(_save, services, viewer, integration, form)
    except ServiceError as exc:
        return _form(request, integration, _typed(integration, form), exc.message, exc.status)
    return RedirectResponse("/integrations", status_code=303)


def _typed(integration: str, form) -> dict[str, Any]:
    secret = {f.name for f in form_fields(integration) if f.input == "password"}
    config = {k[len(PREFIX) :]: v for k, v in form.items() if k.startswith(PREFIX)}
    return {
        "name": form.get("name", ""),
        "kinds": form.getlist("kinds"),
        "teams": _teams(form),
        "enabled": "enabled" in form,
        "config": {k: v for k, v in config.items() if k not in secret},
        "existing": "existing" in form,
    }


def _teams(form) -> list[str]:
    return [t.strip() for t in str(form.get("teams", "")).split(",") if t.strip()]


def _save(services: Services, viewer: Viewer, integration: str, form) -> None:
    kinds = form.getlist("kinds")
    if not kinds:
        raise Invalid("choose at least one kind of delivery", field="kinds")
    name = str(form.get("name", "")).strip()
    config = parse(integration, form)
    with services.sessions() as session, writing(session):
        if "existing" not in form and target_store.find_target(session, name) is not None:
            raise Conflict(f"a target named '{name}' exists: edit it instead")
        target_store.save(
            session,
            _keys(services),
            name,
            integration,
            config,
            viewer.email,
            services.clock(),
            kinds=kinds,
            teams=_teams(form),
            enabled="enabled" in form,
        )


@router.post("/integrations/{name}/enabled")
def switch(
    name: str,
    viewer: Admins,
    session: SessionDep,
    services: ServicesDep,
    enabled: Annotated[bool, Form()] = False,
) -> Response:
    """Switch a stored target on or off."""
    try:
        with writing(session):
            target_store.set_enabled(session, name, enabled, viewer.email, services.clock())
    except NotFound as exc:
        raise Refused(exc.message, status=404) from None
    return RedirectResponse("/integrations", status_code=303)


@router.post("/integrations/{name}/delete")
def delete(name: str, viewer: Admins, session: SessionDep, services: ServicesDep) -> Response:
    """Delete a stored target."""
    try:
        with writing(session):
            target_store.delete(session, name, viewer.email, services.clock())
    except NotFound as exc:
        raise Refused(exc.message, status=404) from None
    return RedirectResponse("/integrations", status_code=303)
