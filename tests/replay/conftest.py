"""Fixtures reused: a handler on each store (tests/db), the dashboard app and client."""

from dashboard.conftest import app, client, store  # noqa: F401
from db.conftest import handler, live, send, sessions  # noqa: F401
