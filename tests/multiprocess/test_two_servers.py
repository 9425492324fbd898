"""Two `handoff serve` processes (each with its worker) on one PostgreSQL database.

Conversations run in parallel; each of their events goes to both servers at once (a retry
racing the original): exactly one handoff per conversation, every event stored once, round
robin strictly alternating within the team, and the two workers deliver every side effect to
a signed webhook exactly once.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import httpx
import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from werkzeug import Response

from conftest import create_pg_database, drop_pg_database
from handoff.auth import create_key
from handoff.db.engine import make_engine, make_sessionmaker, writing
from handoff.db.migrate import upgrade
from handoff.db.models import Event, Handoff, Rep
from handoff.integrations import webhook
from handoff.policy_store import publish

CONVERSATIONS = 60
OPEN = "2026-03-03T15:00:00Z"  # Tuesday: London and New York open


def free_port() -> int:
    """A port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


class Receiver:
    """A webhook target on loopback that verifies signatures and counts deliveries by id."""

    def __init__(self, httpserver: HTTPServer) -> None:
        self.ids: list[str] = []
        self.lock = threading.Lock()
        httpserver.expect_request("/hook", method="POST").respond_with_handler(self.handle)
        self.url = httpserver.url_for("/hook")

    def handle(self, request) -> Response:
        """Verify the Standard Webhooks signature, then count the delivery."""
        if not webhook.verify(SECRET, dict(request.headers), request.get_data(as_text=True)):
            return Response("bad signature", status=400)
        with self.lock:
            self.ids.append(request.headers["webhook-id"])
        return Response("ok")


@pytest.fixture
def cluster(policy_text, httpserver):
    """Two servers on one fresh PostgreSQL database; (their URLs, ingest key, engine)."""
    receiver = Receiver(httpserver)
    name, url = create_pg_database()
    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    with make_sessionmaker(engine)() as session, writing(session):
        publish(session, policy_text, "reference", "tests", now)
        key = create_key(session, "bot", "ingest", now)[1]
        for rep in session.scalars(select(Rep)):
            rep.capacity = None
    env = {**os.environ, "HANDOFF_DATABASE_URL": url, "HANDOFF_INGEST_RATE_PER_IP": "0",
           "HANDOFF_INGEST_RATE_PER_KEY": "0", "HANDOFF_KEY_CACHE_SECONDS": "60",
           "HANDOFF_WEBHOOK_URL": receiver.url, "HANDOFF_WEBHOOK_SECRET": SECRET,
           "HANDOFF_WEBHOOK_ALLOW_PRIVATE_NETWORKS": "true"}  # fmt: skip
    ports = [free_port(), free_port()]
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "handoff", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for port in ports
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base in bases:
            for _ in range(100):
                try:
                    if httpx.get(f"{base}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
        yield bases, key, engine, receiver
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)
        engine.dispose()
        drop_pg_database(name)


def events(i: int) -> list[dict]:
    """A London visitor who asks for a person (handed off live to the emea team)."""
    return [
        {"event_id": f"e{i}-0", "type": "page_view", "url": "/pricing", "at": OPEN},
        {"event_id": f"e{i}-1", "type": "identify", "country": "GB", "email": f"v{i}@x.example",
         "at": OPEN},
        {"event_id": f"e{i}-2", "type": "message", "role": "visitor",
         "text": "Can I talk to a person?", "at": OPEN},
        {"event_id": f"e{i}-3", "type": "message", "role": "visitor", "text": "Thanks!", "at": OPEN},
    ]  # fmt: skip


def test_two_servers_hand_off_once_and_share_round_robin_fairly(cluster):
    bases, key, engine, receiver = cluster
    clients = [httpx.Client(base_url=b, headers={"Authorization": f"Bearer {key}"}) for b in bases]

    def post(client: httpx.Client, cid: str, event: dict, out: list) -> None:
        for _ in range(20):
            response = client.post(f"/v1/conversations/{cid}/events", json=event)
            if response.status_code != 409:
                break
            time.sleep(0.05)
        out.append(response.status_code)

    def conversation(i: int) -> list[int]:
        """Each event to both servers at once (the second a racing retry), in order."""
        out: list[int] = []
        for event in events(i):
            twins = [
                threading.Thread(target=post, args=(clients[(i + k) % 2], f"c{i}", event, out))
                for k in (0, 1)
            ]
            for thread in twins:
                thread.start()
            for thread in twins:
                thread.join()
        return out

    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        statuses = Counter(
            code for codes in pool.map(conversation, range(CONVERSATIONS)) for code in codes
        )
    assert statuses == {200: CONVERSATIONS * 8}
    assert time.monotonic() - started < 40

    with make_sessionmaker(engine)() as session:
        handoffs = list(session.scalars(select(Handoff).order_by(Handoff.id)))
        stored = session.scalar(select(func.count()).select_from(Event))
        per_conversation = Counter(h.conversation_id for h in handoffs)
    assert stored == CONVERSATIONS * 4
    assert len(handoffs) == CONVERSATIONS and set(per_conversation.values()) == {1}
    assert {(h.team, h.mode, h.status) for h in handoffs} == {("emea", "live", "offered")}
    reps = [h.rep for h in handoffs]
    assert Counter(reps) == {"sofia": CONVERSATIONS // 2, "tom": CONVERSATIONS // 2}
    assert all(a != b for a, b in zip(reps, reps[1:], strict=False)), "round robin alternates"

    expected = CONVERSATIONS * 2  # each handoff's lead and its notice to the rep
    deadline = time.monotonic() + 30
    while len(receiver.ids) < expected and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)  # a duplicate would arrive now
    assert len(receiver.ids) == expected
    assert len(set(receiver.ids)) == expected, "no delivery twice"
