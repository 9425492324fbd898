"""Fernet keyed from HANDOFF_SECRET_KEY; secret fields read from the typed configs; masks."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from handoff.errors import SecretKeyError
from handoff.integrations.base import REGISTRY
from handoff.secrets import Cipher, mask, secret_fields

from .conftest import KEY


def test_a_secret_round_trips_and_the_token_hides_it():
    token = Cipher(KEY).encrypt("pat-na1-very-secret")
    assert "very-secret" not in token
    assert Cipher(SecretStr(KEY)).decrypt(token) == "pat-na1-very-secret"


@pytest.mark.parametrize("key", [None, "", "short"])
def test_no_or_a_short_key_is_refused_clearly(key):
    with pytest.raises(SecretKeyError, match="HANDOFF_SECRET_KEY"):
        Cipher(key)


def test_another_key_cannot_read_it():
    token = Cipher(KEY).encrypt("pat-na1-very-secret")
    with pytest.raises(SecretKeyError, match="was the key changed"):
        Cipher(KEY + "-rotated").decrypt(token)


def test_secret_fields_come_from_the_typed_configs():
    found = {name: secret_fields(cls.Config) for name, cls in REGISTRY.items()}
    assert found["webhook"] == ("url", "secret")
    assert found["salesforce"] == ("access_token", "client_secret")
    assert found["email"] == ("password",)
    assert found["slack"] == ("webhook_url",)
    assert found["hubspot"] == ("access_token",)


def test_a_mask_shows_at_most_the_last_four_characters():
    assert mask("whsec_abcdefghijklmnop1234") == "••••1234"
    assert mask("short-secret") == "••••"
    assert mask(None) is None
