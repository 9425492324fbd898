"""Outbound HTTP: pinning, redirects not followed, redaction, a step that stops or breaks."""

from __future__ import annotations

import logging

import httpx

from handoff.integrations.base import Result
from handoff.integrations.outbound import HttpConfig, Outbound, Stop, pieces


def outbound(handler, **config) -> Outbound:
    client = httpx.Client(transport=httpx.MockTransport(handler))
    return Outbound(
        "test", client, HttpConfig(allow_private_networks=True, **config), ["tok-123456"]
    )


def test_requests_go_to_the_checked_address_with_the_original_host():
    seen = []
    http = outbound(lambda r: seen.append(r) or httpx.Response(200))
    http.send("GET", "https://localhost:8443/x?y=1", "test")
    assert (
        str(seen[0].url) == "https://127.0.0.1:8443/x?y=1"
        and seen[0].headers["host"] == "localhost:8443"
    )
    assert seen[0].extensions["sni_hostname"] == "localhost"
    assert seen[0].extensions["timeout"]["read"] == 10.0


def test_redirects_are_not_followed():
    http = outbound(lambda r: httpx.Response(302, headers={"Location": "http://169.254.169.254/"}))
    result = http.run(
        lambda: Result.success("x") if http.call("GET", "http://localhost/", "test") else None
    )
    assert not result.ok and not result.retry and "HTTP 302" in result.detail


def test_run_redacts_secrets_and_logs_the_outcome(caplog):
    http = outbound(
        lambda r: httpx.Response(400, text="bad token tok-123456 for https://h/x/abcdefghijklmn")
    )

    def step() -> Result:
        http.call("GET", "http://localhost/", "test")
        return Result.success("unreachable")

    with caplog.at_level(logging.INFO, logger="handoff.integrations"):
        result = http.run(step, "https://h/x/abcdefghijklmn")
    assert result.detail == "test: HTTP 400 bad token [redacted] for [redacted]"
    assert [r.getMessage() for r in caplog.records] == [
        f"delivery ok=False retry=False: {result.detail}"
    ]


def test_a_stop_returns_its_result_and_a_broken_answer_retries():
    http = outbound(lambda r: httpx.Response(200))

    def stops() -> Result:
        raise Stop(Result(False, "stopped", retry=True, retry_after=3.0))

    assert http.run(stops) == Result(False, "stopped", retry=True, retry_after=3.0)
    broken = http.run(lambda: {}["id"])
    assert not broken.ok and broken.retry and broken.detail == "test: unexpected answer (KeyError)"


def test_pieces_of_url_secrets():
    assert pieces("https://hooks.slack.com/services/T0/B0/abcdefghijklmnop?x=1") == [
        "https://hooks.slack.com/services/T0/B0/abcdefghijklmnop?x=1",
        "abcdefghijklmnop",
        "x=1",
    ]
    assert pieces("plain") == ["plain"] and pieces("") == []
