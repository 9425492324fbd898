"""GET /v1/deliveries (read), the parked list with the last error, replay one or all (admin)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from handoff import outbox
from handoff.api import create_app
from handoff.auth import create_key
from handoff.db.engine import writing
from handoff.integrations.base import Result
from handoff.settings import Settings
from handoff.targets import Target, Targets
from outbox.support import TUESDAY, add_nurtures


@pytest.fixture
def client(engine, sessions) -> Iterator[tuple[TestClient, dict[str, str]]]:
    tokens = {}
    with sessions() as session, writing(session):
        for scope in ("read", "admin"):
            tokens[scope] = create_key(session, f"t-{scope}", scope, datetime.now(UTC))[1]
    url = engine.url.render_as_string(hide_password=False)
    with TestClient(create_app(Settings(database_url=url, env="test"))) as client:
        yield client, {k: {"Authorization": f"Bearer {v}"} for k, v in tokens.items()}


@pytest.fixture
def parked(sessions) -> list[int]:
    """Three nurture deliveries: one delivered, two parked."""
    add_nurtures(sessions, 3, TUESDAY)
    with sessions() as session, writing(session):
        outbox.fan_out(session, Targets([Target("bot", "webhook", {}, ("nurture",))]), TUESDAY)
        claimed = outbox.claim(session, "w", TUESDAY, 10, 60)
    results = [Result.success("ok"), Result(False, "bot: HTTP 404 gone"), Result(False, "x")]
    for item, result in zip(claimed, results, strict=True):
        with sessions() as session, writing(session):
            outbox.record(session, item.id, result, TUESDAY)
    return [c.id for c in claimed[1:]]


def test_deliveries_are_listed_with_filters_and_parked_ones_with_their_error(client, parked):
    http, keys = client
    listed = http.get("/v1/deliveries", headers=keys["read"]).json()["deliveries"]
    assert [d["status"] for d in listed] == ["dead", "dead", "delivered"]
    dead = http.get("/v1/deliveries/dead?target=bot", headers=keys["read"]).json()["deliveries"]
    assert dead[1]["last_error"] == "attempt 1: bot: HTTP 404 gone"
    assert dead[1]["key"] == "c:n1:nurture:test:bot" and dead[1]["kind"] == "nurture"
    filtered = http.get("/v1/deliveries?status=delivered&kind=nurture", headers=keys["read"])
    assert len(filtered.json()["deliveries"]) == 1
    assert http.get("/v1/deliveries?status=lost", headers=keys["read"]).status_code == 422


def test_parked_deliveries_are_replayed_one_by_one_or_in_bulk(client, parked, sessions):
    http, keys = client
    one = f"/v1/deliveries/{parked[0]}/replay"
    assert http.post(one, headers=keys["read"]).status_code == 403
    assert http.post(one, headers=keys["admin"]).json() == {"replayed": 1}
    assert http.post(one, headers=keys["admin"]).status_code == 409
    assert http.post("/v1/deliveries/999/replay", headers=keys["admin"]).status_code == 404
    bulk = "/v1/deliveries/replay"
    assert http.post(bulk, json={}, headers=keys["admin"]).status_code == 422
    too_big = http.post(bulk, json={"ids": [2**63]}, headers=keys["admin"])
    assert too_big.status_code == 422, too_big.json()
    assert "ids" in too_big.json()["error"]["field"]
    assert http.post(bulk, json={"all": True}, headers=keys["admin"]).json() == {"replayed": 1}
    with sessions() as session:
        pending = outbox.list_deliveries(session, status="pending")
    assert sorted(row.id for row, _ in pending) == sorted(parked)
