"""Stored targets: encrypted at rest, validated, kept secrets, merged over the environment, live."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import text

from handoff.db.engine import writing
from handoff.errors import Invalid, SecretKeyError
from handoff.secrets import Cipher
from handoff.target_store import (
    Keyring,
    LiveTargets,
    delete,
    describe,
    get_target,
    save,
    set_enabled,
)
from handoff.targets import Target, Targets
from handoff.worker import Worker
from outbox.support import SECRET, TUESDAY, add_nurtures

from .conftest import KEY, webhook_config


def store(sessions, keys, name="bot", config=None, integration="webhook", **kwargs):
    """Save a target in its own transaction; the stored row."""
    with sessions() as session, writing(session):
        return save(session, keys, name, integration, config, "tests", TUESDAY, **kwargs)


def raw_config(engine, name: str) -> str:
    """The config column of a stored target as the database holds it."""
    with engine.connect() as conn:
        query = text("SELECT config FROM integration_targets WHERE name = :n")
        value = conn.execute(query, {"n": name}).scalar_one()
    return value if isinstance(value, str) else json.dumps(value)


def test_secrets_are_encrypted_in_the_raw_row(engine, sessions, keys, receiver):
    store(sessions, keys, config=webhook_config(receiver))
    raw = raw_config(engine, "bot")
    assert SECRET not in raw and receiver.url not in raw and "allow_private_networks" in raw
    with sessions() as session:
        row = get_target(session, "bot")
    assert Cipher(KEY).decrypt(row.config["secret"]) == SECRET
    assert Cipher(KEY).decrypt(row.config["url"]) == receiver.url


def test_editing_without_the_secret_keeps_it(sessions, keys, receiver):
    store(sessions, keys, config=webhook_config(receiver))
    store(sessions, keys, config={"url": "", "timeout": 7, "allow_private_networks": True})
    with sessions() as session:
        row = get_target(session, "bot")
        shown = describe(row, keys)
    assert Cipher(KEY).decrypt(row.config["secret"]) == SECRET
    assert Cipher(KEY).decrypt(row.config["url"]) == receiver.url
    assert row.config["timeout"] == 7
    assert shown["config"]["secret"] == "••••" + SECRET[-4:]
    assert SECRET not in repr(shown) and receiver.url not in repr(shown)


def test_an_optional_secret_can_be_cleared(sessions, keys):
    config = {"base_url": "https://acme.my.salesforce.com", "access_token": "00Dxx!token-value"}
    store(sessions, keys, "sf", config, integration="salesforce")
    with pytest.raises(Invalid, match="set access_token, or client_id and client_secret"):
        store(sessions, keys, "sf", {**config, "access_token": None}, integration="salesforce")
    oauth = {"client_id": "3MVG9", "client_secret": "a-client-secret", "access_token": None}
    store(sessions, keys, "sf", {**config, **oauth}, integration="salesforce")
    with sessions() as session:
        row = get_target(session, "sf")
    assert row.config["access_token"] is None and row.config["client_secret"].startswith("gAAAA")


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"secret": SECRET, "url": "https://x.example", "colour": "red"}, "unknown key 'colour'"),
        ({"secret": SECRET}, "'url' is required"),
        ({"secret": SECRET, "url": "https://x.example", "timeout": "soon"}, "'timeout'"),
    ],
)
def test_a_config_is_checked_by_its_typed_model(sessions, keys, config, message):
    with pytest.raises(Invalid, match=message) as caught:
        store(sessions, keys, config=config)
    assert SECRET not in caught.value.message


def test_names_kinds_and_integrations_are_checked(sessions, keys, receiver):
    with pytest.raises(Invalid, match="target name"):
        store(sessions, keys, "Bad Name", webhook_config(receiver))
    with pytest.raises(Invalid, match="unknown integration 'fax'"):
        store(sessions, keys, config={}, integration="fax")
    with pytest.raises(Invalid, match="unknown delivery kinds"):
        store(sessions, keys, config=webhook_config(receiver), kinds=["carrier-pigeon"])


def test_storing_a_secret_needs_the_key(sessions, receiver):
    with pytest.raises(SecretKeyError, match="set HANDOFF_SECRET_KEY"):
        store(sessions, Keyring(None), config=webhook_config(receiver))
    store(sessions, Keyring(None), "quiet", {"use_rep_webhook": True}, integration="slack")


def test_stored_targets_replace_environment_ones_by_name(sessions, keys, receiver):
    environment = Targets([Target(n, "webhook", {}, ("lead",)) for n in ("bot", "crm")])
    store(sessions, keys, config=webhook_config(receiver), kinds=["nurture"])
    live = LiveTargets(environment, sessions, KEY, every=0)
    assert live.get("bot").kinds == ("nurture",) and live.get("bot").config["secret"] == SECRET
    assert live.get("crm") is not None
    with sessions() as session, writing(session):
        set_enabled(session, "bot", False, "tests", TUESDAY)
    assert live.get("bot") is None and [t.name for t in live.serving("lead", None)] == ["crm"]


def test_the_worker_delivers_to_a_stored_target_added_while_it_runs(
    sessions, clock, keys, receiver
):
    worker = Worker(sessions, LiveTargets(Targets([]), sessions, KEY, every=0), clock=clock)
    store(sessions, keys, config=webhook_config(receiver), kinds=["nurture"])
    delivered = add_nurtures(sessions, 2, clock())
    worker.run_until_idle()
    assert sorted(receiver.raw) == sorted(f"{k}:bot" for k in delivered)  # signatures verified
    with sessions() as session, writing(session):
        delete(session, "bot", "tests", clock())
    add_nurtures(sessions, 1, clock.advance(minutes=1))
    worker.run_until_idle()
    assert len(receiver.raw) == 2


def test_secrets_never_reach_the_logs(sessions, clock, keys, receiver, caplog):
    caplog.set_level(logging.DEBUG)
    store(sessions, keys, config=webhook_config(receiver), kinds=["nurture"])
    worker = Worker(sessions, LiveTargets(Targets([]), sessions, KEY, every=0), clock=clock)
    add_nurtures(sessions, 1, clock())
    receiver.status = 500
    worker.run_until_idle()
    receiver.status = 200
    clock.advance(hours=1)
    worker.run_until_idle()
    assert len(receiver.raw) == 1
    assert caplog.records and SECRET not in caplog.text and receiver.url not in caplog.text


def test_a_changed_key_keeps_the_last_good_targets_and_says_why(sessions, keys, receiver, caplog):
    store(sessions, keys, config=webhook_config(receiver))
    with pytest.raises(SecretKeyError, match="HANDOFF_SECRET_KEY"):
        LiveTargets(Targets([]), sessions, KEY + "-rotated")
    live = LiveTargets(Targets([]), sessions, KEY, every=0)
    live.keys = Keyring(KEY + "-rotated")
    with caplog.at_level(logging.ERROR, "handoff.targets"):
        assert live.get("bot") is not None
    assert "was the key changed" in caplog.text and SECRET not in caplog.text
