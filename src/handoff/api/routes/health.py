"""Health and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse
from sqlalchemy import text

from handoff.api.deps import Public, Reader, ServicesDep, SessionDep
from handoff.db.policies import live_version

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(who: Public, session: SessionDep) -> dict:
    """Whether the service can reach its store, and the live policy version."""
    session.execute(text("SELECT 1"))
    return {"status": "ok", "policy_version": live_version(session)}


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(who: Reader, services: ServicesDep) -> str:
    """Requests, decisions by action, handoffs by mode and latency, in the Prometheus format."""
    return services.metrics.render()
