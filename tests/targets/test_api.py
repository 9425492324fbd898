"""GET/PUT/DELETE /v1/integrations/targets: admin keys only, secrets never in an answer."""

from __future__ import annotations

from handoff.secrets import Cipher
from handoff.target_store import get_target
from outbox.support import SECRET

from .conftest import KEY, make_site, webhook_config

PATH = "/v1/integrations/targets"


def test_put_read_list_and_delete_never_show_a_secret(site, sessions, receiver):
    body = {"integration": "webhook", "config": webhook_config(receiver), "kinds": ["nurture"]}
    put = site.api("PUT", f"{PATH}/bot", json=body)
    assert put.status_code == 200, put.text
    answers = [put, site.api("GET", f"{PATH}/bot"), site.api("GET", PATH)]
    for answer in answers:
        assert SECRET not in answer.text and receiver.url not in answer.text
    shown = answers[1].json()
    assert shown["config"]["secret"] == "••••" + SECRET[-4:] and shown["kinds"] == ["nurture"]
    assert shown["secrets"] == ["url", "secret"] and shown["updated_by"] == "key t-admin"
    assert [t["name"] for t in answers[2].json()["targets"]] == ["bot"]
    assert site.api("DELETE", f"{PATH}/bot").json() == {"deleted": "bot"}
    assert site.api("GET", f"{PATH}/bot").status_code == 404


def test_put_without_the_secret_keeps_it(site, sessions, receiver):
    body = {"integration": "webhook", "config": webhook_config(receiver)}
    site.api("PUT", f"{PATH}/bot", json=body)
    edit = {"integration": "webhook", "config": {"allow_private_networks": True, "timeout": 3}}
    assert site.api("PUT", f"{PATH}/bot", json=edit).status_code == 200
    with sessions() as session:
        row = get_target(session, "bot")
    assert Cipher(KEY).decrypt(row.config["secret"]) == SECRET and row.config["timeout"] == 3


def test_an_unknown_key_is_refused_by_name(site):
    body = {"integration": "webhook", "config": {"url": "https://x.example", "secrett": SECRET}}
    answer = site.api("PUT", f"{PATH}/bot", json=body)
    assert answer.status_code == 422 and "unknown key 'secrett'" in answer.text
    assert SECRET not in answer.text


def test_a_read_key_is_refused(site):
    assert site.api("GET", PATH, scope="read").status_code == 403
    assert site.api("PUT", f"{PATH}/bot", scope="read", json={}).status_code == 403


def test_without_a_secret_key_storing_a_secret_is_refused_clearly(engine, sessions, receiver):
    for site in make_site(engine, sessions, secret_key=None):
        body = {"integration": "webhook", "config": webhook_config(receiver)}
        answer = site.api("PUT", f"{PATH}/bot", json=body)
        assert answer.status_code == 503 and answer.json()["error"]["code"] == "secret_key"
        assert "set HANDOFF_SECRET_KEY" in answer.json()["error"]["message"]
