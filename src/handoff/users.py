"""Dashboard users: argon2-hashed passwords, roles, and server-side sign-in sessions.

A session cookie carries a random token; the store keeps only its SHA-256, the user
it signs in, a CSRF token for the session's forms, and when it expires. Disabling a user
or setting their password ends every session they have. There is always an active admin:
nobody disables or demotes the last one, and an admin never disables or demotes themselves.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from handoff.db.conversations import add
from handoff.db.dashboard_models import ROLES, User, UserSession
from handoff.db.roster import get_rep
from handoff.errors import Conflict, Invalid, NotFound

SESSION_HOURS = 12
MIN_PASSWORD = 10
_hasher = PasswordHasher()
_DUMMY = _hasher.hash("not a password anyone has")


def hash_password(password: str) -> str:
    """The argon2id hash kept for a password."""
    return _hasher.hash(password)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_by_email(session: Session, email: str) -> User | None:
    """A user by email (case-insensitive), or None."""
    query = select(User).where(User.email == email.strip().lower())
    return session.execute(query).scalar_one_or_none()


def list_users(session: Session) -> list[User]:
    """Every user, by email."""
    return list(session.execute(select(User).order_by(User.email)).scalars())


def get_user(session: Session, who: int | str) -> User:
    """A user by id or by email; NotFound otherwise."""
    user = session.get(User, who) if isinstance(who, int) else user_by_email(session, who)
    if user is None:
        raise NotFound(f"no user '{who}'")
    return user


def _check_role(session: Session, role: str, rep: str | None) -> None:
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}", field="role")
    if rep is not None and get_rep(session, rep) is None:
        raise Invalid(f"no rep '{rep}' in the roster", field="rep")
    if role == "rep" and rep is None:
        raise Invalid("a rep user needs a rep: the roster id they answer for", field="rep")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"the password needs at least {MIN_PASSWORD} characters", field="password")


def create_user(
    session: Session,
    email: str,
    role: str,
    password: str,
    now: datetime,
    *,
    name: str | None = None,
    rep: str | None = None,
) -> User:
    """A new user; a rep user is tied to a rep of the roster (by `rep` or the same email)."""
    email = email.strip().lower()
    if "@" not in email:
        raise Invalid("email must be an email address", field="email")
    _check_password(password)
    if user_by_email(session, email) is not None:
        raise Conflict(f"a user '{email}' exists already", field="email")
    _check_role(session, role, rep)
    user = User(
        email=email,
        name=name,
        role=role,
        rep_id=rep,
        password_hash=hash_password(password),
        created_at=now,
    )
    add(session, user)
    return user


def _keep_an_admin(session: Session, user: User, by: int | None, doing: str) -> None:
    """Refuse to `doing` (disable, demote) an active admin who is `by` or the last one.

    The active admins' rows are locked (PostgreSQL) so two admins demoting each other at
    once cannot both succeed; SQLite writers are serialized already.
    """
    query = (
        select(User.id)
        .where(User.role == "admin", User.disabled_at.is_(None))
        .order_by(User.id)
        .with_for_update()
    )
    admins = set(session.execute(query).scalars())
    if user.id not in admins:
        return
    if user.id == by:
        raise Conflict(f"you cannot {doing} yourself: ask another admin")
    if not admins - {user.id}:
        raise Conflict(f"'{user.email}' is the last active admin: make another admin first")


def _end_sessions(session: Session, user: User) -> int:
    """Delete `user`'s sessions, after writing their row.

    Writing the row takes its lock, which a sign-in in flight holds (see `authenticate`):
    that sign-in finishes first and the session it started is deleted too.
    """
    session.flush()
    return session.execute(delete(UserSession).where(UserSession.user_id == user.id)).rowcount


def update_user(
    session: Session,
    user: User,
    *,
    role: str,
    name: str | None,
    rep: str | None,
    by: int | None = None,
) -> dict[str, str]:
    """Set `user`'s role, name and rep; what changed, as {field: "before → after"}.

    `by` is the acting user's id: an admin cannot demote themselves or the last active admin.
    """
    _check_role(session, role, rep)
    if role != "admin":
        _keep_an_admin(session, user, by, "demote")
    changes = {}
    for field, value in (("role", role), ("name", name), ("rep_id", rep)):
        before = getattr(user, field)
        if before != value:
            changes[field.removesuffix("_id")] = f"{before or '—'} → {value or '—'}"
            setattr(user, field, value)
    return changes


def disable_user(session: Session, user: User, now: datetime, *, by: int | None = None) -> int:
    """Disable `user` and end every session they have; how many sessions ended."""
    if user.disabled_at is not None:
        raise Conflict(f"'{user.email}' is disabled already")
    _keep_an_admin(session, user, by, "disable")
    user.disabled_at = now
    return _end_sessions(session, user)


def enable_user(user: User) -> None:
    """Let a disabled user sign in again (their old sessions stay ended)."""
    if user.disabled_at is None:
        raise Conflict(f"'{user.email}' is not disabled")
    user.disabled_at = None


def set_password(session: Session, user: User, password: str) -> int:
    """Give `user` a new password and end every session they have; how many sessions ended."""
    _check_password(password)
    user.password_hash = hash_password(password)
    return _end_sessions(session, user)


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same work either way).

    The user's row is locked until commit, so a password change or a disable waits for the
    sign-in to finish and then ends the session it started.
    """
    query = select(User).where(User.email == email.strip().lower()).with_for_update()
    user = session.execute(query).scalar_one_or_none()
    try:
        _hasher.verify(user.password_hash if user else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or user.disabled_at is not None:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def start_session(session: Session, user: User, now: datetime) -> tuple[str, UserSession]:
    """Sign `user` in: the cookie token (kept only hashed) and the session row."""
    token = secrets.token_urlsafe(32)
    row = UserSession(
        token_hash=_digest(token),
        user_id=user.id,
        csrf=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + timedelta(hours=SESSION_HOURS),
    )
    add(session, row)
    session.execute(delete(UserSession).where(UserSession.expires_at < now))
    return token, row


def session_user(session: Session, token: str, now: datetime) -> tuple[User, UserSession] | None:
    """The signed-in user and session of a cookie token, or None (unknown, expired, disabled)."""
    query = (
        select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == _digest(token))
    )
    found = session.execute(query).first()
    if found is None:
        return None
    user, row = found
    if row.expires_at <= now or user.disabled_at is not None:
        return None
    return user, row


def end_session(session: Session, token: str) -> None:
    """Sign the cookie's session out."""
    session.execute(delete(UserSession).where(UserSession.token_hash == _digest(token)))
