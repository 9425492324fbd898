"""Forgetting a person: DELETE /v1/conversations/{id}, `handoff forget --email`, retention purge."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update
from typer.testing import CliRunner

from handoff.cli import app as cli
from handoff.db.engine import make_sessionmaker
from handoff.db.models import Base, Conversation
from handoff.targets import Targets
from handoff.worker import Worker

EXAMPLES = Path(__file__).parents[2] / "examples" / "conversations"
EMAIL = "priya@bigcorp.example"
PERSONAL = [
    EMAIL,
    "Priya",
    "BigCorp",
    "how onboarding works",
    "renewal in two months",
    "google",
    "2,000",
]
runner = CliRunner()


def conversation(name: str) -> list[dict]:
    """The events of an example conversation."""
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))["events"]


def stored_text(engine) -> str:
    """Every row of every table (outbox, deliveries and timers too), as one lower-case text."""
    with engine.connect() as conn:
        rows = [
            dict(r._mapping) for t in Base.metadata.sorted_tables for r in conn.execute(t.select())
        ]
    return json.dumps(rows, default=str, ensure_ascii=False).lower()


def post(api, cid: str, events: list[dict]) -> dict:
    """Post a conversation as the bot."""
    response = api.post(f"/v1/conversations/{cid}/events", json={"events": events}, as_="ingest")
    assert response.status_code == 200, response.text
    return response.json()


def metrics(api) -> dict:
    """The metrics report of the last 10 years."""
    return api.get(
        "/v1/metrics?since=2020-01-01T00:00:00Z&until=2040-01-01T00:00:00Z&group=rep", as_="read"
    ).json()


def test_delete_removes_every_trace_and_keeps_the_counts(api, engine):
    handoff = post(api, "c-priya", conversation("enterprise-east-qualified"))["handoff"]
    post(api, "c-other", conversation("emea-live"))
    api.post(f"/v1/handoffs/{handoff['id']}/accept")
    before, stored = metrics(api), stored_text(engine)
    assert all(word.lower() in stored for word in PERSONAL)

    assert api.request("DELETE", "/v1/conversations/c-priya", as_="read").status_code == 403
    response = api.request("DELETE", "/v1/conversations/c-priya")
    assert response.status_code == 200
    assert response.json() == {
        "forgotten": "c-priya",
        "events_deleted": 8,
        "handoff": handoff["id"],
    }

    stored = stored_text(engine)
    assert [word for word in PERSONAL if word.lower() in stored] == []
    assert "c-priya" not in stored
    assert api.get("/v1/conversations/c-priya").status_code == 404
    assert api.request("DELETE", "/v1/conversations/c-priya").status_code == 404
    assert metrics(api) == before
    packet = api.get(f"/v1/handoffs/{handoff['id']}").json()
    assert packet["status"] == "accepted" and packet["rep"] == handoff["rep"]
    assert packet["transcript"] == [] and packet["facts"] == {} and packet["trace"] == []
    assert packet["qualification"]["qualified"] is True
    assert api.get("/v1/conversations/c-other").json()["facts"]["email"]


def test_the_same_id_later_starts_a_new_conversation(api):
    post(api, "c-again", conversation("enterprise-east-qualified"))
    api.request("DELETE", "/v1/conversations/c-again")
    answer = post(
        api, "c-again", [{"type": "page_view", "url": "/blog/x", "at": "2026-03-03T15:00:00Z"}]
    )
    assert answer["decision"]["action"] != "handoff" and answer["handoff"] is None


def run(settings, *args: str, **env: str):
    """Run the CLI on the test store."""
    return runner.invoke(
        cli, list(args), env={"HANDOFF_DATABASE_URL": settings.database_url, **env}
    )


def test_forget_by_email_finds_identify_slots_and_words(api, engine, settings):
    post(api, "c-1", conversation("enterprise-east-qualified"))
    said = [
        {
            "type": "message",
            "role": "visitor",
            "text": f"Mail me: {EMAIL.upper()}",
            "at": "2026-03-03T15:00:00Z",
        }
    ]
    post(api, "c-2", said)
    slots = [{"type": "slots", "values": {"email": EMAIL}, "at": "2026-03-03T15:00:00Z"}]
    post(api, "c-3", slots)
    near = [{"type": "identify", "email": "xpriya@bigcorp.example", "at": "2026-03-03T15:00:00Z"}]
    post(api, "c-4", near)
    post(
        api,
        "c-5",
        [{"type": "identify", "email": "priya@bigcorp_example", "at": "2026-03-03T15:00:00Z"}],
    )

    result = run(settings, "forget", "--email", EMAIL)
    assert result.exit_code == 0, result.output
    assert "forgot 3 conversation(s)" in result.output
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == ["c-1", "c-2", "c-3"]
    stored = stored_text(engine)
    assert f'"{EMAIL}"' not in stored and "mail me" not in stored
    assert api.get("/v1/conversations/c-4").status_code == 200
    assert api.get("/v1/conversations/c-5").status_code == 200
    assert run(settings, "forget", "--conversation", "ghost").exit_code == 1
    assert run(settings, "forget").exit_code == 1


def test_purge_forgets_idle_conversations_after_the_retention_period(api, engine, settings):
    post(api, "old", conversation("enterprise-east-qualified"))
    post(api, "recent", conversation("emea-live"))
    with engine.begin() as conn:
        old = datetime.now(UTC) - timedelta(days=40)
        conn.execute(update(Conversation).where(Conversation.id == "old").values(updated_at=old))

    assert run(settings, "purge").exit_code == 1
    result = run(settings, "purge", HANDOFF_RETENTION_DAYS="30")
    assert result.exit_code == 0 and "purged 1 conversation(s)" in result.output
    with engine.connect() as conn:
        ids = set(conn.scalars(select(Conversation.id)))
    assert "recent" in ids and "old" not in ids and len(ids) == 2
    assert "purged 0" in run(settings, "purge", "--days", "30").output


def test_the_worker_purges_on_schedule_when_a_retention_period_is_set(api, engine, settings):
    post(api, "old", conversation("enterprise-east-qualified"))
    post(api, "recent", conversation("emea-live"))
    with engine.begin() as conn:
        old = datetime.now(UTC) - timedelta(days=40)
        conn.execute(update(Conversation).where(Conversation.id == "old").values(updated_at=old))
    now = datetime.now(UTC)
    worker = Worker(make_sessionmaker(engine), Targets([]), clock=lambda: now, retention_days=30)
    try:
        assert worker.purge(now) == 1
        assert worker.purge(now + timedelta(minutes=59)) == 0
    finally:
        worker.stop()
    with engine.connect() as conn:
        ids = set(conn.scalars(select(Conversation.id)))
    assert "recent" in ids and "old" not in ids
