"""A unit's staff member reports progress in a real browser; the leader sees it at once."""

import re

import pytest
from playwright.sync_api import expect

from solutions.models import Assignment, ProgressEntry
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def test_staff_reports_progress_with_evidence(demo, live_server, page, login, browser):
    login("staff.vinh")
    page.goto(f"{live_server.url}/my/")
    groups = page.locator("section.group")
    expect(groups.first).to_have_class(re.compile(r"group--0"))  # overdue comes first
    screenshot(page, "staff-my-assignments")

    page.locator("section.group--0 a.workitem__title").first.click()
    expect(page.locator("form input[name=percent]")).to_be_visible()
    url = page.url
    pk = int(re.search(r"/assignments/(\d+)/", url).group(1))
    before = ProgressEntry.objects.filter(assignment_id=pk).count()

    # Bad input first: the form comes back with a message and nothing is stored.
    page.fill("input[name=percent]", "101")
    page.fill("textarea[name=note]", "Thử nhập sai")
    page.click("#report button[type=submit]")
    expect(page.locator(".field--error")).to_have_count(1)
    expect(page.locator(".field__errors")).to_contain_text("100")
    assert ProgressEntry.objects.filter(assignment_id=pk).count() == before

    page.fill("input[name=percent]", "60")
    page.fill("textarea[name=note]", "Đã trình dự thảo quyết định, đang lấy ý kiến các phòng.")
    page.set_input_files(
        "input[name=evidence]",
        files=[{"name": "bao-cao-tien-do.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.click("#report button[type=submit]")
    expect(page.locator(".message--success")).to_be_visible()
    history = page.locator("#history .timeline li").first
    expect(history).to_contain_text("60%")
    expect(history).to_contain_text("Đã trình dự thảo quyết định")
    expect(history.locator("a.file")).to_contain_text("bao-cao-tien-do.pdf")
    screenshot(page, "staff-assignment-after-report")

    assignment = Assignment.objects.get(pk=pk)
    assert assignment.latest_percent == 60
    assert ProgressEntry.objects.filter(assignment_id=pk).count() == before + 1

    # The leader's dashboard reflects the report at once: the unit's figures link to it.
    leader = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900})
    leader_page = leader.new_page()
    leader_page.set_default_timeout(5000)
    leader_page.goto(f"{live_server.url}/accounts/login/")
    leader_page.fill("input[name=username]", "leader")
    leader_page.fill("input[name=password]", "demo-pass-2024")
    leader_page.click("main button[type=submit]")
    leader_page.goto(f"{live_server.url}/assignments/{pk}/")
    expect(leader_page.locator(".bignum")).to_have_text("60%")
    expect(leader_page.locator("#report form")).to_have_count(0)  # leaders read, never write
    leader.close()


def test_staff_on_a_phone(demo, live_server, page, login):
    page.set_viewport_size({"width": 390, "height": 844})
    login("staff.tuphap")
    page.goto(f"{live_server.url}/my/")
    expect(page.locator("section.group").first).to_be_visible()
    # Nothing wider than the screen: no horizontal scrolling of the page itself.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    screenshot(page, "staff-my-assignments-phone")
