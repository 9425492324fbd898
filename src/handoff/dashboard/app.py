"""Put the dashboard on the API's app: its routers, its static files, its error pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from handoff.dashboard import impact
from handoff.dashboard.auth import Refused, SignInNeeded
from handoff.dashboard.routes import (
    audit_log,
    conversations,
    deliveries,
    handoffs,
    inbox,
    integrations,
    overview,
    reply,
    rules,
    session,
    team,
    users,
    versions,
)
from handoff.dashboard.routes.session import refused_page, sign_in_page

STATIC_DIR = Path(__file__).parent / "static"
ROUTERS = (
    session,
    overview,
    inbox,
    handoffs,
    reply,
    conversations,
    rules,
    impact,
    versions,
    team,
    deliveries,
    audit_log,
    users,
    integrations,
)


def install_dashboard(app: FastAPI) -> None:
    """Serve the dashboard at / and its vendored scripts and styles at /static."""
    for module in ROUTERS:
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_exception_handler(SignInNeeded, sign_in_page)
    app.add_exception_handler(Refused, refused_page)
