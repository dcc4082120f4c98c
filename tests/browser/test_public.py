"""The public page in a real browser: axe-core finds no violation (any impact) in Vietnamese
and English, no sideways scroll at 390 px, screenshots at 1366 and 390 px."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from publication.models import PublishedPeriod

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def page(page):
    # axe and full-page screenshots of long pages take seconds on a busy 2-core machine.
    page.set_default_timeout(15000)
    return page


def violations(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
            for v in results.response["violations"]]


def _shoot(page, name: str, width: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5000


def test_public_pages_pass_axe_in_both_languages(demo, live_server, page):
    published = PublishedPeriod.objects.select_related("period").order_by("period__end_date")
    assert published.count() >= 1, "the demo publishes a closed period"
    period = published.last().period
    paths = {"public": "/cong-khai/", "public-period": f"/cong-khai/ky-bao-cao/{period.pk}/",
             "public-data": "/cong-khai/du-lieu/"}
    found = {}
    for language in ("vi", "en"):
        page.context.add_cookies([{"name": "django_language", "value": language,
                                   "url": live_server.url}])
        for name, path in paths.items():
            page.set_viewport_size({"width": 1366, "height": 900})
            page.goto(f"{live_server.url}{path}")
            assert page.locator("html").get_attribute("lang") == language
            if problems := violations(page):
                found[f"{language} {path}"] = problems
            if language == "vi":
                _shoot(page, name, 1366)
            page.set_viewport_size({"width": 390, "height": 844})
            page.goto(f"{live_server.url}{path}")
            wide = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            assert wide, f"{path} scrolls sideways at 390 px ({language})"
            if problems := violations(page):
                found[f"{language} {path} 390px"] = problems
            if language == "vi":
                _shoot(page, name, 390)
                if name == "public-period":  # the task lists as a phone shows them
                    page.locator(".pubtasks").screenshot(
                        path=str(SCREENSHOTS / "public-period-tasks-390.png"))
    assert found == {}


def test_public_page_reads_in_print_and_in_english(demo, live_server, page):
    page.context.add_cookies([{"name": "django_language", "value": "en",
                               "url": live_server.url}])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/cong-khai/")
    assert page.get_by_role("heading", name="Administrative reform plan: published progress")
    _shoot(page, "public-en", 390)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.emulate_media(media="print")
    page.goto(f"{live_server.url}/cong-khai/")
    # The language switcher and the links to the open data are for the screen, not the paper.
    assert not page.locator(".langswitch").is_visible()
    assert page.locator("h1").is_visible()
    _shoot(page, "public-print", 1366)


def test_official_report_page_for_coordinators(demo, live_server, page, login):
    period = PublishedPeriod.objects.order_by("period__end_date").first().period
    login("coordinator")
    page.goto(f"{live_server.url}/periods/{period.pk}/official/")
    assert page.locator("a[href$='.docx']").count() >= 1
    assert violations(page) == []
    _shoot(page, "official-report", 1366)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _shoot(page, "official-report", 390)
    page.goto(f"{live_server.url}/cong-khai/quan-ly/")
    assert violations(page) == []
    _shoot(page, "publication", 390)


ROLES_SEEING_REPORT_LINKS = [
    ("coordinator", True), ("leader", True), ("staff.tuphap", False), ("head.tuphap", False),
]


def test_period_page_shows_the_report_links_by_role(demo, live_server, page, login):
    """The official report's links only for those its views let in; no sideways scroll. One
    demo for the four people (each signs in on a fresh set of cookies)."""
    period = PublishedPeriod.objects.order_by("period__end_date").last().period
    for username, sees in ROLES_SEEING_REPORT_LINKS:
        page.context.clear_cookies()
        page.set_viewport_size({"width": 1366, "height": 768})
        _period_page_for(page, login, live_server, period, username, sees)


def _period_page_for(page, login, live_server, period, username: str, sees: bool) -> None:
    login(username)
    page.goto(f"{live_server.url}/periods/{period.pk}/")
    links = page.locator(".period-actions a[href*='/official/']")
    assert (links.count() > 0) == sees, username
    if sees:
        assert page.locator(".period-actions a[href$='.docx']").count() == 1
        for href in [links.nth(i).get_attribute("href") for i in range(links.count())]:
            if not href.endswith(".pdf"):  # LibreOffice is tested once, elsewhere
                response = page.request.get(f"{live_server.url}{href}")
                assert response.status == 200, href
    _shoot(page, f"period-{username}", 1366)
    page.screenshot(path=str(SCREENSHOTS / f"period-{username}-1366-top.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _shoot(page, f"period-{username}", 390)
    # The first screen as a phone shows it (the full page is too tall to read as one image).
    page.locator(".period-actions").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"period-{username}-390-actions.png"))
