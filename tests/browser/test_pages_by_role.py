"""Every main page as its person meets it: at 1366 and 390 px wide, in Vietnamese and English.

Each page is opened by the role that uses it; none may scroll sideways on a phone
(`scrollWidth <= innerWidth`), the dashboard's first screen names who is behind, and the menu
folds on a phone. Screenshots go to var/screenshots/<page>-<language>-<width>.png, to look at.
"""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from plans.models import Plan
from solutions.models import Assignment, Task
from tests.browser.conftest import DEMO_PASSWORD
from units.models import Unit

pytestmark = pytest.mark.browser

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
WIDTHS = (1366, 390)
LANGUAGES = ("vi", "en")


# What sticks out past the right edge: the deepest elements, to name in the failure.
WIDEST = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 4).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def _pages(plan: Plan) -> list[tuple[str, str, str]]:
    """(name, role, path) of the README's pages, each for the person who uses it."""
    stp = Unit.objects.get(code="STP")
    # An open assignment: the page with its progress form, as staff meet it most days.
    mine = (Assignment.objects.filter(task__plan=plan, unit=stp, completed_on__isnull=True,
                                      pending_entry__isnull=True).order_by("pk").first())
    pending = (Assignment.objects.filter(task__plan=plan, pending_entry__isnull=False)
               .order_by("pk").first()) or mine
    task = Task.objects.filter(plan=plan).order_by("code").first()
    period = plan.periods.order_by("start_date").first()
    return [
        ("login", "", "/accounts/login/"),
        ("dashboard", "leader", "/"),
        ("my", "staff.tuphap", "/my/"),
        ("assignment-staff", "staff.tuphap", f"/assignments/{mine.pk}/"),
        ("assignment-coordinator", "coordinator", f"/assignments/{pending.pk}/"),
        ("task-list", "coordinator", "/tasks/"),
        ("task-detail", "coordinator", f"/tasks/{task.pk}/"),
        ("assignment-list", "leader", "/assignments/"),
        ("verification", "coordinator", "/verification/"),
        ("unit-list", "leader", "/units/"),
        ("unit-detail", "leader", f"/units/{stp.pk}/"),
        ("ranking", "leader", "/units/ranking/"),
        ("heatmap", "leader", "/units/heatmap/"),
        ("periods", "leader", f"/plans/{plan.pk}/periods/"),
        ("period-report", "leader", f"/periods/{period.pk}/"),
        ("indicators", "leader", f"/plans/{plan.pk}/indicators/"),
        ("import", "coordinator", f"/plans/{plan.pk}/import/"),
        ("glossary", "staff.tuphap", "/thuat-ngu/"),
    ]


def _logged_in(browser, live_server, role: str, language: str):
    context = browser.new_context(locale="vi-VN" if language == "vi" else "en-US",
                                  viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(10000)
    if role:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", role)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_load_state()
    return context, page


def test_every_main_page_fits_a_phone_in_both_languages(demo, live_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    plan = Plan.objects.current()
    pages = _pages(plan)
    sideways = []
    for language in LANGUAGES:
        for role in dict.fromkeys(role for _, role, _ in pages):
            context, page = _logged_in(browser, live_server, role, language)
            for name, page_role, path in pages:
                if page_role != role:
                    continue
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 768 if width > 400
                                            else 844})
                    response = page.goto(f"{live_server.url}{path}")
                    assert response.status == 200, (name, role, response.status)
                    expect(page.locator("html")).to_have_attribute("lang", language)
                    shot = SHOTS / f"{name}-{language}-{width}.png"
                    page.screenshot(path=str(shot), full_page=True)
                    assert shot.stat().st_size > 5000, shot
                    fits = page.evaluate(
                        "document.documentElement.scrollWidth <= window.innerWidth")
                    if not fits:
                        sideways.append((name, language, width, page.evaluate(WIDEST)))
            context.close()
    assert not sideways, f"pages that scroll sideways: {sideways}"


def test_dashboard_first_screen_and_the_folded_menu(demo, live_server, browser):
    context, page = _logged_in(browser, live_server, "leader", "vi")
    page.goto(f"{live_server.url}/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "dashboard-first-screen-vi-1366.png"))  # 1366x768 only
    # At 1366x768 the counts, the units most behind and the longest overdue are on screen.
    for selector in (".card--overdue", ".card--due_soon", "#worst-title", "#waited-title"):
        box = page.locator(selector).bounding_box()
        assert box and box["y"] + box["height"] <= 768, (selector, box)
    first = page.locator("#waited-title").locator("xpath=../..").locator(".callsheet li").first
    expect(first).to_contain_text("ngày")
    # The Vietnamese menu holds on one line at 1366 px.
    links = page.locator(".mainnav a")
    tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
    assert len(tops) == 1, tops
    expect(page.locator(".mainnav a[href='/my/']")).to_have_count(0)  # a leader has no unit

    # On a phone the menu is folded behind its label, and opens without JavaScript.
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.locator(".mainnav")).to_be_hidden()
    page.click(".navtoggle__label")
    expect(page.locator(".mainnav")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "menu-open-vi-390.png"))
    context.close()


def test_the_menu_never_runs_under_the_tools(demo, live_server, browser):
    """The longest menus (the admin's and the coordinator's), in both languages, at widths
    where the menu shows: no link overlaps the language switch, the bell or the person."""
    for role in ("admin", "coordinator"):
        for language in LANGUAGES:
            context, page = _logged_in(browser, live_server, role, language)
            for width in (1366, 1180):
                page.set_viewport_size({"width": width, "height": 768})
                page.goto(f"{live_server.url}/")
                tools = page.locator(".topbar__tools").bounding_box()
                links = page.locator(".mainnav a")
                assert links.count() >= 9, (role, links.count())
                for i in range(links.count()):
                    box = links.nth(i).bounding_box()
                    apart = (box["x"] + box["width"] <= tools["x"]
                             or box["y"] >= tools["y"] + tools["height"])
                    assert apart, (role, language, width, links.nth(i).inner_text(), box, tools)
                    assert box["x"] + box["width"] <= width, (role, language, width, box)
            context.close()


def test_staff_vinh_lands_on_my_assignments(demo, live_server, browser):
    context, page = _logged_in(browser, live_server, "staff.vinh", "vi")
    assert page.url == f"{live_server.url}/my/"
    context.close()
