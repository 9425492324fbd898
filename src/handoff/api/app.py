"""create_app(settings): the FastAPI application with its store, policy book and routers."""

from __future__ import annotations

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
        yield
        if ingest_thread is not None:
            ingest_thread.shutdown()
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


def app_from_environment() -> FastAPI:
    """The API configured from HANDOFF_* variables (uvicorn's factory)."""
    return create_app(get_settings())
