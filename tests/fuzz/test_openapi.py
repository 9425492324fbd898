"""Schemathesis against the served OpenAPI document: no 5xx, every response matches its schema."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from handoff.api import create_app
from handoff.auth import create_key
from handoff.db.engine import make_engine, make_sessionmaker, writing
from handoff.db.migrate import upgrade
from handoff.policy_store import publish
from handoff.settings import Settings

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
EXAMPLES = int(os.environ.get("HANDOFF_FUZZ_EXAMPLES", "30"))  # per operation


@pytest.fixture(scope="module")
def served(tmp_path_factory, policy_text):
    """The app on a SQLite store with the reference policy, one conversation and an admin key."""
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'handoff.db'}"
    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    with make_sessionmaker(engine)() as session, writing(session):
        publish(session, policy_text, "reference", "fuzz", now)
        token = create_key(session, "fuzz", "admin", now)[1]
    engine.dispose()
    settings_ = Settings(database_url=url, env="test", ingest_rate_per_ip=0, ingest_rate_per_key=0)
    return create_app(settings_), token


def test_every_operation_answers_within_its_schema(served):
    app, token = served
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def call(case):
            try:
                case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
            except Exception as exc:
                exc.add_note(f"request: {case.path_parameters} {case.query} {case.body!r:.500}")
                raise

        try:
            call()
        except Exception as exc:  # noqa: BLE001 - every operation's failure is reported together
            notes = "; ".join(getattr(exc, "__notes__", []))
            failures.append(f"{operation.label}: {exc} {notes}")
    assert failures == [], "\n\n".join(failures)


def test_a_policy_source_that_looks_like_a_path_is_never_read(served, tmp_path):
    app, token = served
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: [hunter2\n")
    with TestClient(app) as client:
        for source in (str(secret), "/no/such/file.yml"):
            response = client.post(
                "/v1/policy/validate",
                json={"source": source},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert response.status_code == 422, response.text
            assert "hunter2" not in response.text and "YAML syntax" not in response.text
