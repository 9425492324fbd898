"""Ingest rate limits: a token bucket per client address and one per API key, in this process.

Over the limit a request gets 429 with Retry-After (whole seconds). Buckets live in each
process, so N API processes allow up to N times the configured rate (docs/deploy.md).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import FastAPI, Request

from handoff.api.errors import error_response
from handoff.auth import Principal
from handoff.settings import Settings

MAX_BUCKETS = 10_000


class RateLimited(Exception):
    """Too many requests: try again after `retry_after` seconds."""

    def __init__(self, who: str, retry_after: float) -> None:
        super().__init__(who)
        self.who = who
        self.retry_after = max(1, math.ceil(retry_after))


@dataclass
class Buckets:
    """Token buckets by name: `rate` tokens a second, up to `burst` (rate 0: no limit)."""

    rate: float
    burst: float
    clock: Callable[[], float] = time.monotonic
    _held: dict[str, tuple[float, float]] = field(default_factory=dict)

    def take(self, name: str) -> float:
        """Take a token for `name`: 0 when there was one, else seconds until there is."""
        if self.rate <= 0:
            return 0.0
        now = self.clock()
        tokens, then = self._held.get(name, (self.burst, now))
        tokens = min(self.burst, tokens + (now - then) * self.rate)
        if tokens < 1:
            self._held[name] = (tokens, now)
            return (1 - tokens) / self.rate
        if len(self._held) >= MAX_BUCKETS:
            self._forget_full(now)
        self._held[name] = (tokens - 1, now)
        return 0.0

    def _forget_full(self, now: float) -> None:
        held = self._held.items()
        full = [k for k, (t, then) in held if t + (now - then) * self.rate >= self.burst]
        for name in full or list(self._held):
            del self._held[name]


@dataclass
class RateLimits:
    """The ingest limits of one app."""

    per_ip: Buckets
    per_key: Buckets

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimits:
        """The limits HANDOFF_INGEST_RATE_* and HANDOFF_INGEST_BURST_* configure."""
        return cls(
            Buckets(settings.ingest_rate_per_ip, settings.ingest_burst_per_ip),
            Buckets(settings.ingest_rate_per_key, settings.ingest_burst_per_key),
        )


def install_rate_limits(app: FastAPI, settings: Settings) -> None:
    """Keep the app's limits and answer RateLimited with 429 and Retry-After."""
    app.state.rate_limits = RateLimits.from_settings(settings)

    @app.exception_handler(RateLimited)
    async def _limited(request: Request, exc: RateLimited):
        message = f"too many requests from this {exc.who}: retry after {exc.retry_after} s"
        response = error_response(429, "rate_limited", message, retry_after=exc.retry_after)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response


def limit_address(request: Request) -> None:
    """Refuse the request when its client address is over its rate (before the key is read)."""
    address = request.client.host if request.client else "unknown"
    wait = request.app.state.rate_limits.per_ip.take(address)
    if wait:
        raise RateLimited("address", wait)


def limit_key(request: Request, who: Principal) -> None:
    """Refuse the request when its API key is over its rate."""
    wait = request.app.state.rate_limits.per_key.take(who.name)
    if wait:
        raise RateLimited("API key", wait)


RATE_LIMITED = {
    429: {
        "description": "Over the ingest rate of this address or key: retry after Retry-After s.",
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    }
}
