"""Prometheus metrics kept in the process: requests, decisions, handoffs, request latency."""

from __future__ import annotations

import threading
import time
from collections import Counter

from starlette.types import ASGIApp, Message, Receive, Scope, Send

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    """Counters and a latency histogram, rendered in the Prometheus text format."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: Counter[tuple[str, str, int]] = Counter()
        self.decisions: Counter[str] = Counter()
        self.handoffs: Counter[str] = Counter()
        self._buckets = [0] * len(BUCKETS)
        self._count = 0
        self._sum = 0.0

    def request(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one request and its latency."""
        with self._lock:
            self.requests[(method, route, status)] += 1
            self._count += 1
            self._sum += seconds
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    self._buckets[i] += 1

    def decision(self, action: str, handoff_mode: str | None) -> None:
        """Count a decision made, and the handoff it opened if any."""
        with self._lock:
            self.decisions[action] += 1
            if handoff_mode:
                self.handoffs[handoff_mode] += 1

    def render(self) -> str:
        """The metrics in the Prometheus text exposition format."""
        out = ["# HELP handoff_requests_total HTTP requests by method, route and status."]
        out.append("# TYPE handoff_requests_total counter")
        with self._lock:
            for (method, route, status), n in sorted(self.requests.items()):
                out.append(
                    f'handoff_requests_total{{method="{method}",route="{route}",'
                    f'status="{status}"}} {n}'
                )
            out += [
                "# HELP handoff_decisions_total Decisions made, by action.",
                "# TYPE handoff_decisions_total counter",
            ]
            out += [
                f'handoff_decisions_total{{action="{a}"}} {n}'
                for a, n in sorted(self.decisions.items())
            ]
            out += [
                "# HELP handoff_handoffs_total Handoffs opened, by mode.",
                "# TYPE handoff_handoffs_total counter",
            ]
            out += [
                f'handoff_handoffs_total{{mode="{m}"}} {n}'
                for m, n in sorted(self.handoffs.items())
            ]
            out += [
                "# HELP handoff_request_seconds Request latency.",
                "# TYPE handoff_request_seconds histogram",
            ]
            for bound, n in zip(BUCKETS, self._buckets, strict=True):
                out.append(f'handoff_request_seconds_bucket{{le="{bound}"}} {n}')
            out.append(f'handoff_request_seconds_bucket{{le="+Inf"}} {self._count}')
            out.append(f"handoff_request_seconds_sum {self._sum:.6f}")
            out.append(f"handoff_request_seconds_count {self._count}")
        return "\n".join(out) + "\n"


class MetricsMiddleware:
    """Times every HTTP request and counts it by route template and status."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, noting its status and how long it took."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def noting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", "unmatched")
            self.metrics.request(scope["method"], path, status, time.perf_counter() - started)
