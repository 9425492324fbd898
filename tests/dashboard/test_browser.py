"""The dashboard in Debian's headless Chromium: sign in, rules, simulate, inbox, Why here, XSS.

One server (uvicorn on a free loopback port, a temp SQLite store) and one browser per module.
HANDOFF_SCREENSHOTS=1 also writes the screenshots to docs/screenshots/.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from .conftest import CHROMIUM, PASSWORD, POLICY, ROOT, USERS, Site, conversation

SHOTS = ROOT / "docs" / "screenshots"
XSS = [
    "<script>window.pwned=1;alert('script')</script>",
    "<img src=x onerror=\"window.pwned=2;alert('img')\">",
    "[click me](javascript:alert('link')) <a href=\"javascript:window.pwned=3\">link</a>",
    "<svg onload=\"window.pwned=4;alert('svg')\"><script>alert(5)</script></svg>",
    '"><iframe src=javascript:alert(6)></iframe> talk to a human please',
]

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make test installs it)"
)


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Where screenshots go (copied to docs/screenshots/ with HANDOFF_SCREENSHOTS=1)."""
    return tmp_path_factory.mktemp("screenshots")


def open_as(browser, site: Site, role: str, width: int = 1280, height: int = 900):
    """A new signed-in page for `role`, with every dialog recorded in page.dialogs."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{site.url}/login")
    page.get_by_label("Email").fill(USERS[role][0])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return page


def shoot(page, shots: Path, name: str) -> None:
    """Save a full-page screenshot (and to docs/screenshots/ when asked)."""
    path = shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("HANDOFF_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, SHOTS / path.name)


def test_sign_in_and_the_overview(browser, site, shots):
    _history(site)
    page = open_as(browser, site, "manager")
    assert page.url == f"{site.url}/"
    assert page.get_by_role("heading", name="Overview").is_visible()
    page.wait_for_function("document.querySelectorAll('canvas[data-chart]').length === 3")
    page.wait_for_function("[...document.querySelectorAll('canvas')].every(c => c.chart)")
    assert int(page.locator("#kpi-handoffs").inner_text()) >= 8
    shoot(page, shots, "overview")
    page.get_by_role("button", name="Sign out").click()
    assert "/login" in page.url


def test_publish_with_an_error_then_fix_and_publish(browser, site, shots):
    page = open_as(browser, site, "manager")
    page.goto(f"{site.url}/rules")
    editor = page.locator("#policy-source")
    broken = POLICY.replace("budget:    {gte: 50000}", "budgt:     {gte: 50000}", 1)
    line = POLICY[: POLICY.index("budget:    {gte: 50000}")].count("\n") + 1
    editor.fill(broken)
    page.locator("#problems").get_by_text(f"line {line}, column 7").wait_for()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state()
    assert page.locator("#problems").get_by_text("unknown criterion 'budgt'").is_visible()
    assert page.locator("#policy-source").input_value() == broken
    page.locator(f'[data-line="{line}"]').click()
    assert page.evaluate("document.activeElement.id") == "policy-source"
    page.locator("#policy-source").fill(POLICY.replace("weight: 30", "weight: 32", 1))
    page.get_by_text("The draft is valid").wait_for()
    page.get_by_label("Comment").fill("pricing page counts a little more")
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Published version 2.").wait_for()
    assert page.locator("#live-version").inner_text() == "2"


def test_simulate_a_past_conversation(browser, site, shots):
    page = open_as(browser, site, "manager")
    page.goto(f"{site.url}/rules")
    page.get_by_label("A past conversation").select_option("history-0")
    page.get_by_role("button", name="Simulate").click()
    page.locator("#simulated").wait_for()
    assert "Decision:" in page.locator("#simulated").inner_text()
    shoot(page, shots, "rules")


def test_a_handoff_arrives_is_accepted_and_closed(browser, site, shots):
    page = open_as(browser, site, "rep")
    assert page.url.endswith("/inbox")
    site.at(datetime.now(UTC))
    answer = site.post("arrives", conversation("enterprise-east-qualified"))
    handoff = answer["handoff"]
    assert handoff["rep"] == "jane"
    row = page.locator(f'tr[data-handoff="{handoff["id"]}"]')
    row.wait_for(timeout=15_000)
    assert page.dialogs == []
    shoot(page, shots, "inbox")
    row.get_by_role("button", name=f"Accept handoff {handoff['id']}").click()
    page.goto(f"{site.url}/handoffs/{handoff['id']}")
    assert page.locator("#status").inner_text() == "accepted"
    why = page.locator(".why-here")
    assert why.locator(".route-chosen").inner_text() == "enterprise-east"
    assert "skipped" in why.locator('[data-rep="omar"]').inner_text()
    assert why.locator(".rep-chosen").inner_text() == "jane"
    shoot(page, shots, "handoff")
    page.get_by_label("Outcome").select_option("won")
    page.get_by_role("button", name="Close").click()
    assert page.locator("#status").inner_text() == "closed"


def test_a_rep_is_refused_another_reps_handoff(browser, site):
    site.at(datetime.now(UTC))
    omars = site.post("for-omar", conversation("enterprise-east-qualified"))["handoff"]
    assert omars["rep"] == "omar"
    page = open_as(browser, site, "rep")
    response = page.goto(f"{site.url}/handoffs/{omars['id']}")
    assert response.status == 403
    assert page.get_by_role("alert").inner_text() == f"handoff {omars['id']} is not yours"


def test_visitor_html_renders_as_text_and_runs_nothing(browser, site, shots):
    site.at(datetime.now(UTC))
    events = [
        {
            "type": "source",
            "utm_campaign": "<script>alert('utm')</script>",
            "landing_page": "javascript:alert(1)",
        },
        {
            "type": "identify",
            "name": "<img src=x onerror=alert('name')>",
            "company": "<svg onload=alert(1)>",
        },
        {"type": "page_view", "url": "/pricing?q=<script>alert('page')</script>"},
        *({"type": "message", "role": "visitor", "text": text} for text in XSS),
        {"type": "note", "text": "<b onmouseover=alert('note')>bold</b>"},
    ]
    handoff = site.post("hostile", events)["handoff"]
    page = open_as(browser, site, "manager")
    for path in (
        f"/handoffs/{handoff['id']}",
        "/conversations/hostile",
        "/conversations",
        "/inbox?view=all",
    ):
        page.goto(site.url + path)
        page.wait_for_timeout(300)
        injected = page.locator(
            "main script, main img, main svg, main iframe, main [onerror], main [onload], main a[href^='javascript']"
        )
        assert injected.count() == 0, path
        assert page.evaluate("window.pwned") is None, path
    page.goto(f"{site.url}/handoffs/{handoff['id']}")
    text = page.locator(".transcript").inner_text()
    for payload in XSS:
        assert payload.split(" talk")[0] in text
    assert page.dialogs == []


def test_team_and_other_pages_at_desktop_and_phone_width(browser, site, shots):
    page = open_as(browser, site, "manager")
    for name in ("team", "conversations", "audit"):
        page.goto(f"{site.url}/{name}")
        shoot(page, shots, name)
    page.get_by_label("Kind").focus()
    assert page.evaluate("document.activeElement.name") == "action"
    site.at(datetime.now(UTC))
    assert site.post("phone", conversation("enterprise-east-qualified"))["handoff"]["rep"] == "jane"
    phone = open_as(browser, site, "rep", width=390, height=844)
    phone.goto(f"{site.url}/inbox")
    phone.locator("tr.handoff-row").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(phone, shots, "inbox-phone")
    phone.goto(f"{site.url}/team")
    phone.get_by_label("Availability of jane").select_option("away")
    phone.locator("#rep-jane").get_by_role("button", name="Set").click()
    phone.locator("#rep-jane option[value=away][selected]").wait_for(state="attached")
    assert phone.dialogs == [] and page.dialogs == []


def _history(site: Site) -> None:
    """Two weeks of handoffs, some accepted and closed, so the overview has something to chart."""
    names = [
        "smb-qualified",
        "emea-live",
        "asks-for-human",
        "strategic-deal",
        "nurture-later",
        "still-qualifying",
    ]
    today = datetime.now(UTC).replace(hour=15, minute=0, second=0, microsecond=0)
    client = httpx.Client(base_url=site.url)
    for i in range(14):
        name = names[i % len(names)]
        start = today - timedelta(days=13 - i)
        site.at(start)
        answer = site.post(f"history-{i}", conversation(name))
        handoff = answer.get("handoff")
        if handoff and handoff["rep"]:
            _act(client, site, handoff["id"], start + timedelta(minutes=3 + i), "accept", {})
            outcome = "won" if i % 3 else "lost"
            _act(
                client,
                site,
                handoff["id"],
                start + timedelta(hours=2),
                "close",
                {"outcome": outcome},
            )
    site.at(datetime.now(UTC))
    client.close()


def _act(
    client: httpx.Client, site: Site, handoff_id: int, when: datetime, what: str, body: dict
) -> None:
    site.at(when)
    headers = {"Authorization": f"Bearer {site.store.admin}"}
    client.post(f"/v1/handoffs/{handoff_id}/{what}", json=body, headers=headers).raise_for_status()
