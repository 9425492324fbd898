"""Sign in and sign out; the sign-in form carries its own CSRF token in a short-lived cookie.

Too many failed sign-ins for an email or from a client get 429 and Retry-After, without
the password being checked (handoff.dashboard.throttle).
"""

from __future__ import annotations

import math
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from handoff.api.deps import ServicesDep, SessionDep
from handoff.dashboard.audit import record
from handoff.dashboard.auth import COOKIE, LOGIN_COOKIE, Anyone, Refused
from handoff.dashboard.templates import render
from handoff.dashboard.throttle import SignInLimits, client_key, retry_after
from handoff.db.engine import writing
from handoff.users import SESSION_HOURS, authenticate, end_session, start_session

router = APIRouter(include_in_schema=False)


def local_path(target: str | None) -> str:
    """`target` when it is a path on this site, else '/' (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


def _secure(request: Request) -> bool:
    return request.app.state.services.settings.env != "development"


def _login_page(
    request: Request,
    next_: str,
    error: str | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
):
    token = secrets.token_urlsafe(32)
    context = {"login_csrf": token, "next": local_path(next_), "error": error}
    response = render(request, "login.html", context, status=status, headers=headers)
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path="/login",
    )
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    """The sign-in form."""
    return _login_page(request, next)


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    email: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the password (unless throttled); on success start a session and go on."""
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(csrf, expected):
        return _login_page(request, next, "The form expired: please sign in again.", 400)
    now = services.clock()
    actor = email.strip().lower() or "?"
    host = request.client.host if request.client else None
    client = client_key(host)
    limits = SignInLimits.from_settings(services.settings)
    token = None
    with writing(session):
        wait = retry_after(session, limits, actor, client, now)
        user = None if wait else authenticate(session, email, password)
        if user is not None:
            token, _ = start_session(session, user, now)
            record(session, user.email, "signed_in", now, user.email, role=user.role)
        elif not wait:
            address = {"address": host} if host != client else {}
            record(session, actor, "sign_in_failed", now, client, **address)
    if wait:
        minutes = math.ceil(wait / 60)
        message = (
            "Too many failed sign-ins: the password was not checked."
            f" Try again in {minutes} minute{'s' if minutes > 1 else ''}."
        )
        return _login_page(request, next, message, 429, {"Retry-After": str(wait)})
    if token is None:
        return _login_page(request, next, "Wrong email or password.", 400)
    response = RedirectResponse(local_path(next), status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(viewer: Anyone, session: SessionDep, services: ServicesDep) -> Response:
    """End the session."""
    with writing(session):
        end_session(session, viewer.token)
        record(session, viewer.email, "signed_out", services.clock(), viewer.email)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def refused_page(request: Request, exc: Refused) -> Response:
    """The page shown when the role or ownership does not allow a request."""
    if request.headers.get("HX-Request"):
        return render(request, "_error.html", {"message": exc.message}, status=exc.status)
    return render(request, "error.html", {"message": exc.message}, status=exc.status)


def sign_in_page(request: Request, exc: Exception) -> Response:
    """Send a visitor without a session to the sign-in page (HTMX: by HX-Redirect)."""
    target = "/login?next=" + request.url.path if request.method == "GET" else "/login"
    if request.headers.get("HX-Request"):
        return Response(status_code=401, headers={"HX-Redirect": "/login"})
    return RedirectResponse(target, status_code=303)
