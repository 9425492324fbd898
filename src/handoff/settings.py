"""The service's configuration: one typed Settings read from HANDOFF_* environment variables.

Outside development it refuses unsafe defaults: no secret key, a database in /tmp,
a policy file that does not exist.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

DEFAULT_DATABASE_URL = "sqlite:///handoff.db"
MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    """Everything the service reads from its environment (prefix HANDOFF_)."""

    model_config = SettingsConfigDict(env_prefix="HANDOFF_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = DEFAULT_DATABASE_URL
    policy: Path | None = None
    secret_key: SecretStr | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1)
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)
    key_cache_seconds: float = Field(default=5.0, ge=0)
    malloc_arenas: int = Field(default=2, ge=0)
    sqlite_synchronous: Literal["normal", "full"] = "normal"
    ingest_rate_per_key: float = Field(default=200.0, ge=0)
    ingest_burst_per_key: float = Field(default=400.0, ge=1)
    ingest_rate_per_ip: float = Field(default=500.0, ge=0)
    ingest_burst_per_ip: float = Field(default=1000.0, ge=1)
    retention_days: int | None = Field(default=None, ge=1)
    demo: bool = False
    public_url: str | None = None
    chatwoot_webhook_secret: SecretStr | None = None
    chatwoot_account_id: int | None = None
    chatwoot_timestamp_tolerance: int = Field(default=300, ge=10)
    sign_in_failures_per_email: int = Field(default=5, ge=1)
    sign_in_failures_per_ip: int = Field(default=20, ge=1)
    sign_in_window_seconds: int = Field(default=900, ge=1)

    @model_validator(mode="after")
    def _refuse_unsafe(self) -> Settings:
        make_url(self.database_url)
        if self.policy is not None and not self.policy.is_file():
            raise ValueError(f"HANDOFF_POLICY: no such file: {self.policy}")
        if self.env != "production":
            return self
        problems = []
        secret = self.secret_key.get_secret_value() if self.secret_key else ""
        if len(secret) < MIN_SECRET_LENGTH:
            problems.append(
                f"HANDOFF_SECRET_KEY must be set to at least {MIN_SECRET_LENGTH} characters"
            )
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite":
            where = url.database or ""
            if where in ("", ":memory:") or Path(where).resolve().is_relative_to("/tmp"):
                problems.append(
                    "HANDOFF_DATABASE_URL must not be an in-memory or /tmp SQLite database"
                )
        if url.password in ("postgres", "password", "changeme"):
            problems.append("HANDOFF_DATABASE_URL uses a default password")
        if self.demo:
            problems.append("HANDOFF_DEMO opens an unauthenticated chat page: not in production")
        if problems:
            raise ValueError("unsafe settings for production: " + "; ".join(problems))
        return self


def get_settings() -> Settings:
    """Settings read from the environment now."""
    return Settings()
