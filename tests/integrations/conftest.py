"""Fixtures for the integration tests: a realistic handoff packet with hostile visitor text."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import httpx
import pytest
from werkzeug import Request, Response

from handoff.integrations.base import Delivery

HOSTILE = (
    "<!channel> hi <@U123> see <http://evil.example|click here> <script>alert(1)</script> & more"
)
SECRET = "sekrit-token-1234567890"

Handler = Callable[[Request], Response]


def answer(body: Any, status: int = 200, **headers: str) -> Response:
    """A JSON answer from a fake vendor."""
    return Response(
        json.dumps(body), status=status, content_type="application/json", headers=headers
    )


def serve(
    httpserver, routes: Iterable[tuple[Any, str, Handler]], authorised: Callable[[Handler], Handler]
) -> None:
    """Answer each (uri, method) route of a fake vendor with its handler, behind the auth check."""
    for uri, method, handler in routes:
        httpserver.expect_request(uri, method=method).respond_with_handler(authorised(handler))


def local_config(httpserver, **fields: Any) -> dict[str, Any]:
    """An integration's raw config aimed at the local server (private addresses allowed)."""
    return {"base_url": httpserver.url_for(""), "allow_private_networks": True, **fields}


def make_packet() -> dict[str, Any]:
    """A handoff packet as the worker hands it over, with visitor text that tries to attack."""
    return {
        "handoff_id": 42,
        "conversation_id": "conv-7f3a",
        "url": "https://handoff.example.com/handoffs/42",
        "contact": {
            "email": "priya@bigcorp.example",
            "name": "Priya <b>Shah</b>",
            "company": "BigCorp & Sons",
            "phone": "+1 212 555 0100",
            "country": "US",
            "region": "US-NY",
            "city": "New York",
        },
        "source": {
            "landing_page": "/enterprise",
            "referrer": "https://www.google.com/",
            "utm_source": "google",
            "utm_medium": "cpc",
            "utm_campaign": "enterprise-q1",
        },
        "transcript": [
            {
                "role": "bot",
                "text": "Hi Priya! What are you looking for today?",
                "at": "2026-03-03T15:03:05Z",
            },
            {
                "role": "visitor",
                "text": "We need SSO and an audit log for 2,000 people.",
                "at": "2026-03-03T15:03:40Z",
            },
            {"role": "visitor", "text": HOSTILE, "at": "2026-03-03T15:04:00Z"},
        ],
        "facts": {
            "email": {
                "value": "priya@bigcorp.example",
                "evidence": {"event": 3, "source": "identify"},
            },
            "product": {
                "value": "enterprise",
                "evidence": {"event": 5, "source": "said", "words": "SSO"},
            },
            "budget": {"value": 120000.0, "evidence": {"event": 6, "source": "slot"}},
        },
        "qualification": {
            "qualified": True,
            "criteria": [
                {
                    "id": "budget",
                    "status": "met",
                    "value": 120000.0,
                    "expected": "≥ 50000",
                    "evidence": {},
                },
                {
                    "id": "timeline",
                    "status": "met",
                    "value": 60,
                    "expected": "within 180 days",
                    "evidence": {},
                },
            ],
            "missing": [],
            "unmet": [],
        },
        "intent": {
            "score": 55.0,
            "threshold": 40.0,
            "triggers": [],
            "signals": [{"id": "pricing_page", "count": 1, "points": 30.0, "evidence": []}],
        },
        "notes": ["Evaluating us against their current vendor <!here>."],
        "route": {"id": "enterprise-east", "team": "enterprise-east", "priority": "high"},
        "mode": "live",
        "rep": {
            "id": "jane",
            "name": "Jane Park",
            "email": "jane@acme.example",
            "attributes": {
                "hubspot_owner_id": "901",
                "salesforce_user_id": "005xx0000012345AAA",
                "pipedrive_user_id": "77",
            },
        },
        "reason": "Handoff live to jane via route enterprise-east: qualified for enterprise with intent 55 ≥ 40.",
        "trace": ["Intent score 55 reaches the threshold 40."],
        "policy": {"name": "Acme sales handoff", "version": None, "sha256": "548eb86b"},
        "created_at": "2026-03-03T15:04:10Z",
    }


@pytest.fixture
def packet() -> dict[str, Any]:
    """A fresh packet per test."""
    return make_packet()


@pytest.fixture
def lead(packet) -> Delivery:
    """A lead delivery of the packet."""
    return Delivery(kind="lead", key="handoff:42:lead", payload=packet)


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    """The worker's HTTP client."""
    with httpx.Client() as c:
        yield c


@pytest.fixture
def hang() -> Iterator[Callable[[Request], Response]]:
    """A handler that answers only when the test is over, long after the client's timeout."""
    release, finished = threading.Event(), threading.Event()

    def handler(request: Request) -> Response:
        release.wait(10)
        finished.set()
        return Response("{}", content_type="application/json")

    yield handler
    release.set()
    if finished.wait(10):
        time.sleep(0.05)
