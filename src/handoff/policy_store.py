"""Policy versions in the store: the live one compiled once per process, publish, roll back, diff.

Publishing validates first: a policy that does not load is refused and the live one keeps running.
"""

from __future__ import annotations

import difflib
import threading
from datetime import datetime

from sqlalchemy.orm import Session

import handoff
from handoff.core.compiled import Policy
from handoff.db.conversations import add
from handoff.db.models import PolicyVersion
from handoff.db.policies import get_version, live_version
from handoff.db.roster import list_reps, new_rep
from handoff.errors import NoLivePolicy, NotFound


def compile_policy(source: str, version: int | None = None) -> Policy:
    """Load policy text; raises handoff.PolicyError with every problem."""
    name = f"policy v{version}" if version is not None else "draft"
    text = source if "\n" in source else source + "\n"  # text to parse, never a path to read
    return handoff.load_policy(text, file=name, version=version)


class PolicyBook:
    """Compiled policy versions, each loaded once per process and store."""

    def __init__(self) -> None:
        self._compiled: dict[tuple[str, int], Policy] = {}
        self._lock = threading.Lock()

    def version(self, session: Session, version: int | None) -> Policy:
        """A published version, compiled (None: nothing is published yet)."""
        if version is None:
            raise NoLivePolicy("no policy is published yet: publish one (or set HANDOFF_POLICY)")
        key = (str(session.get_bind().url), version)
        with self._lock:
            policy = self._compiled.get(key)
        if policy is None:
            row = get_version(session, version)
            if row is None:
                raise NotFound(f"no policy version {version}")
            policy = compile_policy(row.source, version)
            with self._lock:
                self._compiled[key] = policy
        return policy

    def live(self, session: Session) -> Policy:
        """The live policy (the highest version), compiled."""
        return self.version(session, live_version(session.connection()))


BOOK = PolicyBook()  # shared by the modules that need a policy outside a request


def publish(
    session: Session, source: str, comment: str, author: str | None, now: datetime
) -> PolicyVersion:
    """Validate and add a new live version (an empty roster takes the policy's reps)."""
    version = (live_version(session) or 0) + 1
    policy = compile_policy(source, version)
    row = PolicyVersion(
        version=version,
        source=source,
        sha256=policy.sha256,
        comment=comment,
        author=author,
        created_at=now,
    )
    add(session, row)
    if not list_reps(session):
        for position, rep in enumerate(policy.model.reps, start=1):
            session.add(new_rep(rep.model_dump(), position, now))
    return row


def rollback(
    session: Session, version: int, comment: str, author: str | None, now: datetime
) -> PolicyVersion:
    """Publish an old version's text again as the newest version."""
    old = get_version(session, version)
    if old is None:
        raise NotFound(f"no policy version {version}")
    note = f"rollback to v{version}" + (f": {comment}" if comment else "")
    return publish(session, old.source, note, author, now)


def diff(old: PolicyVersion, new: PolicyVersion) -> str:
    """A unified diff of two versions' text."""
    lines = difflib.unified_diff(
        old.source.splitlines(keepends=True),
        new.source.splitlines(keepends=True),
        fromfile=f"v{old.version}",
        tofile=f"v{new.version}",
    )
    return "".join(lines)
