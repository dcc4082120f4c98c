"""A staff member's bell after a coordinator returns a report, in real Chromium (demo data)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from notifications import feed
from solutions.models import Assignment
from solutions.services import record_progress
from units.models import Membership

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _shots(page, name: str) -> None:
    """Screenshots at 1366 and 390 px; at 390 px nothing may scroll sideways."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(50)
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        wide = page.evaluate(
            "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect()"
            ".right > window.innerWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className"
            " + ' ' + Math.round(e.getBoundingClientRect().right))")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px: {wide}"
    page.set_viewport_size({"width": 1366, "height": 900})


def _bell_count(page) -> int:
    return int(page.locator(".bell__count").inner_text())


def test_a_staff_members_bell_after_a_coordinator_returns_a_report(
        demo, live_server, page, login, browser):
    vinh = Membership.objects.filter(user__username="staff.vinh").first().user
    assignment = (Assignment.objects.filter(unit__memberships__user=vinh,
                                            completed_on__isnull=True,
                                            pending_entry__isnull=True,
                                            task__plan__status="active")
                  .order_by("pk").first())
    record_progress(assignment=assignment, user=vinh, percent=100,
                    note="Đã ban hành quyết định, gửi kèm bản scan.")

    # The coordinator returns it with a reason, in the browser.
    login("coordinator")
    page.goto(f"{live_server.url}{assignment.get_absolute_url()}")
    page.fill("#return textarea[name=reason]", "Bản scan thiếu trang 2, đề nghị bổ sung.")
    page.click("#return button[type=submit]")
    expect(page.locator("#conversation")).to_contain_text("Bản scan thiếu trang 2")
    page.context.clear_cookies()

    feed.process_events()  # what the schedule does every minute under `make run`

    staff = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900})
    staff_page = staff.new_page()
    staff_page.set_default_timeout(5000)
    staff_page.goto(f"{live_server.url}/accounts/login/")
    staff_page.fill("input[name=username]", "staff.vinh")
    staff_page.fill("input[name=password]", "demo-pass-2024")
    staff_page.click("main button[type=submit]")
    bell = staff_page.locator("a.bell")
    expect(bell).to_have_class(re.compile("bell--unread"))
    unread = _bell_count(staff_page)
    assert unread >= 2  # the demo's notices and the return

    bell.click()
    expect(staff_page).to_have_url(re.compile(r"/notifications/$"))
    first = staff_page.locator(".notice-item", has_text="Báo cáo bị trả lại").first
    expect(first).to_be_visible()
    expect(first).to_contain_text("Bản scan thiếu trang 2")
    _shots(staff_page, "notifications-list")

    # Mark one read with its own form (no JavaScript): the count goes down by one.
    first.locator("button[type=submit]").click()
    assert _bell_count(staff_page) == unread - 1

    # The notice leads to the assignment, whose conversation opens with the reason.
    staff_page.locator(".notice-item a", has_text="Báo cáo bị trả lại").first.click()
    conversation = staff_page.locator("#conversation")
    expect(conversation).to_contain_text("Bản scan thiếu trang 2")
    staff_page.fill("#conversation textarea[name=body]", "Đơn vị đã bổ sung trang 2.")
    staff_page.click("#conversation button[type=submit]")
    expect(conversation.locator(".timeline li")).to_have_count(
        assignment.comments.count())
    expect(conversation).to_contain_text("Đơn vị đã bổ sung trang 2.")
    staff_page.locator("#conversation").scroll_into_view_if_needed()
    _shots(staff_page, "assignment-conversation")

    staff_page.goto(f"{live_server.url}/notifications/")
    staff_page.click("text=Đánh dấu tất cả đã đọc")
    assert _bell_count(staff_page) == 0
    expect(staff_page.locator("a.bell")).not_to_have_class(re.compile("bell--unread"))

    staff_page.goto(f"{live_server.url}/notifications/preferences/")
    staff_page.fill("input[name=email]", "không-hợp-lệ")
    staff_page.click("main button[type=submit]")
    expect(staff_page.locator(".field--error")).to_have_count(1)
    _shots(staff_page, "notification-preferences")
    staff.close()

    # The coordinator: the bell (the unit's answer), the delivery log of the demo's mail.
    login("coordinator")
    assert _bell_count(page) >= 1
    page.goto(f"{live_server.url}/notifications/deliveries/")
    expect(page.locator("table.list tbody tr").first).to_be_visible()
    _shots(page, "delivery-log")
    page.goto(f"{live_server.url}/")
    expect(page.locator("#compliance")).to_be_visible()
    page.locator("#compliance").scroll_into_view_if_needed()
    _shots(page, "dashboard-compliance")
