"""The store: SQLAlchemy models, engine and session factories, queries that never commit."""

from handoff.db import dashboard_models, outbox_models  # noqa: F401  (their tables join the metadata)
from handoff.db.engine import make_engine, make_sessionmaker, writing

__all__ = ["make_engine", "make_sessionmaker", "writing"]
