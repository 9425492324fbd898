"""Secrets at rest: Fernet encryption keyed from HANDOFF_SECRET_KEY, and which fields are secret.

The Fernet key is derived from HANDOFF_SECRET_KEY with HKDF-SHA256, so changing that key
makes every stored secret unreadable (see docs/integrations.md on rotation). A field is
secret when its typed config declares it `SecretStr` (or `SecretStr | None`).
"""

from __future__ import annotations

import base64
import types
import typing
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import BaseModel, SecretStr

from handoff.errors import SecretKeyError
from handoff.settings import MIN_SECRET_LENGTH

INFO = b"handoff integration secrets v1"
MASK = "••••"
HINT_MIN_LENGTH = 16  # shorter secrets show no characters at all


class Cipher:
    """Encrypts and decrypts text with the Fernet key derived from HANDOFF_SECRET_KEY."""

    def __init__(self, secret_key: SecretStr | str | None) -> None:
        raw = secret_key.get_secret_value() if isinstance(secret_key, SecretStr) else secret_key
        if not raw:
            raise SecretKeyError("set HANDOFF_SECRET_KEY to store or read integration secrets")
        if len(raw) < MIN_SECRET_LENGTH:
            raise SecretKeyError(
                f"HANDOFF_SECRET_KEY must have at least {MIN_SECRET_LENGTH} characters"
                " to encrypt integration secrets"
            )
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO)
        self._fernet = Fernet(base64.urlsafe_b64encode(hkdf.derive(raw.encode())))

    def encrypt(self, text: str) -> str:
        """The Fernet token of `text`."""
        return self._fernet.encrypt(text.encode()).decode()

    def decrypt(self, token: str) -> str:
        """The text of a Fernet token; SecretKeyError when this key did not make it."""
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except (InvalidToken, ValueError):
            raise SecretKeyError(
                "a stored secret does not decrypt with HANDOFF_SECRET_KEY: was the key changed?"
            ) from None


def is_secret(annotation: Any) -> bool:
    """Whether a field typed `annotation` holds a secret (SecretStr, maybe optional)."""
    if annotation is SecretStr:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(is_secret(arg) for arg in typing.get_args(annotation))
    return False


def secret_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The names of a config model's secret fields, in declaration order."""
    return tuple(name for name, f in model.model_fields.items() if is_secret(f.annotation))


def mask(value: str | None) -> str | None:
    """How a secret is shown: •••• and, for a long one, its last four characters."""
    if value is None:
        return None
    return MASK + value[-4:] if len(value) >= HINT_MIN_LENGTH else MASK
