"""Deliveries: counts per target, parked ones with their last error, replay, and on the handoff."""

from __future__ import annotations

from datetime import UTC, datetime

from handoff.db.engine import writing
from handoff.db.outbox_models import DeliveryRow, OutboxEntry

from .conftest import sign_in

NOW = datetime(2026, 3, 3, 15, tzinfo=UTC)


def _deliveries(store, handoff_id: int) -> tuple[int, int]:
    with store.sessions() as session, writing(session):
        entry = OutboxEntry(
            key=f"lead:{handoff_id}", kind="lead", conversation_id="east",
            handoff_id=handoff_id, payload={}, created_at=NOW, fanned_at=NOW,
        )  # fmt: skip
        session.add(entry)
        session.flush()
        rows = [
            DeliveryRow(
                outbox_id=entry.id,
                key=f"lead:{handoff_id}:{target}",
                kind="lead",
                target=target,
                status=status,
                attempts=attempts,
                due_at=NOW,
                last_error=error,
                created_at=NOW,
                updated_at=NOW,
            )  # fmt: skip
            for target, status, attempts, error in (
                ("hubspot", "delivered", 1, None),
                ("slack", "dead", 8, "<b>HTTP 500</b> from slack"),
            )
        ]
        session.add_all(rows)
        session.flush()
        return rows[0].id, rows[1].id


def test_parked_deliveries_show_their_error_and_replay(client, app, store):
    handoff = app.state.seeded["east"]["id"]
    _, parked = _deliveries(store, handoff)
    csrf = sign_in(client, "manager")
    page = client.get("/deliveries?status=dead").text
    assert "&lt;b&gt;HTTP 500&lt;/b&gt; from slack" in page and f'value="{parked}"' in page
    assert ">parked<" in page and "hubspot" in page
    packet = client.get(f"/handoffs/{handoff}").text
    assert "<strong>slack</strong> (lead)" in packet and "after 8 attempts" in packet
    response = client.post("/deliveries/replay", data={"ids": str(parked), "csrf": csrf})
    assert response.status_code == 303
    with store.sessions() as session:
        row = session.get(DeliveryRow, parked)
        assert (row.status, row.attempts) == ("pending", 0)
