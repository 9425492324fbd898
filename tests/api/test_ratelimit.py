"""Ingest rate limits: a bucket per address and per key, 429 with Retry-After, configurable."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from handoff.api import create_app
from handoff.api.ratelimit import Buckets
from handoff.settings import Settings

from .conftest import OPEN_HOURS

EVENT = {"type": "page_view", "url": "/pricing", "at": OPEN_HOURS}


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def settings(engine) -> Settings:
    """Three requests of burst and one a second per key; the address limit looser."""
    url = engine.url.render_as_string(hide_password=False)
    return Settings(
        database_url=url, env="test", key_cache_seconds=0,
        ingest_rate_per_key=1, ingest_burst_per_key=3, ingest_rate_per_ip=1, ingest_burst_per_ip=5,
    )  # fmt: skip


def post(api, conversation: str, key: str = "ingest", client: TestClient | None = None):
    """Post one page view as `key`."""
    headers = {"Authorization": f"Bearer {api.tokens[key]}"}
    return (client or api.client).post(
        f"/v1/conversations/{conversation}/events", json=EVENT, headers=headers
    )


def test_a_bucket_allows_its_burst_then_its_rate():
    clock = Clock()
    buckets = Buckets(rate=2, burst=3, clock=clock)
    assert [buckets.take("a") for _ in range(3)] == [0, 0, 0]
    assert buckets.take("a") == pytest.approx(0.5)
    assert buckets.take("b") == 0
    clock.now += 0.5
    assert buckets.take("a") == 0 and buckets.take("a") > 0
    assert Buckets(rate=0, burst=1, clock=clock).take("a") == 0


def test_a_key_over_its_rate_gets_429_with_retry_after(api):
    assert [post(api, f"k{i}").status_code for i in range(3)] == [200, 200, 200]
    refused = post(api, "k3")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    assert refused.json()["error"]["code"] == "rate_limited"
    assert "API key" in refused.json()["error"]["message"]
    assert api.get("/v1/conversations/k3", as_="read").status_code == 404
    assert api.get("/v1/conversations/k0", as_="read").status_code == 200
    assert post(api, "k4", key="admin").status_code == 200


def test_an_address_over_its_rate_is_refused_whatever_the_key(api):
    codes = [post(api, f"a{i}", key=("ingest", "admin")[i % 2]).status_code for i in range(6)]
    assert codes[:5] == [200] * 5 and codes[5] == 429
    assert "address" in post(api, "a6", key="admin").json()["error"]["message"]
    with TestClient(api.client.app, client=("10.0.0.9", 4000)) as other:
        assert post(api, "a7", key="admin", client=other).status_code == 200


def test_unknown_keys_are_counted_by_address_before_they_are_looked_up(api):
    api.tokens["forged"] = "hk_forged"
    codes = [post(api, f"f{i}", key="forged").status_code for i in range(6)]
    assert codes == [401] * 5 + [429]


def test_no_limit_when_the_rate_is_zero(engine):
    url = engine.url.render_as_string(hide_password=False)
    settings = Settings(database_url=url, ingest_rate_per_key=0, ingest_rate_per_ip=0)
    with TestClient(create_app(settings)) as client:
        limits = client.app.state.rate_limits
        assert limits.per_key.take("k") == 0 and limits.per_ip.take("ip") == 0
        assert all(limits.per_key.take("k") == 0 for _ in range(5000))


def test_the_limits_are_in_the_openapi_document(api):
    document = api.get("/openapi.json").json()
    responses = document["paths"]["/v1/conversations/{conversation_id}/events"]["post"]["responses"]
    assert "Retry-After" in responses["429"]["headers"]
