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
    """The rule a route carries: which key scope may call it (admin: all; None: anyone).

    With `rate_limited`, the caller's address and then its key must also be within the
    ingest rates (429 otherwise); one dependency does all three, as ingest runs it per event.
    """

    def __init__(self, needed: str | None, rate_limited: bool = False) -> None:
        self.needed = needed
        self.rate_limited = rate_limited

    async def __call__(
        self,
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Principal | None:
        """The caller, when their key covers this route's scope."""
        if self.needed is None:
            return None
        if self.rate_limited:
            limit_address(request)
        services: Services = request.app.state.services
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise ApiError(401, "unauthorized", "send an API key: Authorization: Bearer <key>")
        token = credentials.credentials
        hit, principal = services.keys.cached(token)
        if not hit:
            principal = await run_in_threadpool(services.keys.principal, services.sessions, token)
        if principal is None:
            raise ApiError(401, "unauthorized", "unknown or revoked API key")
        if not principal.may(self.needed):
            raise ApiError(403, "forbidden", f"this route needs a key with scope '{self.needed}'")
        if self.rate_limited:
            limit_key(request, principal)
        return principal


Public = Annotated[None, Depends(Scope(None))]
Ingest = Annotated[Principal, Depends(Scope("ingest"))]
LimitedIngest = Annotated[Principal, Depends(Scope("ingest", rate_limited=True))]
Reader = Annotated[Principal, Depends(Scope("read"))]
Admin = Annotated[Principal, Depends(Scope("admin"))]
