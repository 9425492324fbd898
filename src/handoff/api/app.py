"""create_app(settings): the FastAPI application with its store, policy book and routers."""

from __future__ import annotations

import ctypes
import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

from fastapi import FastAPI

from handoff.api.deps import Services
from handoff.api.errors import install_error_handlers
from handoff.api.limits import BodyLimit
from handoff.api.metrics import Metrics, MetricsMiddleware
from handoff.api.ratelimit import install_rate_limits
from handoff.api.routes import (
    conversations,
    deliveries,
    handoffs,
    health,
    integrations,
    policies,
    reps,
    simulate,
)
from handoff.api.routes import metrics as metrics_routes
from handoff.auth import KeyCache
from handoff.chatwoot import webhook as chatwoot_webhook
from handoff.dashboard.app import install_dashboard
from handoff.db.engine import make_engine, make_sessionmaker
from handoff.demo import chat as demo_chat
from handoff.handling import Handler
from handoff.policy_store import PolicyBook
from handoff.settings import Settings, get_settings

ROUTERS = (
    conversations,
    handoffs,
    reps,
    policies,
    simulate,
    metrics_routes,
    deliveries,
    integrations,
    health,
)
DESCRIPTION = (
    "Decides when a chatbot conversation deserves a human sales rep, routes it and explains why. "
    "Authenticate with `Authorization: Bearer <key>`; every error is "
    '`{"error": {"code", "message", "field"?}}`.'
)


def create_app(settings: Settings) -> FastAPI:
    """The API on the store named by `settings` (nothing connects until a request needs it)."""
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    book = PolicyBook()
    metrics = Metrics()
    ingest_thread = None
    if engine.dialect.name == "sqlite":
        ingest_thread = ThreadPoolExecutor(1, thread_name_prefix="handoff-ingest")

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield  # the ingest thread stays for the app's next start; idle, it ends with the app
        engine.dispose()

    app = FastAPI(title="handoff", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.services = Services(
        settings=settings,
        sessions=sessions,
        book=book,
        handler=Handler(sessions, book),
        keys=KeyCache(settings.key_cache_seconds),
        metrics=metrics,
        ingest_thread=ingest_thread,
    )
    for module in ROUTERS:
        app.include_router(module.router)
    app.include_router(chatwoot_webhook.router)
    install_dashboard(app)
    demo_chat.install_demo(app)
    install_error_handlers(app)
    install_rate_limits(app, settings)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    return app


M_ARENA_MAX = -8  # glibc's mallopt parameter that MALLOC_ARENA_MAX sets


def limit_malloc_arenas(arenas: int) -> bool:
    """Cap glibc's malloc arenas for this process, as MALLOC_ARENA_MAX would; whether it did.

    Threads that allocate at once get arenas of their own (up to 8 per core by default),
    and memory freed in one is kept there: a long-running server's resident memory creeps
    up though nothing is kept. Not on other C libraries, nor when MALLOC_ARENA_MAX is set.
    """
    if arenas <= 0 or "MALLOC_ARENA_MAX" in os.environ:
        return False
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_ARENA_MAX, arenas))


def app_from_environment() -> FastAPI:
    """The API configured from HANDOFF_* variables (uvicorn's factory)."""
    settings = get_settings()
    limit_malloc_arenas(settings.malloc_arenas)
    return create_app(settings)
