"""The Integrations page: admin only, a form from the typed config, secrets kept and never shown."""

from __future__ import annotations

import pytest

from handoff.dashboard.audit import entries
from handoff.secrets import Cipher
from handoff.target_store import get_target
from outbox.support import SECRET

from .conftest import KEY


def form(csrf: str, url: str, secret: str = SECRET, **extra) -> dict:
    """The add form of a webhook target named bot."""
    return {
        "csrf": csrf,
        "integration": "webhook",
        "name": "bot",
        "kinds": ["lead", "nurture"],
        "teams": "sales, emea",
        "enabled": "true",
        "config.url": url,
        "config.secret": secret,
        "config.timeout": "5",
        "config.allow_private_networks": "true",
        **extra,
    }


def test_the_form_comes_from_the_typed_config(site):
    site.sign_in("admin")
    page = site.client.get("/integrations/new?integration=email").text
    assert 'name="config.password" value="" autocomplete="new-password"' in page
    assert 'type="password" name="config.password"' in page
    assert '<option value="starttls" selected>' in page and "[handoff]" in page
    assert 'name="config.host" value="" placeholder="" required' in page
    assert site.client.get("/integrations/new?integration=fax").status_code == 404


def test_add_edit_switch_and_delete_without_showing_the_secret(site, sessions, receiver):
    csrf = site.sign_in("admin")
    added = site.client.post("/integrations", data=form(csrf, receiver.url))
    assert added.status_code == 303, added.text
    pages = [site.client.get("/integrations").text, site.client.get("/integrations/bot/edit").text]
    for page in pages:
        assert SECRET not in page and receiver.url not in page
    assert "••••" + SECRET[-4:] in pages[0] and "sales, emea" in pages[1]
    edit = form(csrf, "", "", existing="1", **{"config.timeout": "9"})
    assert site.client.post("/integrations", data=edit).status_code == 303
    with sessions() as session:
        row = get_target(session, "bot")
    assert Cipher(KEY).decrypt(row.config["secret"]) == SECRET and row.config["timeout"] == 9
    assert Cipher(KEY).decrypt(row.config["url"]) == receiver.url and row.teams == ["sales", "emea"]
    site.client.post("/integrations/bot/enabled", data={"csrf": csrf})
    assert "Switch on" in site.client.get("/integrations").text
    assert site.client.post("/integrations/bot/delete", data={"csrf": csrf}).status_code == 303
    assert "No stored targets" in site.client.get("/integrations").text
    with sessions() as session:
        log = [(e.action, e.actor, e.details) for e in entries(session)][::-1]
    assert [a for a, _, _ in log if a.startswith("target_")] == [
        "target_saved", "target_saved", "target_disabled", "target_deleted",
    ]  # fmt: skip
    assert {who for a, who, _ in log if a.startswith("target_")} == {"admin@acme.example"}
    saved = [d for a, _, d in log if a == "target_saved"]
    assert saved[0]["changed"] == "created" and saved[1]["changed"] == "config.timeout"
    assert SECRET not in repr(log) and receiver.url not in repr(log)
    assert "Target saved" in site.client.get("/audit").text


def test_a_bad_form_is_shown_again_with_the_problem_and_no_secret(site, receiver):
    csrf = site.sign_in("admin")
    answer = site.client.post(
        "/integrations", data=form(csrf, receiver.url, **{"config.timeout": "soon"})
    )
    assert answer.status_code == 422 and "&#39;timeout&#39;" in answer.text
    assert SECRET not in answer.text and receiver.url not in answer.text
    site.client.post("/integrations", data=form(csrf, receiver.url))
    again = site.client.post("/integrations", data=form(csrf, receiver.url))
    assert again.status_code == 409 and "exists" in again.text


@pytest.mark.parametrize("role", ["manager", "rep"])
def test_managers_and_reps_are_refused(site, receiver, role):
    csrf = site.sign_in(role)
    assert site.client.get("/integrations").status_code == 403
    assert site.client.post("/integrations", data=form(csrf, receiver.url)).status_code == 403
    assert 'href="/integrations"' not in site.client.get("/team").text


def test_a_form_without_its_csrf_token_is_refused(site, receiver):
    site.sign_in("admin")
    data = form("forged", receiver.url)
    assert site.client.post("/integrations", data=data).status_code == 403
