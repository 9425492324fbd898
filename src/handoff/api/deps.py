"""Dependencies of the routers: the services, a session, and the caller's scope checked."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Annotated, TypeVar

from annotated_types import Ge, Le
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from handoff.api.errors import ApiError
from handoff.api.metrics import Metrics
from handoff.api.ratelimit import limit_address, limit_key
from handoff.auth import KeyCache, Principal
from handoff.handling import Handler
from handoff.policy_store import PolicyBook
from handoff.settings import Settings

T = TypeVar("T")
RowId = Annotated[int, Ge(1), Le(2**63 - 1)]  # a stored id or version: out of range is 422, not 500
bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer hk_...`")


@dataclass
class Services:
    """Everything the routers use, built once by create_app."""

    settings: Settings
    sessions: sessionmaker[Session]
    book: PolicyBook
    handler: Handler
    keys: KeyCache
    metrics: Metrics
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    ingest_thread: Executor | None = None

    async def ingesting(self, fn: Callable[..., T], *args) -> T:
        """Run `fn(*args)` where events are handled: the store's ingest thread, or the threadpool.

        On SQLite every write queues for the one writer anyway, so the events of this
        process are handled one after another on one thread: no lock convoy of pool
        threads, one warm connection, fewer threads (and malloc arenas) in the process.
        """
        if self.ingest_thread is None:
            return await run_in_threadpool(fn, *args)
        return await asyncio.get_running_loop().run_in_executor(
            self.ingest_thread, partial(fn, *args)
        )


async def get_services(request: Request) -> Services:
    """The app's services."""
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_session(services: ServicesDep) -> Iterator[Session]:
    """A session for one request; the route owns its transaction."""
    with services.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


class Scope:
    """The rule a route carries: which key scope may call it (admin: all; None: anyone)."""

    def __init__(self, needed: str | None) -> None:
        self.needed = needed

    async def __call__(
        self,
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Principal | None:
        """The caller, when their key covers this route's scope."""
        if self.needed is None:
            return None
        bearing = credentials is not None and credentials.scheme.lower() == "bearer"
        return await self.check(request, credentials.credentials if bearing else None)

    async def check(self, request: Request, token: str | None) -> Principal:
        """The principal of a bearer token that covers this route's scope (else 401 or 403)."""
        services: Services = request.app.state.services
        if token is None:
            raise ApiError(401, "unauthorized", "send an API key: Authorization: Bearer <key>")
        hit, principal = services.keys.cached(token)
        if not hit:
            principal = await run_in_threadpool(services.keys.principal, services.sessions, token)
        if principal is None:
            raise ApiError(401, "unauthorized", "unknown or revoked API key")
        if not principal.may(self.needed):
            raise ApiError(403, "forbidden", f"this route needs a key with scope '{self.needed}'")
        return principal


class IngestScope(Scope):
    """The ingest route's rule: scope `ingest`, the caller's address and then its key within
    the ingest rates (429 otherwise).

    It reads the Authorization header itself, so an event costs one dependency, not three;
    the route declares the bearer scheme for the OpenAPI document (BEARER).
    """

    def __init__(self) -> None:
        super().__init__("ingest")

    async def __call__(self, request: Request) -> Principal:
        """The caller, when their key may ingest and neither it nor its address is over rate."""
        limit_address(request)
        scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
        bearing = scheme.lower() == "bearer" and token
        principal = await self.check(request, token if bearing else None)
        limit_key(request, principal)
        return principal


Public = Annotated[None, Depends(Scope(None))]
Ingest = Annotated[Principal, Depends(Scope("ingest"))]
LimitedIngest = Annotated[Principal, Depends(IngestScope())]
BEARER = {"security": [{bearer.scheme_name: []}]}
Reader = Annotated[Principal, Depends(Scope("read"))]
Admin = Annotated[Principal, Depends(Scope("admin"))]
