"""Every dashboard route × every role, generated from the routers; sign-in, CSRF, cookies."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from handoff.dashboard.app import ROUTERS
from handoff.dashboard.auth import COOKIE, route_roles
from handoff.dashboard.routes.session import local_path

from .conftest import CSRF, PASSWORD, USERS, sign_in

ROUTES = [r for module in ROUTERS for r in module.router.routes if isinstance(r, APIRoute)]
PROTECTED = [r for r in ROUTES if route_roles(r) is not None]
PUBLIC = {"/login"}


def _requests():
    for route in PROTECTED:
        for method in sorted(route.methods - {"HEAD"}):
            yield route, method


def _path(route: APIRoute, seeded: dict) -> str:
    values = {
        "handoff_id": str(seeded["east"]["id"]),
        "rep_id": "jane",
        "conversation_id": "east",
        "name": "no-such-target",
        "user_id": "0",
    }
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], route.path)


def test_every_route_names_its_roles():
    assert {r.path for r in ROUTES if route_roles(r) is None} == PUBLIC
    assert len(PROTECTED) >= 20


@pytest.mark.parametrize("role", ["admin", "manager", "rep"])
@pytest.mark.parametrize(
    ("route", "method"), list(_requests()), ids=lambda v: getattr(v, "path", v)
)
def test_route_role_matrix(client, app, route, method, role):
    csrf = sign_in(client, role)
    path = _path(route, app.state.seeded)
    query = "?from=1&to=1" if route.path == "/rules/diff" else ""
    response = client.request(method, path + query, data={"csrf": csrf})
    allowed = role in route_roles(route)
    assert (response.status_code == 403) != allowed, (response.status_code, response.text[:300])


@pytest.mark.parametrize(
    ("route", "method"), list(_requests()), ids=lambda v: getattr(v, "path", v)
)
def test_without_a_session_every_route_sends_to_sign_in(client, app, route, method):
    response = client.request(method, _path(route, app.state.seeded))
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_htmx_without_a_session_is_redirected_by_header(client):
    response = client.get("/inbox/rows", headers={"HX-Request": "true"})
    assert response.status_code == 401 and response.headers["HX-Redirect"] == "/login"


def test_a_post_without_the_csrf_token_is_refused(client):
    sign_in(client, "manager")
    response = client.post("/team/jane/availability", data={"availability": "away"})
    assert response.status_code == 403
    wrong = client.post("/team/jane/availability", data={"availability": "away", "csrf": "x" * 43})
    assert wrong.status_code == 403


def test_sign_in_needs_the_form_token(client):
    client.get("/login")
    response = client.post(
        "/login", data={"email": USERS["admin"][0], "password": PASSWORD, "csrf": "forged"}
    )
    assert response.status_code == 400 and COOKIE not in response.cookies


def test_wrong_password_is_refused_and_audited(client):
    token = CSRF.search(client.get("/login").text).group(1)
    response = client.post(
        "/login", data={"email": USERS["admin"][0], "password": "nope", "csrf": token}
    )
    assert response.status_code == 400 and "Wrong email or password" in response.text
    sign_in(client, "admin")
    assert "Sign in failed" in client.get("/audit?action=sign_in_failed").text


def test_session_cookie_flags_in_development(client):
    page = client.get("/login")
    token = CSRF.search(page.text).group(1)
    response = client.post(
        "/login", data={"email": USERS["rep"][0], "password": PASSWORD, "csrf": token}
    )
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie


def test_session_cookie_is_secure_outside_development(store):
    from fastapi.testclient import TestClient

    from handoff.api import create_app

    with TestClient(create_app(store.settings("test")), base_url="https://testserver") as client:
        token = CSRF.search(client.get("/login").text).group(1)
        response = client.post(
            "/login",
            data={"email": USERS["rep"][0], "password": PASSWORD, "csrf": token},
            follow_redirects=False,
        )
    cookies = response.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith(COOKIE))
    assert "Secure" in session and "HttpOnly" in session


def test_sign_out_ends_the_session(client):
    csrf = sign_in(client, "manager")
    token = client.cookies[COOKIE]
    assert client.post("/logout", data={"csrf": csrf}).status_code == 303
    client.cookies.set(COOKIE, token)
    assert client.get("/inbox").status_code == 303


def test_pages_carry_a_strict_content_security_policy(client):
    sign_in(client, "admin")
    for path in ("/", "/inbox", "/rules", "/team", "/login"):
        policy = client.get(path).headers["content-security-policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy
        assert "unsafe-inline" not in policy


def test_sign_in_goes_only_to_local_paths():
    assert local_path("/inbox") == "/inbox"
    for target in ("https://evil.example", "//evil.example", "/\\evil.example", "", None):
        assert local_path(target) == "/"


def test_a_rep_cannot_open_or_act_on_another_reps_handoff(client, app):
    janes = app.state.seeded["east"]
    assert janes["rep"] == "jane"
    csrf = sign_in(client, "other")
    assert client.get(f"/handoffs/{janes['id']}").status_code == 403
    assert client.post(f"/handoffs/{janes['id']}/accept", data={"csrf": csrf}).status_code == 403
    availability = {"availability": "away", "csrf": csrf}
    assert client.post("/team/jane/availability", data=availability).status_code == 403


def test_a_rep_cannot_choose_who_gets_a_handoff(client, app):
    csrf = sign_in(client, "rep")
    handoff = app.state.seeded["east"]["id"]
    response = client.post(
        f"/handoffs/{handoff}/reassign", data={"rep": "omar", "reason": "x", "csrf": csrf}
    )
    assert response.status_code == 403
