"""What every integration shares: the delivery it is handed, the result it returns, a registry.

A plugin sees only its payload and its typed config; it never imports core services.
The outbox worker (handoff.outbox) builds a fresh instance per configuration, calls
`deliver`, and retries or parks the row by the Result.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, ConfigDict


@dataclass(frozen=True)
class Delivery:
    """One side effect to carry out.

    kind: "lead" (write the handoff packet to a CRM), "notify" (tell a rep or contact),
    "nurture" (hand a nurture action or follow-up to the bot's webhook).
    key: the idempotency key, stable across retries of the same delivery.
    payload: for "lead" and "notify", a handoff packet (see PACKET_KEYS).
    """

    kind: str
    key: str
    payload: dict[str, Any]
    attempt: int = 1


# The handoff packet: what a lead and a notification carry.
PACKET_KEYS = (
    "handoff_id",  # int
    "conversation_id",  # str
    "url",  # link to the handoff page in the dashboard
    "contact",  # {email, name, company, phone, country, region, city}
    "source",  # {landing_page, referrer, utm_source, utm_medium, utm_campaign}
    "transcript",  # [{role, text, at}]
    "facts",  # {name: {value, evidence}}
    "qualification",  # CONTRACT §4 qualification
    "intent",  # CONTRACT §4 intent
    "notes",  # [str] the bot's notes
    "route",  # {id, team, priority}
    "mode",  # live | on_call | next_business_day | after_hours_notify | queued
    "rep",  # {id, name, email, attributes: {hubspot_owner_id, salesforce_user_id, ...}} or None
    "reason",  # the decision's one-sentence reason
    "trace",  # [str]
    "policy",  # {name, version, sha256}
    "created_at",  # RFC 3339
)


@dataclass(frozen=True)
class Result:
    """How a delivery went: ok; or failed and worth retrying (maybe after a delay); or parked."""

    ok: bool
    detail: str
    retry: bool = False
    retry_after: float | None = None
    external_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def success(cls, detail: str, external_id: str | None = None) -> Result:
        """A delivery that arrived."""
        return cls(True, detail, external_id=external_id)


def classify(response: httpx.Response, what: str) -> Result:
    """An HTTP answer judged: 2xx ok; 408, 429, 5xx retried; other 4xx parked."""
    status = response.status_code
    if 200 <= status < 300:
        return Result.success(f"{what}: {status}")
    detail = f"{what}: HTTP {status} {_short(response)}"
    if status in (408, 425, 429) or status >= 500:
        return Result(False, detail, retry=True, retry_after=retry_after(response))
    return Result(False, detail, retry=False)


def retry_after(response: httpx.Response) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date), if any."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def transport_failure(exc: httpx.HTTPError, what: str) -> Result:
    """A connection error or timeout: always worth retrying."""
    return Result(False, f"{what}: {type(exc).__name__}", retry=True)


def _short(response: httpx.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    return text[:300]


class IntegrationConfig(BaseModel):
    """Base of every integration's typed config; secrets are SecretStr, never logged."""

    model_config = ConfigDict(extra="forbid")


class Integration:
    """Base of an integration: a name, a typed config, and `deliver`."""

    name: ClassVar[str]
    Config: ClassVar[type[IntegrationConfig]]

    def __init__(self, config: IntegrationConfig, client: httpx.Client) -> None:
        self.config = config
        self.client = client

    def deliver(self, delivery: Delivery) -> Result:
        """Carry out one delivery; never raises for a failure the target reports."""
        raise NotImplementedError


REGISTRY: dict[str, type[Integration]] = {}


def register(cls: type[Integration]) -> type[Integration]:
    """Class decorator: make an integration available by its name."""
    REGISTRY[cls.name] = cls
    return cls


def build(name: str, config: dict[str, Any], client: httpx.Client) -> Integration:
    """A fresh integration instance from its name and raw config (validated)."""
    cls = REGISTRY[name]
    return cls(cls.Config.model_validate(config), client)


def config_from_env(name: str, environ: Mapping[str, str]) -> dict[str, Any]:
    """An integration's raw config from HANDOFF_<NAME>_<FIELD> variables (JSON for lists, maps)."""
    prefix = f"HANDOFF_{name.upper()}_"
    fields = REGISTRY[name].Config.model_fields
    config: dict[str, Any] = {}
    for key, value in environ.items():
        field = key[len(prefix) :].lower() if key.startswith(prefix) else None
        if field in fields:
            config[field] = json.loads(value) if value[:1] in "[{" else value
    return config
