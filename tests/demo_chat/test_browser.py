"""In Chromium: the visitor chats -> the handoff reaches the rep's inbox -> the rep replies ->
the visitor sees the reply; markup typed on either side shows as text on both.

The server, browser and sign-in helpers are the dashboard's browser tests'.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.conftest import CHROMIUM, Store, browser  # noqa: F401
from dashboard.test_browser import open_as
from handoff.db.handoffs import handoff_of
from support import serving

from .conftest import demo_app

HOSTILE = "<img src=x onerror=\"window.pwned=1;alert('visitor')\"> Can I talk to someone?"
REPLY = "Hi, Jane here <script>window.pwned=2</script><b>bold</b>"
INJECTED = "main script, main img, main [onerror], main b"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")


class DemoSite:
    """The running server in demo mode."""

    def __init__(self, url: str, store: Store):
        self.url, self.store = url, store


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[DemoSite]:
    """uvicorn serving the demo app on a free loopback port (as the dashboard's tests do)."""
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'handoff.db'}")
    with serving(demo_app(store)) as url:
        yield DemoSite(url, store)


def test_visitor_to_inbox_to_reply_and_back(browser, site):  # noqa: F811
    visitor = browser.new_context().new_page()
    dialogs: list[str] = []
    visitor.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    visitor.goto(f"{site.url}/demo/chat")
    log = visitor.locator("#chat-log")
    log.locator("li.bot").first.wait_for()
    visitor.get_by_label("You are on").select_option("/enterprise")
    visitor.get_by_label("Your message").fill("We need SSO for about 2,000 people.")
    visitor.get_by_role("button", name="Send").click()
    log.locator("li.bot").nth(1).wait_for()
    assert "budget" in log.locator("li.bot").nth(1).inner_text().lower()
    assert visitor.locator("#decision-action").inner_text() == "qualify"
    visitor.get_by_label("Your message").fill(HOSTILE)
    visitor.get_by_role("button", name="Send").click()
    visitor.locator("#handoff-state").get_by_text("offered to Jane Park").wait_for()
    assert log.locator("li.visitor").last.inner_text().endswith(HOSTILE)

    cid = visitor.evaluate("sessionStorage.getItem('handoff-demo-chat')")
    with site.store.sessions() as session:
        handoff_id = handoff_of(session, cid).id
    rep = open_as(browser, site, "rep")
    rep.goto(f"{site.url}/inbox")
    rep.locator(f'tr[data-handoff="{handoff_id}"]').wait_for(timeout=15_000)
    rep.goto(f"{site.url}/handoffs/{handoff_id}")
    assert HOSTILE in rep.locator(".transcript").inner_text()
    rep.get_by_label("Reply to the visitor").fill(REPLY)
    rep.get_by_role("button", name="Send reply").click()
    rep.wait_for_load_state()
    assert REPLY in rep.locator(".transcript").inner_text()

    agent = log.locator("li.agent")
    agent.wait_for(timeout=10_000)
    assert agent.locator(".who").inner_text() == "Jane Park"
    assert agent.locator(".text").inner_text() == REPLY
    for page in (visitor, rep):
        assert page.locator(INJECTED).count() == 0
        assert page.evaluate("window.pwned") is None
    assert dialogs == [] and rep.dialogs == []
