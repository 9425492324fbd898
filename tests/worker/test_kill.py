"""`handoff worker` killed with SIGKILL in the middle of deliveries loses nothing on restart."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from handoff.db.outbox_models import DeliveryRow
from outbox.support import SECRET, Receiver, add_nurtures

from .conftest import wait_for

HANDOFF = str(Path(sys.executable).parent / "handoff")
COUNT = 40
CONCURRENCY = 4


def start(engine, receiver: Receiver) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HANDOFF_")}
    env |= {
        "HANDOFF_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "HANDOFF_WEBHOOK_URL": receiver.url,
        "HANDOFF_WEBHOOK_SECRET": SECRET,
        "HANDOFF_WEBHOOK_ALLOW_PRIVATE_NETWORKS": "true",
    }
    command = [HANDOFF, "worker", "--lease", "2", "--poll", "0.05"]
    command += ["--concurrency", str(CONCURRENCY), "--per-target", str(CONCURRENCY)]
    return subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)


def delivered(sessions) -> int:
    with sessions() as session:
        query = select(func.count()).where(DeliveryRow.status == "delivered")
        return session.execute(query).scalar_one()


def test_a_killed_worker_loses_nothing_and_a_receiver_sees_each_key(
    sessions, engine, threaded_server
):
    receiver = Receiver(threaded_server, "/hook", delay=0.1)
    keys = [f"{k}:webhook" for k in add_nurtures(sessions, COUNT, datetime.now(UTC))]
    first = start(engine, receiver)
    try:
        wait_for(lambda: len(receiver.raw) >= 8, seconds=20)
        first.send_signal(signal.SIGKILL)
        first.wait(5)
    finally:
        first.kill()
    assert len(receiver.raw) < COUNT and delivered(sessions) < COUNT
    second = start(engine, receiver)
    try:
        wait_for(lambda: delivered(sessions) == COUNT, seconds=30)
        second.send_signal(signal.SIGTERM)
        assert second.wait(10) == 0
    finally:
        second.kill()
    assert sorted(receiver.raw) == sorted(keys)
    again = [key for key, count in receiver.raw.items() if count > 1]
    assert len(again) <= CONCURRENCY  # only those in flight at the kill, deduplicated by key
    assert "whsec_" not in (second.stderr.read() or "")
