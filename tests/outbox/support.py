"""Shared by the outbox, timer and worker tests: a clock, a policy, a webhook receiver."""

from __future__ import annotations

import base64
import json
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker
from werkzeug import Request, Response

from handoff.core.events import parse_event
from handoff.db.engine import writing
from handoff.handling import Handler, Outcome
from handoff.integrations.webhook import verify
from handoff.outbox import add_effect
from handoff.policy_store import publish
from handoff.targets import Target

SECRET = "whsec_" + base64.b64encode(b"handoff-outbox-tests-key-32bytes").decode()
TUESDAY = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)  # 10:00 in New York
POLICY = """
name: Timers
timezone: America/New_York
signals:
  - id: asks_for_human
    when: {says: ["talk to (a )?(human|person|sales)"]}
    trigger: true
segments:
  - id: all
    qualify:
      budget: {gte: 1000}
      timeline: {within_days: 90}
    intent_threshold: 100
routes:
  - {id: night, when: {company: Night Owls}, team: night}
  - {id: default, team: sales}
teams:
  sales:
    schedule: us-east
    contact: manager@acme.example
    after_hours: {action: notify, contact: after-hours@acme.example, priority: high}
  night: {schedule: us-east, after_hours: {action: next_business_day}}
schedules:
  us-east: {timezone: America/New_York, hours: {mon-fri: "09:00-17:30"}, holidays: US}
reps:
  - {id: a, email: a@acme.example, teams: [sales, night]}
  - {id: b, email: b@acme.example, teams: [sales, night]}
  - {id: c, email: c@acme.example, teams: [sales, night]}
  - {id: d, email: d@acme.example, teams: [sales, night]}
sla: {accept_within: 10m, reassign_limit: 2}
nurture:
  - {id: later, when: {unmet: timeline}, action: {follow_up_in: 2d, sequence: check-in}}
  - {id: default, action: {sequence: newsletter, resources: [/guides/start]}}
"""


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = TUESDAY) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move the clock forward; the new time."""
        self.now += timedelta(**delta)
        return self.now


def publish_policy(sessions: sessionmaker[Session], text: str = POLICY) -> None:
    """Make `text` the live policy (its reps become the roster)."""
    with sessions() as session, writing(session):
        publish(session, text, "tests", "tests", TUESDAY)


def send(handler: Handler, conversation: str, raw: dict, at: datetime) -> Outcome:
    """Handle one event at `at`."""
    raw = {"at": at.isoformat(), **raw}
    return handler.handle(conversation, raw, parse_event(raw, 0, at), at)


def ask_for_human(handler: Handler, conversation: str, at: datetime, **identify) -> Outcome:
    """A visitor who says who they are and asks for a person: a handoff."""
    if identify:
        send(handler, conversation, {"type": "identify", **identify}, at)
    message = {"type": "message", "role": "visitor", "text": "Can I talk to a human?"}
    return send(handler, conversation, message, at)


def add_nurtures(sessions: sessionmaker[Session], count: int, now: datetime) -> list[str]:
    """`count` nurture side effects (no handoff); their keys."""
    keys = [f"c:n{i}:nurture:test" for i in range(count)]
    with sessions() as session, writing(session):
        for i, key in enumerate(keys):
            add_effect(session, "nurture", key, f"n{i}", now, payload={"event": "nurture", "i": i})
    return keys


class Receiver:
    """A webhook endpoint: checks each signature, counts deliveries by webhook-id, fails on cue."""

    def __init__(self, server, path: str = "/hook", delay: float = 0.0) -> None:
        self.path, self.url = path, server.url_for(path)
        self.raw: Counter[str] = Counter()
        self.bodies: dict[str, dict] = {}
        self.status = 200
        self.retry_after: str | None = None
        self.delay = delay
        self.release = threading.Event()
        self.lock = threading.Lock()
        server.expect_request(path, method="POST").respond_with_handler(self.handle)

    def handle(self, request: Request) -> Response:
        """Answer one delivery."""
        if self.delay:
            self.release.wait(self.delay)
        body = request.get_data(as_text=True)
        if not verify(SECRET, dict(request.headers), body):
            return Response("bad signature", status=401)
        if self.status != 200:
            headers = {"Retry-After": self.retry_after} if self.retry_after else {}
            return Response("unavailable", status=self.status, headers=headers)
        key = request.headers["webhook-id"]
        with self.lock:
            self.raw[key] += 1
            self.bodies[key] = json.loads(body)
        return Response("ok")

    def target(self, name: str = "webhook", timeout: float = 5.0, **extra) -> Target:
        """A webhook target posting here."""
        config = {"url": self.url, "secret": SECRET, "allow_private_networks": True}
        kinds = extra.pop("kinds", ("lead", "notify", "nurture"))
        return Target(name, "webhook", {**config, "timeout": timeout}, kinds, **extra)
