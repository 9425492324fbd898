"""Targets stored from the dashboard and the API: save, list, enable, delete, merged for the worker.

A stored config is validated by its integration's typed `Config` (unknown keys refused, each
field named); its `SecretStr` fields are kept as Fernet tokens (handoff.secrets). A secret left
out or blank keeps the stored value; `None` clears an optional one. The worker's targets are
the environment's plus the store's, and a stored target replaces an environment target of the
same name; a disabled stored target switches that name off. Queries never commit.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from pydantic import SecretStr, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from handoff.dashboard.audit import record
from handoff.db.target_models import IntegrationTarget
from handoff.errors import Invalid, NotFound, SecretKeyError
from handoff.integrations.base import REGISTRY
from handoff.secrets import MASK, Cipher, mask, secret_fields
from handoff.targets import Target, Targets, named

logger = logging.getLogger("handoff.targets")
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
RELOAD_SECONDS = 5.0


class Keyring:
    """A Cipher made only when a secret is met, so targets without secrets need no key."""

    def __init__(self, secret_key: SecretStr | str | None) -> None:
        self.secret_key = secret_key
        self._cipher: Cipher | None = None

    def cipher(self) -> Cipher:
        """The Cipher of the configured key; SecretKeyError when there is none."""
        if self._cipher is None:
            self._cipher = Cipher(self.secret_key)
        return self._cipher


def list_targets(session: Session) -> list[IntegrationTarget]:
    """Every stored target, by name."""
    return list(
        session.execute(select(IntegrationTarget).order_by(IntegrationTarget.name)).scalars()
    )


def find_target(session: Session, name: str) -> IntegrationTarget | None:
    """A stored target by name, or None."""
    query = select(IntegrationTarget).where(IntegrationTarget.name == name)
    return session.execute(query).scalar_one_or_none()


def get_target(session: Session, name: str) -> IntegrationTarget:
    """A stored target by name; NotFound otherwise."""
    row = find_target(session, name)
    if row is None:
        raise NotFound(f"no stored target '{name}'")
    return row


def save(
    session: Session,
    keys: Keyring,
    name: str,
    integration: str,
    config: Mapping[str, Any],
    actor: str,
    now: datetime,
    kinds: list[str] | None = None,
    teams: list[str] | None = None,
    enabled: bool = True,
) -> IntegrationTarget:
    """Add or replace a stored target (validated; secrets encrypted) and audit what changed."""
    if not NAME.match(name):
        raise Invalid("a target name is 1-64 of a-z, 0-9, '-' and '_'", field="name")
    if integration not in REGISTRY:
        raise Invalid(f"unknown integration '{integration}'", field="integration")
    row = find_target(session, name)
    kept = row.config if row is not None and row.integration == integration else {}
    model = REGISTRY[integration].Config
    hidden = secret_fields(model)
    plain = {k: v for k, v in config.items() if k not in hidden or v != ""}
    for field in hidden:
        if config.get(field, "") == "" and kept.get(field) is not None:
            plain[field] = keys.cipher().decrypt(kept[field])
    try:
        target = named(name, {"integration": integration, "kinds": kinds, "teams": teams})
        valid = model.model_validate(plain)
    except ValueError as exc:
        raise _invalid(exc) from None
    stored = valid.model_dump(mode="json", exclude_unset=True)
    for field in hidden:
        value = getattr(valid, field)
        if field in stored:
            stored[field] = (
                None if value is None else keys.cipher().encrypt(value.get_secret_value())
            )
    before = _summary(row, hidden) if row is not None else None
    if row is None:
        row = IntegrationTarget(name=name)
        session.add(row)
    row.integration, row.config, row.enabled = integration, stored, enabled
    row.kinds, row.teams = list(target.kinds), list(target.teams)
    row.updated_at, row.updated_by = now, actor[:200]
    replaced = [f for f in hidden if config.get(f) not in ("", None)]
    replaced += [f for f in hidden if f in config and config[f] is None and kept.get(f)]
    changed = _changes(before, _summary(row, hidden), replaced)
    record(session, actor, "target_saved", now, name, integration=integration, changed=changed)
    return row


def set_enabled(
    session: Session, name: str, enabled: bool, actor: str, now: datetime
) -> IntegrationTarget:
    """Switch a stored target on or off, audited."""
    row = get_target(session, name)
    row.enabled, row.updated_at, row.updated_by = enabled, now, actor[:200]
    record(session, actor, "target_enabled" if enabled else "target_disabled", now, name)
    return row


def delete(session: Session, name: str, actor: str, now: datetime) -> None:
    """Remove a stored target, audited (its pending deliveries park as not configured)."""
    row = get_target(session, name)
    session.delete(row)
    record(session, actor, "target_deleted", now, name, integration=row.integration)


def describe(row: IntegrationTarget, keys: Keyring) -> dict[str, Any]:
    """A stored target as shown anywhere: each secret masked (•••• and at most its last 4)."""
    config = dict(row.config)
    for field in secret_fields(REGISTRY[row.integration].Config):
        if config.get(field) is not None:
            try:
                config[field] = mask(keys.cipher().decrypt(config[field]))
            except SecretKeyError:
                config[field] = MASK
    return {
        "name": row.name,
        "integration": row.integration,
        "kinds": list(row.kinds),
        "teams": list(row.teams),
        "enabled": row.enabled,
        "config": config,
        "secrets": list(secret_fields(REGISTRY[row.integration].Config)),
        "updated_at": row.updated_at,
        "updated_by": row.updated_by,
    }


def stored_targets(session: Session, keys: Keyring) -> dict[str, Target | None]:
    """Every stored target by name, decrypted; None for a disabled one."""
    found: dict[str, Target | None] = {}
    for row in list_targets(session):
        if not row.enabled:
            found[row.name] = None
            continue
        config = dict(row.config)
        for field in secret_fields(REGISTRY[row.integration].Config):
            if config.get(field) is not None:
                config[field] = keys.cipher().decrypt(config[field])
        kinds, teams = tuple(row.kinds), tuple(row.teams)
        found[row.name] = Target(row.name, row.integration, config, kinds, teams)
    return found


def merged(environment: Targets, stored: Mapping[str, Target | None]) -> Targets:
    """The environment's targets with the stored ones over them by name (None: switched off)."""
    by_name: dict[str, Target | None] = {**environment.by_name, **stored}
    return Targets([t for t in by_name.values() if t is not None], environment.public_url)


class LiveTargets(Targets):
    """The worker's targets: the environment's and the store's, re-read every `every` seconds.

    A failed re-read (the store down, a changed HANDOFF_SECRET_KEY) is logged and the last
    good set kept; the first read raises, so a worker does not start on unreadable secrets.
    """

    def __init__(
        self,
        environment: Targets,
        sessions: sessionmaker[Session],
        secret_key: SecretStr | str | None,
        every: float = RELOAD_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.environment, self.sessions, self.keys = environment, sessions, Keyring(secret_key)
        self.every, self.monotonic = every, monotonic
        self._lock = threading.Lock()
        self._load()

    def serving(self, kind: str, team: str | None) -> list[Target]:
        """As Targets.serving, on a fresh enough set."""
        self.refresh()
        return super().serving(kind, team)

    def get(self, name: str) -> Target | None:
        """As Targets.get, on a fresh enough set."""
        self.refresh()
        return super().get(name)

    def refresh(self) -> None:
        """Re-read the store when the last read is older than `every` seconds."""
        if self.monotonic() - self._loaded_at < self.every or not self._lock.acquire(False):
            return
        try:
            self._load()
        except Exception as exc:
            self._loaded_at = self.monotonic()
            logger.error("stored targets not reloaded: %s: %s", type(exc).__name__, exc)
        finally:
            self._lock.release()

    def _load(self) -> None:
        with self.sessions() as session:
            stored = stored_targets(session, self.keys)
        current = merged(self.environment, stored)
        self.by_name, self.public_url = current.by_name, current.public_url
        self._loaded_at = self.monotonic()


def _summary(row: IntegrationTarget, hidden: tuple[str, ...]) -> dict[str, Any]:
    config = {f"config.{k}": v for k, v in row.config.items() if k not in hidden}
    kept = {"integration": row.integration, "enabled": row.enabled}
    return {**kept, "kinds": row.kinds, "teams": row.teams, **config}


def _changes(before: dict | None, after: dict, replaced: list[str]) -> str:
    if before is None:
        return "created"
    keys = sorted(set(before) | set(after))
    changed = [k for k in keys if before.get(k) != after.get(k)]
    changed += [f"config.{f} (secret replaced)" for f in replaced]
    return ", ".join(changed) or "nothing"


def _invalid(exc: ValueError) -> Invalid:
    if not isinstance(exc, ValidationError):
        return Invalid(str(exc).removeprefix("HANDOFF_TARGETS: "), field="kinds")
    problems = []
    for error in exc.errors():
        where = ".".join(map(str, error["loc"])) or "config"
        if error["type"] == "extra_forbidden":
            problems.append(f"unknown key '{where}'")
        elif error["type"] == "missing":
            problems.append(f"'{where}' is required")
        else:
            problems.append(f"'{where}': {error['msg']}")
    first = ".".join(map(str, exc.errors()[0]["loc"]))
    return Invalid("invalid config: " + "; ".join(problems), field=f"config.{first}".rstrip("."))
