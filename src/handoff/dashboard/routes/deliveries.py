"""Deliveries: recent ones per target, parked ones with their last error, and replay."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select

from handoff import outbox
from handoff.api.deps import ServicesDep, SessionDep
from handoff.dashboard.auth import Managers
from handoff.dashboard.templates import render
from handoff.db.engine import writing
from handoff.db.outbox_models import DeliveryRow

router = APIRouter(include_in_schema=False)


@router.get("/deliveries")
def deliveries(
    request: Request, viewer: Managers, session: SessionDep, status: str = "", target: str = ""
) -> Response:
    """Counts per target and status, and the latest deliveries (filtered)."""
    counts: dict[str, dict[str, int]] = {}
    query = select(DeliveryRow.target, DeliveryRow.status, func.count()).group_by(
        DeliveryRow.target, DeliveryRow.status
    )
    for name, state, count in session.execute(query).all():
        counts.setdefault(name, {})[state] = count
    rows = outbox.list_deliveries(
        session,
        status=status if status in outbox.STATUSES else None,
        target=target or None,
    )
    context = {
        "counts": counts,
        "rows": rows,
        "statuses": outbox.STATUSES,
        "status": status,
        "target": target,
    }
    return render(request, "deliveries.html", context)


@router.post("/deliveries/replay")
def replay(
    viewer: Managers,
    session: SessionDep,
    services: ServicesDep,
    ids: Annotated[list[int] | None, Form()] = None,
) -> Response:
    """Make parked deliveries due again (the ones given, or every parked one)."""
    with writing(session):
        outbox.replay(session, services.clock(), ids or None)
    return RedirectResponse("/deliveries?status=dead", status_code=303)
