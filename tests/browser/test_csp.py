"""The Content Security Policy in a real browser: no violation on the portal's pages and the admin.

Chromium reports each violation twice: a console error ("Refused to ... because it violates the
following Content Security Policy directive") and a `securitypolicyviolation` event, which an
init script (run by Playwright outside the page's CSP) turns into a console error as well.
"""

import re

import pytest
from playwright.sync_api import expect

from solutions.models import Assignment
from tests.browser.conftest import screenshot
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def violations(page):
    found = []

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or text.startswith("CSP violation"):
            found.append(f"{page.url}: {text}")

    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", on_console)
    page.on("pageerror", lambda error: found.append(f"{page.url}: page error {error}"))
    return found


def visit(page, url: str, violations: list[str]) -> None:
    response = page.goto(url, wait_until="load")
    assert response.status == 200, f"{url}: {response.status}"
    policy = response.headers.get("content-security-policy", "")  # Playwright: lower-case names
    assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy, url
    page.wait_for_timeout(200)  # late reports (stylesheets, deferred scripts)
    assert violations == [], violations


def test_no_csp_violation_on_the_portal_and_the_admin(demo, live_server, page, login, violations):
    base = live_server.url
    visit(page, f"{base}/accounts/login/", violations)
    login("admin")
    expect(page.locator("nav.mainnav")).to_be_visible()

    visit(page, f"{base}/", violations)
    expect(page.locator("main h1").first).to_be_visible()
    screenshot(page, "csp-dashboard")

    assignment = (
        Assignment.objects.filter(task__plan__status="active", completed_on__isnull=True)
        .order_by("pk")
        .first()
    )
    visit(page, f"{base}/assignments/{assignment.pk}/", violations)
    expect(page.locator("form input[name=percent]")).to_be_visible()

    visit(page, f"{base}/admin/solutions/task/add/", violations)
    expect(page.locator("form#task_form")).to_be_visible()
    screenshot(page, "csp-admin-task-add")

    # A change form with inlines and admin widgets runs the most admin JavaScript.
    visit(page, f"{base}/admin/solutions/task/{assignment.task_id}/change/", violations)
    expect(page.locator("form#task_form")).to_be_visible()


def test_the_policy_really_blocks_an_inline_script(transactional_db, live_server, page, violations):
    # The control for the test above: the detector sees a violation, and the browser obeys.
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        """() => {
          const s = document.createElement("script");
          s.textContent = "window.__inline_ran = true";
          document.head.appendChild(s);
        }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.__inline_ran") is None
    assert any("script-src" in v for v in violations), violations


def test_the_lockout_page_is_clear_and_clean(transactional_db, live_server, page, violations):
    UserFactory(username="staff.vinh")
    page.goto(f"{live_server.url}/accounts/login/")
    for _ in range(5):
        page.fill("input[name=username]", "staff.vinh")
        page.fill("input[name=password]", "not-the-password")
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        if page.locator("input[name=password]").count() == 0:
            break
    heading = page.locator("main h1")
    expect(heading).to_have_text("Đăng nhập sai quá nhiều lần")
    expect(page.locator("main [role=alert]")).to_contain_text("15 phút")
    expect(page.locator("main a[href='/accounts/login/']")).to_be_visible()
    assert re.search(r"Tạm khóa đăng nhập", page.title())
    screenshot(page, "lockout-page")
    assert violations == [], violations
