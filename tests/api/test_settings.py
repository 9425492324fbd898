"""Settings: HANDOFF_* variables, and no unsafe defaults in production."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from handoff.settings import Settings, get_settings

SECRET = "s" * 40


def test_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("HANDOFF_DATABASE_URL", "postgresql://handoff@db/handoff")
    monkeypatch.setenv("HANDOFF_MAX_BODY_BYTES", "4096")
    settings = get_settings()
    assert settings.database_url == "postgresql://handoff@db/handoff"
    assert settings.max_body_bytes == 4096
    assert (settings.host, settings.port, settings.env) == ("127.0.0.1", 8000, "development")


def test_production_refuses_unsafe_defaults():
    with pytest.raises(ValidationError, match="HANDOFF_SECRET_KEY"):
        Settings(env="production", database_url="postgresql://u:pw1@db/h")
    with pytest.raises(ValidationError, match="/tmp"):
        Settings(env="production", secret_key=SECRET, database_url="sqlite:////tmp/h.db")
    with pytest.raises(ValidationError, match="default password"):
        Settings(env="production", secret_key=SECRET, database_url="postgresql://u:postgres@db/h")
    ok = Settings(env="production", secret_key=SECRET, database_url="sqlite:////var/lib/handoff/h.db")
    assert ok.env == "production"


def test_a_missing_policy_file_is_refused(tmp_path):
    with pytest.raises(ValidationError, match="no such file"):
        Settings(policy=tmp_path / "nope.yaml")
