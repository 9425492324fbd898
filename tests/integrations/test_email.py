"""Email against a real SMTP server (aiosmtpd) on 127.0.0.1: parts, escaping, errors, hangs."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from handoff.integrations.base import Delivery, build

from .conftest import SECRET


class Inbox:
    """An aiosmtpd handler keeping what it receives; refuses recipients at refuse.example."""

    def __init__(self) -> None:
        self.envelopes = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refuse.example"):
            return "550 5.1.1 No such user"
        if address.endswith("@later.example"):
            return "450 4.2.1 Mailbox busy, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"handoff" and auth_data.password == SECRET.encode()
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=authenticator,
        auth_require_tls=False,
    )
    controller.start()
    yield inbox, controller.port
    controller.stop()


def config(port: int, **more) -> dict:
    return {
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "from_address": "handoff@acme.example",
        "to": ["sales@acme.example"],
        "timeout": 0.5,
        "allow_private_networks": True,
        **more,
    }


def received(inbox: Inbox) -> email.message.EmailMessage:
    return email.message_from_bytes(inbox.envelopes[-1].content, policy=email.policy.default)


def test_the_message_has_plain_and_escaped_html_parts(smtp, client, packet):
    inbox, port = smtp
    result = build("email", config(port), client).deliver(
        Delivery("notify", "handoff:42:notify", packet)
    )
    assert result.ok, result.detail
    assert inbox.envelopes[0].rcpt_tos == ["sales@acme.example", "jane@acme.example"]
    msg = received(inbox)
    assert msg["Subject"] == "[handoff] Chat handoff: Priya <b>Shah</b> (BigCorp & Sons)"
    assert msg["Message-ID"] == result.external_id and msg["Message-ID"].endswith("@acme.example>")
    plain = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "Who: Priya <b>Shah</b>, BigCorp & Sons" in plain and "We need SSO" in plain
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Priya &lt;b&gt;Shah&lt;/b&gt;" in html and "<b>Shah</b>" not in html
    assert '<a href="https://handoff.example.com/handoffs/42">' in html


def test_a_contact_or_manager_notice_goes_to_their_address_too(smtp, client, packet):
    inbox, port = smtp
    notice = {
        **packet,
        "rep": None,
        "recipient": {"role": "contact", "email": "oncall@acme.example"},
    }
    result = build("email", config(port), client).deliver(Delivery("notify", "h42:contact", notice))
    assert result.ok, result.detail
    assert inbox.envelopes[0].rcpt_tos == ["sales@acme.example", "oncall@acme.example"]


def test_a_resend_carries_the_same_message_id(smtp, client, packet):
    inbox, port = smtp
    mailer = build("email", config(port), client)
    mailer.deliver(Delivery("notify", "handoff:42:notify", packet))
    mailer.deliver(Delivery("notify", "handoff:42:notify", packet, attempt=2))
    ids = [email.message_from_bytes(e.content)["Message-ID"] for e in inbox.envelopes]
    assert len(ids) == 2 and ids[0] == ids[1]


def test_newlines_cannot_inject_headers(smtp, client, packet):
    inbox, port = smtp
    packet["contact"]["name"] = "Eve\r\nBcc: victim@example.com"
    assert build("email", config(port), client).deliver(Delivery("notify", "k", packet)).ok
    msg = received(inbox)
    assert msg["Bcc"] is None and "Eve Bcc: victim@example.com" in msg["Subject"]


def test_login_works_and_a_wrong_password_is_parked_unshown(smtp, client, packet):
    inbox, port = smtp
    good = build("email", config(port, username="handoff", password=SECRET), client)
    assert good.deliver(Delivery("notify", "k", packet)).ok
    bad = build("email", config(port, username="handoff", password="wrong-" + SECRET), client)
    result = bad.deliver(Delivery("notify", "k", packet))
    assert not result.ok and not result.retry and "authentication failed (535)" in result.detail
    assert SECRET not in result.detail


@pytest.mark.parametrize(("domain", "retry"), [("refuse.example", False), ("later.example", True)])
def test_refused_recipients(smtp, client, packet, domain, retry):
    _, port = smtp
    packet["rep"] = None
    result = build("email", config(port, to=[f"x@{domain}"]), client).deliver(
        Delivery("notify", "k", packet)
    )
    assert not result.ok and result.retry is retry


def test_a_server_that_is_down_is_retried(client, packet):
    result = build("email", config(free_port()), client).deliver(Delivery("notify", "k", packet))
    assert not result.ok and result.retry and "ConnectionRefusedError" in result.detail


def test_a_server_that_never_greets_times_out(client, packet):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        result = build("email", config(port), client).deliver(Delivery("notify", "k", packet))
    assert not result.ok and result.retry and "timed out" in result.detail


def test_loopback_is_refused_by_default_without_connecting(client, packet, monkeypatch):
    def no_connections(*args, **kwargs):
        raise AssertionError("connected")

    monkeypatch.setattr(socket, "create_connection", no_connections)
    cfg = {**config(25), "allow_private_networks": False}
    for host in ("127.0.0.1", "localhost", "10.0.0.1", "169.254.169.254", "::1"):
        result = build("email", {**cfg, "host": host}, client).deliver(
            Delivery("notify", "k", packet)
        )
        assert not result.ok and not result.retry and "not a public address" in result.detail


def test_without_recipients_the_delivery_is_parked(client, packet):
    packet["rep"] = None
    result = build("email", config(25, to=[]), client).deliver(Delivery("notify", "k", packet))
    assert not result.ok and not result.retry and "no recipient" in result.detail
