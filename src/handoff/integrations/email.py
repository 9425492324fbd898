"""Email over SMTP: a plain and an HTML part, every visitor string escaped in the HTML.

STARTTLS (default), implicit TLS or plain, with a timeout on every step. The host is checked
against SSRF and the connection pinned to the checked address. The Message-ID is derived
from the delivery key, so a resend is recognisable as the same message.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Literal

from pydantic import Field, SecretStr

from handoff.integrations import summary
from handoff.integrations.base import Delivery, Integration, IntegrationConfig, Result, register
from handoff.integrations.outbound import logged, unsupported
from handoff.integrations.urls import RefusedAddress, resolve

PORTS = {"starttls": 587, "ssl": 465, "none": 25}


class EmailConfig(IntegrationConfig):
    """An SMTP relay, the sender, and who gets the mail besides the rep."""

    host: str
    port: int | None = Field(default=None, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None
    password: SecretStr | None = None
    from_address: str
    to: list[str] = []
    send_to_rep: bool = True
    subject_prefix: str = "[handoff]"
    timeout: float = Field(default=10.0, gt=0, le=120)
    allow_private_networks: bool = False


class _Pinned:
    """Connects the socket to the checked address while TLS verifies the configured host name."""

    address: str

    def _get_socket(self, host: str, port: int, timeout: float) -> Any:
        return super()._get_socket(self.address, port, timeout)  # type: ignore[misc]


class PinnedSMTP(_Pinned, smtplib.SMTP):
    """smtplib.SMTP pinned to an address."""


class PinnedSMTPSSL(_Pinned, smtplib.SMTP_SSL):
    """smtplib.SMTP_SSL pinned to an address."""


def one_line(text: str) -> str:
    """Header-safe text: whitespace (CR and LF included) collapsed to single spaces."""
    return " ".join(text.split())


def compose(
    packet: dict[str, Any], config: EmailConfig, recipients: list[str], key: str
) -> EmailMessage:
    """The message: plain text and HTML alternatives, a Message-ID derived from the key."""
    msg = EmailMessage()
    domain = config.from_address.rpartition("@")[2] or "handoff.invalid"
    msg["Message-ID"] = f"<handoff.{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"
    msg["Date"] = formatdate(usegmt=True)
    msg["From"] = config.from_address
    msg["To"] = ", ".join(recipients)
    msg["Subject"] = one_line(f"{config.subject_prefix} {summary.title(packet)}")[:200]
    msg.set_content(
        summary.summary_text(packet) + "\n\nTranscript\n" + summary.transcript_text(packet)
    )
    body = summary.summary_html(packet) + "\n" + summary.transcript_html(packet)
    msg.add_alternative(f"<!doctype html>\n<html><body>\n{body}\n</body></html>\n", subtype="html")
    return msg


def judge(exc: Exception) -> Result:
    """An SMTP failure judged: 4xx and lost connections retried, 5xx and bad TLS parked."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return Result(
            False, f"email: recipients refused ({codes})", retry=all(400 <= c < 500 for c in codes)
        )
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return Result(False, f"email: authentication failed ({exc.smtp_code})")
    if isinstance(exc, smtplib.SMTPResponseException):
        return Result(False, f"email: SMTP {exc.smtp_code}", retry=400 <= exc.smtp_code < 500)
    if isinstance(exc, smtplib.SMTPNotSupportedError | ssl.SSLError):
        return Result(False, f"email: {type(exc).__name__} (check security and port)")
    return Result(False, f"email: {type(exc).__name__} ({str(exc)[:200]})", retry=True)


@register
class Email(Integration):
    """Sends a handoff by email to the rep and the configured addresses."""

    name = "email"
    Config = EmailConfig
    config: EmailConfig

    def deliver(self, delivery: Delivery) -> Result:
        """Send the message once; SMTP has no dedupe, but the Message-ID is stable."""
        if delivery.kind not in ("notify", "lead"):
            return unsupported(self.name, delivery.kind)
        return logged(self._send(delivery))

    def _send(self, delivery: Delivery) -> Result:
        cfg = self.config
        rep_email = (delivery.payload.get("rep") or {}).get("email") if cfg.send_to_rep else None
        recipient = delivery.payload.get("recipient") or {}
        contact = recipient.get("email") if recipient.get("role") != "rep" else None
        found = [*cfg.to, *([rep_email] if rep_email else []), *([contact] if contact else [])]
        recipients = list(dict.fromkeys(found))
        if not recipients:
            return Result(False, "email: no recipient (config to, or a rep with an email)")
        port = cfg.port or PORTS[cfg.security]
        try:
            address = resolve(cfg.host, port, allow_private=cfg.allow_private_networks)
        except RefusedAddress as exc:
            return Result(False, f"email: refused: {exc}")
        except OSError:
            return Result(False, f"email: cannot resolve {cfg.host}", retry=True)
        msg = compose(delivery.payload, cfg, recipients, delivery.key)
        try:
            refused = self._transmit(address, port, msg, recipients)
        except (smtplib.SMTPException, OSError) as exc:
            return judge(exc)
        detail = f"email: sent to {len(recipients) - len(refused)} of {len(recipients)} recipients"
        return Result(
            True, detail, external_id=msg["Message-ID"], extra={"refused": sorted(refused)}
        )

    def _transmit(self, address: str, port: int, msg: EmailMessage, recipients: list[str]) -> dict:
        cfg = self.config
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if cfg.security == "ssl":
            smtp = PinnedSMTPSSL(timeout=cfg.timeout, context=context)
        else:
            smtp = PinnedSMTP(timeout=cfg.timeout)
        smtp.address = address  # type: ignore[attr-defined]
        try:
            smtp.connect(cfg.host, port)
            if cfg.security == "starttls":
                smtp.starttls(context=context)
            if cfg.username and cfg.password:
                smtp.login(cfg.username, cfg.password.get_secret_value())
            return smtp.send_message(msg, cfg.from_address, recipients)
        finally:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
