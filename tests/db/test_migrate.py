"""Migrations from an empty database reach the models' schema and go back down, on both stores."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from handoff.db.engine import make_engine
from handoff.db.migrate import alembic_config, schema_revisions, upgrade
from handoff.db.models import Base


def test_migrations_from_an_empty_database(empty_store_url):
    engine = make_engine(empty_store_url)
    current, head = schema_revisions(engine)
    assert current is None and head
    upgrade(engine)
    assert schema_revisions(engine) == (head, head)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    config = alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert schema_revisions(engine)[0] is None
    upgrade(engine)
    assert schema_revisions(engine) == (head, head)
    engine.dispose()
