"""A coordinator starts next year's plan in a real browser; the new pages at 1366 and 390 px."""

import pytest
from playwright.sync_api import expect

from plans.models import Plan
from solutions.models import Solution
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_coordinator_copies_a_plan_with_its_tasks(demo, live_server, page, login):
    login("coordinator")
    current = Plan.objects.current()
    page.goto(f"{live_server.url}/plans/new/")
    year = page.input_value("input[name=year]")
    page.check("input[name=with_tasks]")
    page.click("form:has(input[name=action][value=preview]) button[type=submit]")
    expect(page.locator("#preview")).to_be_visible()
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert no_sideways_scroll(page), f"/plans/new/ scrolls sideways at {width}"
        screenshot(page, f"plan-create-preview-{width}")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.click("#preview button[type=submit]")
    page.wait_for_load_state()
    plan = Plan.objects.get(year=int(year), status=Plan.Status.DRAFT)
    assert Solution.objects.filter(plan=plan).count() == Solution.objects.filter(
        plan=current).count()
    expect(page.locator("select#plan-picker")).to_be_visible()
    screenshot(page, "task-list-new-plan-1366")


def test_period_report_and_csrf_page_at_both_widths(demo, live_server, page, login):
    login("leader")
    period = Plan.objects.current().periods.order_by("-end_date").first()
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/periods/{period.pk}/")
        assert no_sideways_scroll(page), f"the period report scrolls sideways at {width}"
        screenshot(page, f"period-report-{width}")
    # The CSRF page: a form posted with a token no longer valid.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.context.clear_cookies()
    page.fill("input[name=username]", "leader")
    page.fill("input[name=password]", "x")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Biểu mẫu đã hết hiệu lực")
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert no_sideways_scroll(page)
        screenshot(page, f"csrf-failure-{width}")
