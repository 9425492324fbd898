"""One rule per route of the whole app, and the two kinds of credential never cross.

Every route (API and dashboard, walked from app.routes) carries exactly one rule: a key
scope (API), a set of roles (dashboard), or a named public or otherwise-authenticated
entry below; a new route without one fails here. The scope × key matrix runs in
tests/api/test_scopes.py and the role × route matrix in tests/dashboard/test_access.py;
this module adds that a dashboard session never opens the API and an API key never opens
the dashboard.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from handoff.api import create_app
from handoff.api.deps import Scope
from handoff.auth import create_key
from handoff.dashboard.auth import route_roles
from handoff.db.engine import make_engine, make_sessionmaker, writing
from handoff.db.migrate import upgrade
from handoff.policy_store import publish
from handoff.settings import Settings
from handoff.users import create_user

PUBLIC = {"/healthz", "/login", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
OTHERWISE = {"/v1/integrations/chatwoot/webhook": "signed with HANDOFF_CHATWOOT_WEBHOOK_SECRET"}
PASSWORD = "a long test password"


def rule(route) -> tuple[str, object]:
    """("scope", needed) | ("roles", roles) | ("public", None) | ("otherwise", why)."""
    if not isinstance(route, APIRoute):
        assert route.path in PUBLIC or route.path.startswith("/static"), route.path
        return ("public", None)
    scopes = [d.call.needed for d in route.dependant.dependencies if isinstance(d.call, Scope)]
    roles = route_roles(route)
    assert len(scopes) + (roles is not None) <= 1, f"{route.path} has two rules"
    if scopes and scopes[0] is not None:
        return ("scope", scopes[0])
    if roles is not None:
        return ("roles", roles)
    if route.path in OTHERWISE:
        return ("otherwise", OTHERWISE[route.path])
    assert route.path in PUBLIC, f"{route.path} has no rule: give it a scope or roles"
    return ("public", None)


@pytest.fixture(scope="module")
def app_and_key(tmp_path_factory, policy_text):
    """The app on a SQLite store: the reference policy, an admin key and an admin user."""
    url = f"sqlite:///{tmp_path_factory.mktemp('authz') / 'handoff.db'}"
    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    with make_sessionmaker(engine)() as session, writing(session):
        publish(session, policy_text, "reference", "tests", now)
        key = create_key(session, "ops", "admin", now)[1]
        create_user(session, "admin@acme.example", "admin", PASSWORD, now)
    engine.dispose()
    return create_app(Settings(database_url=url, key_cache_seconds=0)), key


def flat(routes):
    """Every route, walking into included routers."""
    for route in routes:
        if hasattr(route, "original_router"):
            yield from flat(route.original_router.routes)
        else:
            yield route


def routes(app):
    """(method, path with sample ids, rule) for every route and method of the app."""
    for route in flat(app.routes):
        kind, detail = rule(route)
        path = re.sub(r"\{[^}]+\}", "1", route.path)
        for method in sorted(getattr(route, "methods", None) or {"GET"}):
            if method != "HEAD":
                yield method, path, kind, detail


def test_every_route_of_the_app_has_exactly_one_rule(app_and_key):
    kinds = {}
    for method, path, kind, _ in routes(app_and_key[0]):
        kinds.setdefault(kind, set()).add((method, path))
    assert len(kinds["scope"]) >= 25 and len(kinds["roles"]) >= 20
    assert {p for _, p in kinds["public"]} - PUBLIC <= {"/static"}


def test_a_dashboard_session_never_opens_the_api(app_and_key):
    app, _ = app_and_key
    with TestClient(app) as client:
        page = client.get("/login").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        signed = client.post(
            "/login",
            data={"email": "admin@acme.example", "password": PASSWORD, "csrf": csrf},
            follow_redirects=False,
        )
        assert signed.status_code == 303 and client.get("/inbox").status_code == 200
        for method, path, kind, _ in routes(app):
            if kind == "scope":
                response = client.request(method, path, json={})
                assert response.status_code == 401, (method, path)


def test_an_api_key_never_opens_the_dashboard(app_and_key):
    app, key = app_and_key
    with TestClient(app, follow_redirects=False) as client:
        client.headers["Authorization"] = f"Bearer {key}"
        for method, path, kind, _ in routes(app):
            if kind == "roles":
                response = client.request(method, path)
                assert response.status_code == 303, (method, path)
                assert response.headers["location"].startswith("/login")
