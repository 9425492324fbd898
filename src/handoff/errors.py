"""Errors of the service, each carrying the HTTP status and code the API answers with.

ServiceError
├── NotFound          404  not_found
├── Conflict          409  conflict
│   └── EventInFlight 409  in_flight      (the same event_id is being handled now)
├── Invalid           422  invalid        (names the field)
│   └── EventMismatch 422  event_id_reused (the same event_id with another body)
├── NoLivePolicy      503  no_policy      (nothing published yet)
└── SecretKeyError    503  secret_key     (HANDOFF_SECRET_KEY missing, short or not the one used)
"""

from __future__ import annotations


class ServiceError(Exception):
    """Base of the service's errors: a status, a code, a message and maybe a field."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(ServiceError):
    """Nothing by that id."""

    status, code = 404, "not_found"


class Conflict(ServiceError):
    """The request clashes with the current state."""

    status, code = 409, "conflict"


class EventInFlight(Conflict):
    """An event with the same id is being handled right now."""

    code = "in_flight"


class Invalid(ServiceError):
    """The request is well-formed JSON but its content is wrong."""

    status, code = 422, "invalid"


class EventMismatch(Invalid):
    """An event id already used with a different body."""

    code = "event_id_reused"


class NoLivePolicy(ServiceError):
    """No policy has been published yet."""

    status, code = 503, "no_policy"


class SecretKeyError(ServiceError):
    """Integration secrets cannot be encrypted or decrypted with the configured key."""

    status, code = 503, "secret_key"
