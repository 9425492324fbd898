"""Who is looking: the signed-in viewer from the session cookie, their role checked, CSRF checked.

Every dashboard route depends on an `Allow(*roles)`; the route × role test reads it back.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute

from handoff.api.deps import Services, ServicesDep
from handoff.db.dashboard_models import ROLES, User
from handoff.db.models import Handoff
from handoff.users import session_user

COOKIE = "handoff_session"
LOGIN_COOKIE = "handoff_login_csrf"
CSRF_HEADER = "X-CSRF-Token"


class SignInNeeded(Exception):
    """No valid session: the browser is sent to the sign-in page."""


class Refused(Exception):
    """The viewer's role (or ownership) does not allow this page or action."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Viewer:
    """The signed-in user, their session's CSRF token and its cookie token."""

    user_id: int
    email: str
    name: str | None
    role: str
    rep: str | None
    csrf: str
    token: str

    @property
    def manages(self) -> bool:
        """Whether the viewer sees every handoff and the rules (admin or manager)."""
        return self.role in ("admin", "manager")

    def may_handle(self, handoff: Handoff) -> bool:
        """Whether the viewer may open and act on `handoff` (a rep: only their own)."""
        return self.manages or (self.rep is not None and handoff.rep == self.rep)

    def check_handoff(self, handoff: Handoff) -> None:
        """Refuse unless the viewer may handle `handoff`."""
        if not self.may_handle(handoff):
            raise Refused(f"handoff {handoff.id} is not yours")


def _lookup(services: Services, token: str, now: datetime) -> tuple[User, str] | None:
    with services.sessions() as session:
        found = session_user(session, token, now)
        return (found[0], found[1].csrf) if found else None


async def check_csrf(request: Request, expected: str) -> None:
    """Refuse a POST whose form field `csrf` or X-CSRF-Token header is not `expected`."""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        sent = (await request.form()).get("csrf")
    if not isinstance(sent, str) or not secrets.compare_digest(sent, expected):
        raise Refused("the form expired or came from elsewhere: reload the page and try again")


class Allow:
    """Route dependency: the viewer, when signed in with one of `roles` (and, on POST, CSRF)."""

    def __init__(self, *roles: str) -> None:
        assert set(roles) <= set(ROLES), roles
        self.roles = roles

    async def __call__(self, request: Request, services: ServicesDep) -> Viewer:
        """The viewer; SignInNeeded or Refused otherwise."""
        token = request.cookies.get(COOKIE)
        found = None
        if token:
            found = await run_in_threadpool(_lookup, services, token, services.clock())
        if found is None:
            raise SignInNeeded()
        user, csrf = found
        viewer = Viewer(user.id, user.email, user.name, user.role, user.rep_id, csrf, token)
        request.state.viewer = viewer
        if user.role not in self.roles:
            raise Refused(f"this page is for {' or '.join(self.roles)} users")
        if request.method not in ("GET", "HEAD"):
            await check_csrf(request, csrf)
        return viewer


Anyone = Annotated[Viewer, Depends(Allow("admin", "manager", "rep"))]
Managers = Annotated[Viewer, Depends(Allow("admin", "manager"))]
Admins = Annotated[Viewer, Depends(Allow("admin"))]


def route_roles(route: APIRoute) -> tuple[str, ...] | None:
    """The roles a dashboard route allows (None: a public route such as sign-in)."""
    for dependency in route.dependant.dependencies:
        if isinstance(dependency.call, Allow):
            return dependency.call.roles
    return None
