"""The outbox tests' fixtures: store, clock, handler, receiver; a threaded server; wait_for."""

import time

import pytest
from pytest_httpserver import HTTPServer

from outbox.conftest import clock, handler, receiver, sessions  # noqa: F401


@pytest.fixture
def threaded_server():
    """A local HTTP server that answers requests in parallel."""
    server = HTTPServer(threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


def wait_for(condition, seconds: float) -> None:
    """Poll `condition` until it holds; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
