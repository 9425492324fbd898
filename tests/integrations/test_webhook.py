"""The Standard Webhooks signature (checked against the spec's published vector) and delivery."""

from __future__ import annotations

import json
import logging

import pytest
from werkzeug import Response

from handoff.integrations.base import Delivery, build
from handoff.integrations.webhook import sign, verify

# The vector published with the Standard Webhooks reference libraries.
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = '{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def vector_headers(signature: str = VECTOR_SIGNATURE) -> dict[str, str]:
    return {
        "webhook-id": VECTOR_ID,
        "webhook-timestamp": str(VECTOR_TIMESTAMP),
        "webhook-signature": signature,
    }


def test_sign_matches_the_published_vector():
    assert sign(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE


def test_the_secret_works_without_its_prefix():
    assert (
        sign(VECTOR_SECRET.removeprefix("whsec_"), VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY)
        == VECTOR_SIGNATURE
    )


def test_verify_accepts_the_vector_when_fresh():
    assert verify(VECTOR_SECRET, vector_headers(), VECTOR_BODY, now=VECTOR_TIMESTAMP + 10)


def test_verify_accepts_one_good_signature_among_several():
    several = f"v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= {VECTOR_SIGNATURE}"
    assert verify(VECTOR_SECRET, vector_headers(several), VECTOR_BODY, now=VECTOR_TIMESTAMP)


@pytest.mark.parametrize(
    ("headers", "body", "now"),
    [
        (
            vector_headers("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA="),
            VECTOR_BODY,
            VECTOR_TIMESTAMP,
        ),
        (vector_headers(), VECTOR_BODY + " ", VECTOR_TIMESTAMP),
        (vector_headers(), VECTOR_BODY, VECTOR_TIMESTAMP + 301),
        (vector_headers(), VECTOR_BODY, VECTOR_TIMESTAMP - 301),
        (
            {"webhook-timestamp": str(VECTOR_TIMESTAMP), "webhook-signature": VECTOR_SIGNATURE},
            VECTOR_BODY,
            VECTOR_TIMESTAMP,
        ),
        ({**vector_headers(), "webhook-timestamp": "soon"}, VECTOR_BODY, VECTOR_TIMESTAMP),
    ],
    ids=["bad-signature", "changed-body", "too-old", "too-new", "no-id", "bad-timestamp"],
)
def test_verify_refuses(headers, body, now):
    assert not verify(VECTOR_SECRET, headers, body, now=now)


def test_a_bad_secret_is_refused_when_configured(client):
    with pytest.raises(ValueError, match="base64"):
        build("webhook", {"url": "https://example.com", "secret": "whsec_not*base64"}, client)


@pytest.fixture
def hook(httpserver, client):
    config = {
        "url": httpserver.url_for("/hooks/handoff"),
        "secret": VECTOR_SECRET,
        "timeout": 0.5,
        "allow_private_networks": True,
    }
    return build("webhook", config, client)


def test_delivery_is_signed_and_verifiable(httpserver, hook, lead):
    httpserver.expect_oneshot_request("/hooks/handoff", method="POST").respond_with_data(
        "", status=204
    )
    result = hook.deliver(lead)
    assert result.ok and result.extra == {"webhook_id": "handoff:42:lead"}
    request, _ = httpserver.log[0]
    body = request.get_data(as_text=True)
    assert request.headers["webhook-id"] == "handoff:42:lead"
    assert verify(VECTOR_SECRET, dict(request.headers), body)
    event = json.loads(body)
    assert event["type"] == "handoff.lead" and event["data"]["handoff_id"] == 42


def test_a_retry_carries_the_same_webhook_id(httpserver, hook, lead):
    httpserver.expect_request("/hooks/handoff").respond_with_data("", status=200)
    hook.deliver(lead)
    hook.deliver(Delivery(lead.kind, lead.key, lead.payload, attempt=2))
    assert [r.headers["webhook-id"] for r, _ in httpserver.log] == ["handoff:42:lead"] * 2


@pytest.mark.parametrize(
    ("status", "headers", "retry", "after"),
    [
        (500, {}, True, None),
        (503, {}, True, None),
        (429, {"Retry-After": "7"}, True, 7.0),
        (401, {}, False, None),
        (403, {}, False, None),
        (400, {}, False, None),
        (410, {}, False, None),
    ],
)
def test_answers_are_judged(httpserver, hook, lead, status, headers, retry, after):
    httpserver.expect_request("/hooks/handoff").respond_with_data(
        "nope", status=status, headers=headers
    )
    result = hook.deliver(lead)
    assert not result.ok and result.retry is retry and result.retry_after == after
    assert f"HTTP {status}" in result.detail


def test_a_hanging_receiver_times_out_and_retries(httpserver, hook, lead, hang):
    httpserver.expect_request("/hooks/handoff").respond_with_handler(hang)
    result = hook.deliver(lead)
    assert not result.ok and result.retry and "Timeout" in result.detail


def test_no_secret_in_details_or_logs(httpserver, client, lead, caplog):
    url = httpserver.url_for("/hooks/T0000/B0000/url-token-xyz")
    httpserver.expect_request("/hooks/T0000/B0000/url-token-xyz").respond_with_response(
        Response(f"echo {VECTOR_SECRET} url-token-xyz", status=400)
    )
    hook = build(
        "webhook", {"url": url, "secret": VECTOR_SECRET, "allow_private_networks": True}, client
    )
    with caplog.at_level(logging.DEBUG, logger="handoff"):
        result = hook.deliver(lead)
    assert not result.ok and "[redacted]" in result.detail
    assert VECTOR_SECRET not in result.detail and "url-token-xyz" not in result.detail
    assert "url-token-xyz" not in repr(hook.config) and VECTOR_SECRET not in repr(hook.config)
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("handoff")]
    assert ours and all(VECTOR_SECRET not in m and "url-token-xyz" not in m for m in ours)
