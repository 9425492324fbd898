"""Settings: HANDOFF_* variables, and no unsafe defaults in production."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from handoff.api.app import limit_malloc_arenas
from handoff.db.engine import make_engine
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
    ok = Settings(
        env="production", secret_key=SECRET, database_url="sqlite:////var/lib/handoff/h.db"
    )
    assert ok.env == "production"


def test_a_missing_policy_file_is_refused(tmp_path):
    with pytest.raises(ValidationError, match="no such file"):
        Settings(policy=tmp_path / "nope.yaml")


@pytest.mark.parametrize(("asked", "pragma"), [(None, 1), ("full", 2), ("NORMAL", 1)])
def test_sqlite_syncs_as_asked(monkeypatch, tmp_path, asked, pragma):
    if asked is not None:
        monkeypatch.setenv("HANDOFF_SQLITE_SYNCHRONOUS", asked)
    engine = make_engine(f"sqlite:///{tmp_path / 'sync.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == pragma
    engine.dispose()


def test_an_unknown_sync_level_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("HANDOFF_SQLITE_SYNCHRONOUS", "off")
    with pytest.raises(ValidationError):
        Settings()
    engine = make_engine(f"sqlite:///{tmp_path / 'sync.db'}")
    with pytest.raises(ValueError, match="normal, full"):
        engine.connect()
    engine.dispose()


def test_malloc_arenas_are_left_alone_when_told(monkeypatch):
    assert Settings().malloc_arenas == 2
    assert not limit_malloc_arenas(0)
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert not limit_malloc_arenas(2)
