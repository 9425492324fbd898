"""Integration targets configured from the dashboard or the API; secret fields encrypted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from handoff.db.models import Base, Id, Json, When


class IntegrationTarget(Base):
    """A named integration config: kinds, teams, config (SecretStr fields as Fernet tokens)."""

    __tablename__ = "integration_targets"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    integration: Mapped[str] = mapped_column(String(50))
    kinds: Mapped[list[str]] = mapped_column(Json, default=list)
    teams: Mapped[list[str]] = mapped_column(Json, default=list)
    config: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(When)
    updated_by: Mapped[str] = mapped_column(String(200))
