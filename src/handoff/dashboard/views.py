"""What the pages show, built from stored rows: transcripts with evidence, "why here", SLA."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from handoff.db.models import Event, Handoff

DEFAULT_ACCEPT_SECONDS = 600
MODES = {
    "live": "live",
    "on_call": "on call",
    "next_business_day": "next business day",
    "after_hours_notify": "after hours (notified)",
    "queued": "queued",
}


def evidence_marks(decision: dict[str, Any]) -> dict[int, list[tuple[str, str]]]:
    """For each event index, the (words, label) pairs facts and signals were read from."""
    marks: dict[int, list[tuple[str, str]]] = {}
    for name, fact in (decision.get("facts") or {}).items():
        evidence = fact.get("evidence") or {}
        if evidence.get("words") and evidence.get("event") is not None:
            marks.setdefault(evidence["event"], []).append((evidence["words"], f"fact {name}"))
    for signal in (decision.get("intent") or {}).get("signals", []):
        for evidence in signal.get("evidence") or []:
            if evidence.get("words") and evidence.get("event") is not None:
                label = f"signal {signal['id']}"
                marks.setdefault(evidence["event"], []).append((evidence["words"], label))
    return marks


def transcript(events: list[Event], decision: dict[str, Any]) -> list[dict[str, Any]]:
    """Every message, page view and note in order, each with the evidence marks for its text."""
    marks = evidence_marks(decision)
    lines = []
    for event in events:
        body = event.body
        kind = body.get("type")
        if kind == "message":
            lines.append(
                {
                    "seq": event.seq,
                    "at": event.at,
                    "role": body.get("role", "visitor"),
                    "text": body.get("text", ""),
                    "marks": marks.get(event.seq, []),
                }
            )
        elif kind in ("page_view", "note"):
            text = body.get("url", "") if kind == "page_view" else body.get("text", "")
            lines.append(
                {"seq": event.seq, "at": event.at, "role": kind, "text": text, "marks": []}
            )
    return lines


def why_here(decision: dict[str, Any]) -> dict[str, Any]:
    """The "Why here" panel: segment, routes checked, hours, candidates and skips, rep, policy."""
    assignment = decision.get("assignment") or {}
    skipped = {s["rep"]: s["why"] for s in assignment.get("skipped") or []}
    candidates = [
        {"rep": rep, "chosen": rep == assignment.get("rep"), "why": skipped.pop(rep, None)}
        for rep in assignment.get("candidates") or []
    ]
    candidates += [{"rep": rep, "chosen": False, "why": why} for rep, why in skipped.items()]
    return {
        "segment": decision.get("segment"),
        "reason": decision.get("reason"),
        "routes": (decision.get("route") or {}).get("checked") or [],
        "route": decision.get("route"),
        "hours": decision.get("hours"),
        "mode": decision.get("mode"),
        "assignment": assignment,
        "candidates": candidates,
        "policy": decision.get("policy") or {},
        "priority": decision.get("priority"),
    }


def deadline(handoff: Handoff, decision: dict[str, Any], accept_seconds: int) -> datetime | None:
    """When the handoff is due: accepted within the SLA once offered, else at the next opening."""
    if handoff.status == "offered" and handoff.offered_at is not None:
        return handoff.offered_at + timedelta(seconds=accept_seconds)
    if handoff.status == "queued":
        next_open = (decision.get("hours") or {}).get("next_open")
        return datetime.fromisoformat(next_open.replace("Z", "+00:00")) if next_open else None
    return None
