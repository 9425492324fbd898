"""Conversation events (CONTRACT §1): parsed and checked, with errors naming event and field."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from handoff.core.formats import local_iso, utc_iso

EVENT_FIELDS: dict[str, tuple[str, ...]] = {
    "message": ("role", "text"),
    "page_view": ("url", "title"),
    "slots": ("values",),
    "identify": ("email", "name", "company", "phone", "country", "region", "city"),
    "source": ("landing_page", "referrer", "utm_source", "utm_medium", "utm_campaign"),
    "note": ("text",),
}
ROLES = ("visitor", "bot", "agent")
_COMMON = ("type", "at", "event_id")
_KEYS = {kind: frozenset(fields + _COMMON) for kind, fields in EVENT_FIELDS.items()}


class EventError(ValueError):
    """A malformed event: which one (index), which field, and what is wrong."""

    def __init__(self, index: int, field_name: str, message: str):
        self.index = index
        self.field = field_name
        super().__init__(f"event {index}: field '{field_name}': {message}")


class Event:
    """One event of a conversation; `data` holds the type's own fields."""

    __slots__ = ("type", "at", "data", "event_id")

    def __init__(
        self, type: str, at: datetime, data: dict[str, Any], event_id: str | None = None
    ) -> None:
        self.type = type
        self.at = at
        self.data = data
        self.event_id = event_id

    def __repr__(self) -> str:
        return f"Event({self.type!r}, {self.at!r}, {self.data!r}, {self.event_id!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Event) and (
            self.type, self.at, self.data, self.event_id
        ) == (other.type, other.at, other.data, other.event_id)

    def to_dict(self) -> dict[str, Any]:
        """The event as JSON (CONTRACT §1)."""
        out: dict[str, Any] = {"type": self.type, "at": format_time(self.at)}
        if self.event_id is not None:
            out["event_id"] = self.event_id
        out.update(self.data)
        return out


def format_time(at: datetime) -> str:
    """RFC 3339 text of an aware time, UTC shown as Z."""
    text = utc_iso(at)
    if text is not None:
        return text
    text = local_iso(at)
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def parse_time(value: Any) -> datetime:
    """An aware datetime from RFC 3339 text (naive times are taken as UTC)."""
    if isinstance(value, datetime):
        at = value
    elif isinstance(value, str):
        try:
            at = datetime.fromisoformat(value)
        except ValueError:
            at = datetime.fromisoformat(value.strip().upper())
    else:
        raise ValueError("must be an RFC 3339 time such as 2026-03-03T15:00:00Z")
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def parse_event(raw: Any, index: int, default_at: datetime) -> Event:
    """Check one raw event and build it; raises EventError naming the field."""
    if not isinstance(raw, dict):
        raise EventError(index, "type", "an event must be a JSON object")
    kind = raw.get("type")
    if type(kind) is not str or kind not in EVENT_FIELDS:
        known = ", ".join(EVENT_FIELDS)
        raise EventError(index, "type", f"must be one of {known} (got {kind!r})")
    allowed = EVENT_FIELDS[kind]
    if not _KEYS[kind].issuperset(raw):
        key = next(k for k in raw if k not in _KEYS[kind])
        raise EventError(index, key, f"unknown field for a {kind} event")
    at = raw.get("at")
    if at is None:
        at = default_at
    else:
        try:
            at = parse_time(at)
        except ValueError:
            raise EventError(
                index, "at", "must be an RFC 3339 time such as 2026-03-03T15:00:00Z"
            ) from None
    event_id = raw.get("event_id")
    if event_id is not None and (not isinstance(event_id, str) or not event_id.strip()):
        raise EventError(index, "event_id", "must be a non-empty string")
    data: dict[str, Any] = {}
    for key in allowed:
        value = raw.get(key)
        if value is not None:
            data[key] = value
    if kind == "message":
        if data.get("role") not in ROLES:
            raise EventError(index, "role", f"must be one of {', '.join(ROLES)}")
        if not isinstance(data.get("text"), str):
            raise EventError(index, "text", "must be a string")
    elif kind == "page_view":
        url = data.get("url")
        if not isinstance(url, str) or not url:
            raise EventError(index, "url", "must be a non-empty string")
    elif kind == "slots":
        if not isinstance(data.get("values"), dict):
            raise EventError(index, "values", "must be an object of fact: value")
    elif kind == "note":
        if not isinstance(data.get("text"), str):
            raise EventError(index, "text", "must be a string")
    else:  # identify, source: every field is text
        for key, value in data.items():
            if not isinstance(value, str):
                raise EventError(index, key, "must be a string")
    return Event(kind, at, data, event_id)


def parse_events(raws: Any, default_at: datetime) -> list[Event]:
    """Parse a list of raw events; the first bad one raises EventError."""
    if not isinstance(raws, list):
        raise EventError(0, "events", "must be a list of events")
    return [parse_event(raw, i, default_at) for i, raw in enumerate(raws)]
