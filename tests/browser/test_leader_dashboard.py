"""The leader's dashboard in a real browser: every class, and figures that lead to their lists."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

CLASSES = ["on_time", "late", "in_progress", "overdue", "due_soon", "stale"]


def test_leader_dashboard(demo, live_server, page, login):
    login("leader")
    page.goto(f"{live_server.url}/")
    for cls in CLASSES:
        value = page.locator(f".card--{cls} .card__value").inner_text()
        assert int(value) > 0, f"the demo shows no {cls}"
    expect(page.locator("table.figures")).to_have_count(3)  # by area, by solution, by unit
    screenshot(page, "leader-dashboard")

    overdue = int(page.locator(".card--overdue .card__value").inner_text())
    page.click(".card--overdue")
    expect(page.locator("h1")).to_be_visible()
    rows = page.locator("table.list tbody tr")
    assert rows.count() == min(overdue, 50)
    expect(rows.first.locator(".badge--overdue")).to_be_visible()
    screenshot(page, "leader-overdue-list")


def test_dashboard_in_english(demo, live_server, page, login):
    login("leader")
    page.click(".langswitch button[value=en]")
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".card--overdue .card__label")).to_have_text("Overdue")
    screenshot(page, "leader-dashboard-en", full_page=False)
