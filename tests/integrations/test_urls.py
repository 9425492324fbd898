"""The SSRF guard: non-public destinations refused before any connection, allowed by the flag."""

from __future__ import annotations

import ipaddress

import httpx
import pytest

from handoff.integrations.base import Delivery, build
from handoff.integrations.urls import RefusedAddress, is_public, resolve

SECRET_WH = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
PRIVATE = [
    "10.0.0.1",
    "127.0.0.1",
    "169.254.169.254",
    "::1",
    "localhost",
    "192.168.1.10",
    "172.16.0.5",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "::ffff:127.0.0.1",
    "fe80::1",
]


@pytest.mark.parametrize("host", PRIVATE)
def test_non_public_hosts_are_refused_by_default(host):
    with pytest.raises(RefusedAddress, match="allow_private_networks"):
        resolve(host, 80, allow_private=False)


@pytest.mark.parametrize("host", ["10.0.0.1", "127.0.0.1", "169.254.169.254", "::1", "localhost"])
def test_the_flag_allows_them(host):
    assert ipaddress.ip_address(resolve(host, 80, allow_private=True))


def test_localhost_resolves_to_loopback_and_ipv4_comes_first():
    assert resolve("localhost", 80, allow_private=True) == "127.0.0.1"


@pytest.mark.parametrize("address", ["8.8.8.8", "2606:4700:4700::1111", "93.184.216.34"])
def test_public_addresses_pass(address):
    assert is_public(ipaddress.ip_address(address))
    assert resolve(address, 443, allow_private=False) == address


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/hook",
        "http://127.0.0.1:8080/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://localhost/hook",
    ],
)
def test_a_delivery_to_a_private_url_is_parked_before_any_request(url):
    seen = []
    with httpx.Client(
        transport=httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(200))
    ) as client:
        hook = build("webhook", {"url": url, "secret": SECRET_WH}, client)
        result = hook.deliver(Delivery("notify", "k1", {"handoff_id": 1}))
    assert not result.ok and not result.retry
    assert "not a public address" in result.detail
    assert seen == []


def test_with_the_flag_the_request_goes_to_the_checked_address():
    seen = []
    with httpx.Client(
        transport=httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(204))
    ) as client:
        hook = build(
            "webhook",
            {"url": "http://localhost:9/hook", "secret": SECRET_WH, "allow_private_networks": True},
            client,
        )
        result = hook.deliver(Delivery("notify", "k1", {"handoff_id": 1}))
    assert result.ok
    assert seen[0].url.host == "127.0.0.1" and seen[0].headers["host"] == "localhost:9"


def test_non_http_schemes_are_refused():
    with httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200))) as client:
        hook = build("webhook", {"url": "file:///etc/passwd", "secret": SECRET_WH}, client)
        result = hook.deliver(Delivery("notify", "k1", {}))
    assert not result.ok and not result.retry and "not an http(s) URL" in result.detail
