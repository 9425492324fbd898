"""Dashboard users: argon2-hashed passwords, roles, and server-side sign-in sessions.

A session cookie carries a random token; the store keeps only its SHA-256, the user
it signs in, a CSRF token for the session's forms, and when it expires.
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
from handoff.errors import Conflict, Invalid

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
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}", field="role")
    if "@" not in email:
        raise Invalid("email must be an email address", field="email")
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"the password needs at least {MIN_PASSWORD} characters", field="password")
    if user_by_email(session, email) is not None:
        raise Conflict(f"a user '{email}' exists already", field="email")
    if rep is not None and get_rep(session, rep) is None:
        raise Invalid(f"no rep '{rep}' in the roster", field="rep")
    if role == "rep" and rep is None:
        raise Invalid("a rep user needs --rep: the roster id they answer for", field="rep")
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


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same work either way)."""
    user = user_by_email(session, email)
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
