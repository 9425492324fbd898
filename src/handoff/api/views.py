"""How stored rows are shown over the API."""

from __future__ import annotations

from typing import Any

from handoff.db.models import Handoff, PolicyVersion, Rep
from handoff.db.roster import rep_columns


def when(value) -> str | None:
    """A stored time as RFC 3339 text."""
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def handoff_summary(handoff: Handoff | None) -> dict[str, Any] | None:
    """A handoff's state and timestamps."""
    if handoff is None:
        return None
    return {
        "id": handoff.id,
        "conversation_id": handoff.conversation_id,
        "status": handoff.status,
        "mode": handoff.mode,
        "team": handoff.team,
        "rep": handoff.rep,
        "priority": handoff.priority,
        "route": handoff.route,
        "outcome": handoff.outcome,
        "reassignments": handoff.reassignments,
        "created_at": when(handoff.created_at),
        "offered_at": when(handoff.offered_at),
        "accepted_at": when(handoff.accepted_at),
        "first_response_at": when(handoff.first_response_at),
        "closed_at": when(handoff.closed_at),
    }


def rep_view(rep: Rep, open_handoffs: int) -> dict[str, Any]:
    """A rep with their availability and load."""
    return {
        **rep_columns(rep),
        "attributes": rep.attributes,
        "availability": rep.availability,
        "open_handoffs": open_handoffs,
        "position": rep.position,
    }


def version_view(row: PolicyVersion, source: bool = False) -> dict[str, Any]:
    """A policy version, with its text when `source`."""
    out = {
        "version": row.version,
        "sha256": row.sha256,
        "comment": row.comment,
        "author": row.author,
        "created_at": when(row.created_at),
    }
    if source:
        out["source"] = row.source
    return out
