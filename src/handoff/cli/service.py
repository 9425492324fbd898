"""`handoff serve`, `handoff db upgrade` and `handoff keys create|list|revoke`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from pydantic import ValidationError

from handoff.auth import SCOPES, create_key, revoke_key
from handoff.core.problems import PolicyError
from handoff.db.engine import make_engine, make_sessionmaker, writing
from handoff.db.keys import list_keys
from handoff.db.migrate import schema_revisions, upgrade
from handoff.db.policies import live_version
from handoff.errors import ServiceError
from handoff.policy_store import publish
from handoff.settings import Settings, get_settings

db = typer.Typer(help="The store's schema.", no_args_is_help=True)
keys = typer.Typer(help="API keys: create (shown once), list, revoke.", no_args_is_help=True)


def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on (default 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes (default 1).")] = None,
    no_worker: Annotated[
        bool, typer.Option("--no-worker", help="Do not deliver the outbox in this process.")
    ] = False,
) -> None:
    """Run the HTTP API on the configured store (refuses an out-of-date schema)."""
    import uvicorn

    settings = _settings()
    engine = make_engine(settings.database_url)
    current, head = schema_revisions(engine)
    if current != head:
        _fail(
            f"the database schema is out of date (at {current or 'nothing'},"
            f" this version needs {head}):"
            " run `handoff db upgrade` first"
        )
    _import_policy(settings, engine)
    engine.dispose()
    from handoff.cli.worker import start_background

    stop_worker = (
        None if no_worker else start_background(settings.database_url, settings.retention_days)
    )
    try:
        uvicorn.run(
            "handoff.api.app:app_from_environment",
            factory=True,
            host=host or settings.host,
            port=port or settings.port,
            workers=workers or settings.workers,
        )
    finally:
        if stop_worker is not None:
            stop_worker()


def _import_policy(settings: Settings, engine) -> None:
    if settings.policy is None:
        return
    with make_sessionmaker(engine)() as session, writing(session):
        if live_version(session) is not None:
            return
        try:
            row = publish(
                session,
                settings.policy.read_text(encoding="utf-8"),
                f"imported from {settings.policy}",
                "handoff serve",
                datetime.now(UTC),
            )
        except PolicyError as exc:
            _fail(f"HANDOFF_POLICY does not validate:\n{exc}")
    typer.echo(f"imported {settings.policy} as policy version {row.version}", err=True)


@db.command("upgrade")
def db_upgrade() -> None:
    """Bring the schema up to date (safe to run again)."""
    engine = make_engine(_settings().database_url)
    upgrade(engine)
    current, _ = schema_revisions(engine)
    engine.dispose()
    typer.echo(f"schema at {current}", err=True)


@keys.command("create")
def keys_create(
    name: Annotated[str, typer.Option("--name", help="A name for the key, e.g. the bot using it.")],
    scope: Annotated[str, typer.Option("--scope", help="ingest, read or admin.")],
) -> None:
    """Create a key and print its token once (only its hash is kept)."""
    if scope not in SCOPES:
        _fail(f"--scope must be one of {', '.join(SCOPES)}")
    with _sessions()() as session, writing(session):
        try:
            _, token = create_key(session, name, scope, datetime.now(UTC))
        except ServiceError as exc:
            _fail(exc.message)
    typer.echo(token)
    typer.echo(
        f"key '{name}' ({scope}) created: store the token now, it is not shown again", err=True
    )


@keys.command("list")
def keys_list() -> None:
    """Every key: name, scope, prefix, created and revoked."""
    with _sessions()() as session:
        for key in list_keys(session):
            revoked = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
            typer.echo(
                f"{key.name}\t{key.scope}\t{key.prefix}…"
                f"\t{key.created_at:%Y-%m-%d %H:%M}\t{revoked}"
            )


@keys.command("revoke")
def keys_revoke(name: Annotated[str, typer.Argument(help="The key's name.")]) -> None:
    """Revoke a key (running servers stop accepting it within a few seconds)."""
    with _sessions()() as session, writing(session):
        try:
            revoke_key(session, name, datetime.now(UTC))
        except ServiceError as exc:
            _fail(exc.message)
    typer.echo(f"key '{name}' revoked", err=True)


def _settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as exc:
        _fail("invalid settings: " + "; ".join(e["msg"] for e in exc.errors()))


def _sessions():
    engine = make_engine(_settings().database_url)
    current, head = schema_revisions(engine)
    if current != head:
        _fail("the database schema is out of date: run `handoff db upgrade` first")
    return make_sessionmaker(engine)


def _fail(message: str):
    typer.echo(message, err=True)
    raise typer.Exit(1)
