"""The Users page in Debian's headless Chromium: an admin disables a signed-in manager.

The manager's open page is sent to sign-in on its next click, and cannot sign in again
until the admin enables them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import CHROMIUM, PASSWORD, USERS, Site
from .test_browser import open_as

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make test installs it)"
)


def sign_in_again(page, site: Site, email: str) -> None:
    """Fill and send the sign-in form on `page`."""
    page.goto(f"{site.url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_an_admin_disables_a_signed_in_manager(browser, site):
    manager_email = USERS["manager"][0]
    manager = open_as(browser, site, "manager")
    manager.goto(f"{site.url}/inbox")
    assert manager.get_by_role("heading", name="Inbox").is_visible()

    admin = open_as(browser, site, "admin")
    admin.goto(f"{site.url}/users")
    row = admin.locator("tr", has_text=manager_email)
    assert row.get_by_text("active").is_visible()
    row.get_by_role("button", name=f"Disable {manager_email}").click()
    admin.wait_for_load_state()
    row = admin.locator("tr", has_text=manager_email)
    assert row.get_by_text("disabled").is_visible()
    assert row.get_by_role("button", name=f"Enable {manager_email}").is_visible()
    own = admin.locator("tr", has_text=USERS["admin"][0])
    assert own.get_by_role("button", name=f"Disable {USERS['admin'][0]}").count() == 0

    manager.get_by_role("link", name="Team", exact=True).click()
    manager.wait_for_load_state()
    assert "/login" in manager.url
    sign_in_again(manager, site, manager_email)
    assert manager.get_by_text("Wrong email or password.").is_visible()

    admin.goto(f"{site.url}/audit?action=user_disabled")
    assert admin.locator("td", has_text=manager_email).first.is_visible()
    admin.goto(f"{site.url}/users")
    admin.locator("tr", has_text=manager_email).get_by_role(
        "button", name=f"Enable {manager_email}"
    ).click()
    admin.wait_for_load_state()
    sign_in_again(manager, site, manager_email)
    assert manager.url == f"{site.url}/"
    assert not manager.dialogs and not admin.dialogs
