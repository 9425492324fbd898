"""A small client for the ingest API: typed events, automatic event ids, safe retries.

    with Client("http://127.0.0.1:8000", key) as client:
        answer = client.send("c-1", Message("visitor", "Can I talk to sales?"))
        if answer.decision.action == "qualify":
            ask_about = answer.decision.ask

Every event gets an `event_id` (a uuid4 unless given) before its first attempt, and keeps it
across retries; ingest is idempotent on that id, so retrying after a timeout, a 5xx, a 429 or
a 409 `in_flight` can never record an event twice.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar, Literal

import httpx

RETRY_STATUSES = {408, 425, 429, 500, 502, 503, 504}


@dataclass(frozen=True)
class _Event:
    """Fields every event has: an optional id (else one is chosen) and time (else now)."""

    type: ClassVar[str]

    def to_dict(self) -> dict[str, Any]:
        """The event as the JSON of CONTRACT §1 (unset fields left out)."""
        out: dict[str, Any] = {"type": self.type}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, datetime):
                value = (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
            if value is not None:
                out[f.name] = value
        return out


@dataclass(frozen=True)
class Message(_Event):
    """Something said in the chat by the visitor, the bot or a person (an agent)."""

    type: ClassVar[str] = "message"
    role: Literal["visitor", "bot", "agent"]
    text: str
    event_id: str | None = None
    at: datetime | str | None = None


@dataclass(frozen=True)
class PageView(_Event):
    """A page the visitor looked at."""

    type: ClassVar[str] = "page_view"
    url: str
    title: str | None = None
    event_id: str | None = None
    at: datetime | str | None = None


@dataclass(frozen=True)
class Slots(_Event):
    """Facts the bot already knows (budget, timeline_days, authority, ...)."""

    type: ClassVar[str] = "slots"
    values: Mapping[str, Any]
    event_id: str | None = None
    at: datetime | str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The event as JSON, its values as a plain object."""
        return {**super().to_dict(), "values": dict(self.values)}


@dataclass(frozen=True)
class Identify(_Event):
    """Who the visitor is."""

    type: ClassVar[str] = "identify"
    email: str | None = None
    name: str | None = None
    company: str | None = None
    phone: str | None = None
    country: str | None = None
    region: str | None = None
    city: str | None = None
    event_id: str | None = None
    at: datetime | str | None = None


@dataclass(frozen=True)
class Source(_Event):
    """Where the visitor came from."""

    type: ClassVar[str] = "source"
    landing_page: str | None = None
    referrer: str | None = None
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None
    event_id: str | None = None
    at: datetime | str | None = None


@dataclass(frozen=True)
class Note(_Event):
    """A note from the bot, carried to the rep."""

    type: ClassVar[str] = "note"
    text: str
    event_id: str | None = None
    at: datetime | str | None = None


Event = Message | PageView | Slots | Identify | Source | Note


@dataclass(frozen=True)
class Decision:
    """The decision (CONTRACT §4) with attribute access; `raw` is the whole JSON."""

    action: str
    reason: str
    mode: str | None = None
    say: str | None = None
    ask: list[str] | None = None
    segment: str | None = None
    qualification: dict[str, Any] | None = None
    intent: dict[str, Any] | None = None
    route: dict[str, Any] | None = None
    hours: dict[str, Any] | None = None
    assignment: dict[str, Any] | None = None
    priority: str | None = None
    nurture: dict[str, Any] | None = None
    after_hours: dict[str, Any] | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    policy: dict[str, Any] | None = None
    trace: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Decision:
        """A Decision from the API's JSON (keys this client does not know stay in `raw`)."""
        known = {f.name for f in fields(cls)} - {"raw"}
        values = {k: v for k, v in data.items() if k in known and v is not None}
        return cls(**values, raw=dict(data))

    @property
    def rep(self) -> str | None:
        """The rep assigned, if any."""
        return (self.assignment or {}).get("rep")


@dataclass(frozen=True)
class Answer:
    """What ingest answered: the decision, the handoff (if any) and each event's id and seq."""

    conversation_id: str
    decision: Decision
    handoff: dict[str, Any] | None
    events: list[dict[str, Any]]
    replayed: bool


class HandoffError(Exception):
    """The API refused the request (or kept failing): status, code, message and field."""

    def __init__(self, status: int | None, code: str, message: str, field: str | None = None):
        super().__init__(f"{status or 'no answer'} {code}: {message}")
        self.status, self.code, self.message, self.field = status, code, message, field


class Client:
    """The ingest API over HTTP, with retries that are safe because ingest is idempotent."""

    def __init__(
        self,
        base_url: str,
        key: str,
        *,
        timeout: float = 10.0,
        max_attempts: int = 5,
        backoff: float = 0.25,
        max_backoff: float = 8.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.http = httpx.Client(
            base_url=base_url,
            headers={"Authorization": f"Bearer {key}"},
            timeout=timeout,
            transport=transport,
        )
        self.max_attempts, self.backoff, self.max_backoff = max_attempts, backoff, max_backoff
        self.sleep = sleep

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    def send(self, conversation_id: str, *events: Event | Mapping[str, Any]) -> Answer:
        """Post one event or several (a batch); the decision after the last."""
        if not events:
            raise ValueError("send at least one event")
        bodies = [_body(e) for e in events]
        payload = bodies[0] if len(bodies) == 1 else {"events": bodies}
        response = self._post(f"/v1/conversations/{conversation_id}/events", payload)
        data = response.json()
        return Answer(
            conversation_id=data["conversation_id"],
            decision=Decision.from_dict(data["decision"]),
            handoff=data.get("handoff"),
            events=data.get("events", []),
            replayed=response.headers.get("idempotent-replayed") == "true",
        )

    def _post(self, path: str, payload: dict[str, Any]) -> httpx.Response:
        for attempt in range(1, self.max_attempts + 1):
            last = attempt == self.max_attempts
            try:
                response = self.http.post(path, json=payload)
            except httpx.TransportError as exc:
                if last:
                    raise HandoffError(None, "unreachable", f"{type(exc).__name__}: {exc}") from exc
                self.sleep(self._delay(attempt, None))
                continue
            if response.is_success:
                return response
            error = _error(response)
            if last or not _retryable(response, error):
                raise error
            self.sleep(self._delay(attempt, response))
        raise AssertionError("unreachable")

    def _delay(self, attempt: int, response: httpx.Response | None) -> float:
        """Retry-After when the server gives it, else exponential backoff with full jitter."""
        after = _retry_after(response) if response is not None else None
        if after is not None:
            return min(after, 60.0)
        return random.uniform(0, min(self.max_backoff, self.backoff * 2 ** (attempt - 1)))


def _body(event: Event | Mapping[str, Any]) -> dict[str, Any]:
    body = event.to_dict() if isinstance(event, _Event) else dict(event)
    body.setdefault("event_id", None)
    if body["event_id"] is None:
        body["event_id"] = str(uuid.uuid4())
    return body


def _error(response: httpx.Response) -> HandoffError:
    try:
        error = response.json()["error"]
        return HandoffError(
            response.status_code, error["code"], error["message"], error.get("field")
        )
    except (ValueError, KeyError, TypeError):
        return HandoffError(response.status_code, "http_error", response.text[:300])


def _retryable(response: httpx.Response, error: HandoffError) -> bool:
    return response.status_code in RETRY_STATUSES or (
        response.status_code == 409 and error.code == "in_flight"
    )


def _retry_after(response: httpx.Response) -> float | None:
    value = (response.headers.get("retry-after") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None
