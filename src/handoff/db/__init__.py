"""The store: SQLAlchemy models, engine and session factories, queries that never commit."""

from handoff.db import (  # noqa: F401  (their tables join the metadata)
    dashboard_models,
    outbox_models,
    target_models,
)
from handoff.db.engine import make_engine, make_sessionmaker, writing

__all__ = ["make_engine", "make_sessionmaker", "writing"]
