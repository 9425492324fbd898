"""`handoff demo` end to end: a real server, visitors through the API, reps, a clean stop."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from handoff.db.engine import make_engine, make_sessionmaker
from handoff.db.models import Conversation, Event, Handoff
from handoff.users import authenticate

ROOT = Path(__file__).parents[2]


def free_port() -> int:
    """A port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo(tmp_path: Path, *args: str) -> tuple[subprocess.Popen, int, Path]:
    """Start `handoff demo` on a fresh store in tmp_path."""
    port, db = free_port(), tmp_path / "demo.db"
    command = [sys.executable, "-m", "handoff", "demo", "--db", str(db), "--port", str(port),
               "--policy", str(ROOT / "examples" / "policy.yaml"), *args]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    return process, port, db


def test_a_counted_run_streams_its_conversations_and_exits_by_itself(tmp_path):
    process, port, db = demo(tmp_path, "--count", "12", "--speed", "50", "--every", "0.5",
                             "--seed", "4")  # fmt: skip
    out, _ = process.communicate(timeout=90)
    assert process.returncode == 0, out
    assert f"open http://127.0.0.1:{port}/" in out and "server stopped" in out
    admin = re.search(r"admin\s+(\S+)\s+password (\S+)", out).groups()
    rep = re.search(r"rep\s+(\S+)\s+password (\S+)", out).groups()
    sessions = make_sessionmaker(make_engine(f"sqlite:///{db}"))
    with sessions() as session:
        assert authenticate(session, *admin).role == "admin"
        assert authenticate(session, *rep).rep_id == "jane"
        assert session.scalar(select(func.count()).select_from(Conversation)) == 12
        assert session.scalar(select(func.count()).select_from(Event)) > 12 * 8
        handoffs = {h.id: h for h in session.scalars(select(Handoff))}
    opened = re.findall(r"handoff #(\d+)", out)
    assert opened and {int(i) for i in opened} == set(handoffs)
    for number, outcome in re.findall(r"closed\s+#(\d+)\s+(\w+)", out):
        closed = handoffs[int(number)]
        assert (closed.status, closed.outcome) == ("closed", outcome)
        assert closed.accepted_at is not None and closed.first_response_at is not None
    assert "refused" not in out
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/healthz")


def test_ctrl_c_stops_the_server_and_exits_0(tmp_path):
    process, port, _ = demo(tmp_path, "--speed", "10")
    for line in process.stdout:
        if "Ctrl-C stops the demo" in line:
            break
    assert httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200
    time.sleep(1)
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=30)
    assert process.returncode == 0, out
    assert "server stopped" in out
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
