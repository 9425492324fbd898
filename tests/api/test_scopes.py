"""Every route carries a scope rule, and the rule holds for every key: a matrix over app.routes."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from handoff.api.deps import Scope

DOCS = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
KEYS = (None, "ingest", "read", "admin")
OTHER_RULES = ("handoff.dashboard.", "handoff.chatwoot.", "handoff.demo.")


def api_routes(routes):
    """Every route of the key-authenticated API, walking into included routers.

    Routes of the dashboard (signed-in users and roles), the Chatwoot webhook (its signature)
    and the demo chat (demo mode only) have their own rule and test; any other route fails here.
    """
    for route in routes:
        if hasattr(route, "original_router"):
            yield from api_routes(route.original_router.routes)
        elif not isinstance(route, APIRoute):
            assert route.path in DOCS or route.path.startswith("/static"), route.path
        elif route.endpoint.__module__.startswith("handoff.api."):
            yield route
        else:
            assert route.endpoint.__module__.startswith(OTHER_RULES), f"{route.path} has no rule"


def rule(route: APIRoute) -> str | None:
    """The scope a route requires (None: public); fails when it has no rule."""
    found = [d.call for d in route.dependant.dependencies if isinstance(d.call, Scope)]
    assert len(found) == 1, f"{route.path} has no scope rule"
    return found[0].needed


def allowed(needed: str | None, key: str | None) -> bool:
    """Whether a key of scope `key` may call a route needing `needed`."""
    return needed is None or key == "admin" or key == needed


def test_every_route_has_a_rule_and_the_rules_are_the_documented_ones(api):
    rules = {}
    for route in api_routes(api.client.app.routes):
        for method in route.methods:
            rules[(method, route.path)] = rule(route)
    assert rules[("POST", "/v1/conversations/{conversation_id}/events")] == "ingest"
    assert rules[("POST", "/v1/simulate")] == "ingest"
    assert rules[("GET", "/healthz")] is None
    writes = {k: v for k, v in rules.items() if k[0] != "GET" and v not in ("ingest",)}
    assert all(v == "admin" for k, v in writes.items() if k[1] != "/v1/policy/validate")
    secret = {k: v for k, v in rules.items() if k[1].startswith("/v1/integrations/targets")}
    assert secret and all(v == "admin" for v in secret.values())  # they describe credentials
    assert all(v in ("read", None) for k, v in rules.items() if k[0] == "GET" and k not in secret)


@pytest.mark.parametrize("key", KEYS)
def test_the_scope_matrix(api, key):
    for route in api_routes(api.client.app.routes):
        needed = rule(route)
        path = re.sub(r"\{[^}]+\}", "1", route.path)
        for method in route.methods:
            response = api.request(method, path, as_=key, json={})
            if allowed(needed, key):
                assert response.status_code not in (401, 403), (method, path, key)
            else:
                assert response.status_code == (401 if key is None else 403), (method, path, key)
                assert response.json()["error"]["code"] in ("unauthorized", "forbidden")


def test_a_revoked_or_unknown_key_is_refused(api, engine):
    from datetime import UTC, datetime

    from handoff.auth import revoke_key
    from handoff.db.engine import make_sessionmaker, writing

    assert (
        api.get("/v1/reps", headers={"Authorization": "Bearer hk_nope"}, as_=None).status_code
        == 401
    )
    with make_sessionmaker(engine)() as session, writing(session):
        revoke_key(session, "test-read", datetime.now(UTC))
    assert api.get("/v1/reps", as_="read").status_code == 401
