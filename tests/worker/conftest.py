"""The outbox tests' fixtures: store, clock, handler, receiver."""

from outbox.conftest import clock, handler, receiver, sessions  # noqa: F401
