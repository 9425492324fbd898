"""The store fixtures of tests/db (a handler on each store, the reference policy live), reused."""

from db.conftest import handler, live, send, sessions  # noqa: F401
