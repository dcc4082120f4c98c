"""The rendered content of leaders' pages is cached, and exact: the next write shows.

plans.caching.cached_part keys a page's content by the page, its query string, who is looking
(coordinators, leaders, or one person), the language, today and the data version. These tests
change one thing of each kind the pages show and check the very next request shows it, check
that nobody is served another scope's or language's content, and count a hit's queries (and
that they are prepared statements). Charts and figures rows are also kept by the data they
show (plans.caching.drawn), and every key carries a digest of the code.
"""

import datetime
import re

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from plans.caching import _key, code_version, drawn, page_version
from plans.dashboard import Figures
from plans.models import Indicator, IndicatorValue, ReformArea
from plans.services import close_period, ensure_periods
from solutions.models import Assignment
from solutions.services import extend_deadline, record_progress, verify_completion
from tests.factories import AssignmentFactory, ReformAreaFactory, TaskFactory

PAGES = ["dashboard", "period-report", "ranking", "task-list"]


@pytest.fixture
def scene(plan, today, task, assignment_a, assignment_b):
    area = task.area  # the task's own area, named for the test
    area.name = "Cải cách thể chế"
    area.save()
    ensure_periods(plan)
    return {"plan": plan, "area": area, "task": task, "year": plan.periods.get(kind="year")}


def url(scene, page: str) -> str:
    plan = scene["plan"].pk
    return {
        "dashboard": f"/?plan={plan}",
        "period-report": reverse("plans:period-report", args=[scene["year"].pk]),
        "ranking": f"/units/ranking/?plan={plan}",
        "task-list": f"/tasks/?plan={plan}",
    }[page]


def html(client, address: str) -> str:
    response = client.get(address)
    assert response.status_code == 200, address
    return response.content.decode()


def is_cached(client, address: str) -> bool:
    """Served from the cache: no template of the content was rendered for this response."""
    response = client.get(address)
    return "plan" not in response.context


@pytest.mark.parametrize("page", PAGES)
def test_the_second_request_is_served_from_the_cache(as_leader, scene, page):
    address = url(scene, page)
    html(as_leader, address)
    assert is_cached(as_leader, address)


@pytest.mark.parametrize("page", PAGES)
def test_a_cached_page_costs_three_queries(as_leader, scene, page):
    """The session, the person with their groups (who shares the entry; units.backends), and
    the data version."""
    address = url(scene, page)
    html(as_leader, address)
    html(as_leader, address)
    with CaptureQueriesContext(connection) as queries:
        assert as_leader.get(address).status_code == 200
    # (+1: the bell's unread COUNT, per response like the CSRF token.)
    assert len(queries) <= 4, [q["sql"][:120] for q in queries.captured_queries]


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.parametrize("page", PAGES)
def test_a_cached_page_runs_prepared_statements(as_leader, scene, page):
    """The hit's three statements are planned once per connection, not once per request
    (settings: server-side binding, prepare_threshold; reform_portal.sessions, units.backends)."""
    address = url(scene, page)
    for _ in range(3):
        html(as_leader, address)
    prepared = prepared_statements()
    for table in ("django_session", "auth_user_groups", "portal_data_version()"):
        assert any(table in statement for statement in prepared), (table, prepared)


@pytest.mark.parametrize("page", ["dashboard", "period-report", "task-list"])
def test_a_progress_report_shows_on_the_next_request(as_leader, scene, page, staff_a,
                                                     assignment_a):
    address = url(scene, page)
    before = html(as_leader, address)
    record_progress(assignment=assignment_a, user=staff_a, percent=100, note="Xong")
    assert not is_cached(as_leader, address)
    assert html(as_leader, address) != before


def chart(page_html: str, css_class: str) -> str:
    """One chart of a page: its figure, found by class."""
    start = page_html.index(f'<figure class="chart {css_class}"')
    return page_html[start:page_html.index("</figure>", start)]


def test_the_charts_are_redrawn_when_a_completion_is_verified(as_leader, scene, staff_a,
                                                             coordinator, assignment_a):
    """Charts are kept by the data they draw (plans.caching.drawn): a report below 100% leaves
    them as they were; a verified completion draws them again."""
    address = url(scene, "dashboard")
    before = html(as_leader, address)
    record_progress(assignment=assignment_a, user=staff_a, percent=40, note="Đang làm")
    after_report = html(as_leader, address)
    assert after_report != before  # the page itself was rendered again
    record_progress(assignment=assignment_a, user=staff_a, percent=100, note="Xong")
    verify_completion(assignment=assignment_a, user=coordinator)
    after_completion = html(as_leader, address)
    for css_class in ("chart--completion", "chart--areas"):
        assert chart(after_report, css_class) == chart(before, css_class)
        assert chart(after_completion, css_class) != chart(before, css_class)


def test_a_drawing_is_made_once_per_data_and_language():
    made = []

    def draw() -> str:
        made.append(1)
        return f"drawing {len(made)}"

    assert drawn("chart", ([1, 2], "p"), draw) == "drawing 1"
    assert drawn("chart", ([1, 2], "p"), draw) == "drawing 1"
    assert drawn("chart", ([1, 3], "p"), draw) == "drawing 2"
    with translation.override("en"):
        assert drawn("chart", ([1, 2], "p"), draw) == "drawing 3"
    assert drawn("other", ([1, 2], "p"), draw) == "drawing 4"


def test_a_figures_row_is_rendered_once_per_content(plan):
    """portal.figures_row: a row of a figures table is kept by what it shows."""
    rendered = []

    def count(sender, template, **kwargs):
        if template.name == "includes/_figures_row.html":
            rendered.append(template.name)

    page = Template("{% load portal %}{% figures_row plan row %}")
    row = Figures(total=3, on_time=1, overdue=2, label="Sở Nội vụ", filter={"unit": 5})
    template_rendered.connect(count)
    try:
        first = page.render(Context({"plan": plan, "row": row}))
        assert page.render(Context({"plan": plan, "row": row})) == first
        assert len(rendered) == 1
        moved = Figures(total=3, on_time=2, overdue=1, label="Sở Nội vụ", filter={"unit": 5})
        second = page.render(Context({"plan": plan, "row": moved}))
        assert len(rendered) == 2
    finally:
        template_rendered.disconnect(count)
    assert "Sở Nội vụ" in first and "status=overdue" in first
    assert second != first


def test_cache_keys_change_with_the_code(settings, tmp_path):
    """A cache shared by processes outlives a deploy: its keys carry a digest of the code,
    templates and translations (plans.caching.code_version)."""
    (tmp_path / "templates").mkdir()
    template = tmp_path / "templates" / "page.html"
    template.write_text("<p>{{ a }}</p>")
    settings.BASE_DIR = tmp_path
    try:
        code_version.cache_clear()
        first = code_version()
        assert first in _key("part", ())
        template.write_text("<p>{{ a }} {{ b }}</p>")
        code_version.cache_clear()
        assert code_version() != first
        assert code_version() in _key("part", ())
    finally:
        code_version.cache_clear()


def test_an_extension_shows_on_the_next_request(as_leader, scene, coordinator, assignment_a):
    address = url(scene, "dashboard")
    html(as_leader, address)
    assert is_cached(as_leader, address)
    extend_deadline(assignment=assignment_a, user=coordinator,
                    new_due_date=assignment_a.due_date + datetime.timedelta(days=30),
                    reason="Chờ hướng dẫn của Bộ", document="CV 12/SNV")
    assert not is_cached(as_leader, address)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page", ["dashboard", "period-report"])
def test_renaming_a_reform_area_shows_on_the_next_request(as_leader, scene, page):
    """Plan content is edited in place (admin): no history row, but the version moves. Each
    write commits here, as in production: the version reads the writing transaction's id, the
    same for every row written inside one test transaction."""
    address = url(scene, page)
    assert "Cải cách thể chế" in html(as_leader, address)
    ReformArea.objects.filter(pk=scene["area"].pk).update(name="Xây dựng chính quyền số")
    page_html = html(as_leader, address)
    assert "Xây dựng chính quyền số" in page_html
    assert "Cải cách thể chế" not in page_html


def test_deleting_plan_content_changes_the_version(rf, scene):
    unused = ReformAreaFactory(plan=scene["plan"], number=scene["area"].number + 1)
    request = rf.get("/")
    before = page_version(request)
    ReformArea.objects.filter(pk=unused.pk).delete()
    assert page_version(rf.get("/")) != before
    assert page_version(request) == before  # read once per request


def test_a_new_indicator_actual_shows_on_the_dashboard(as_leader, scene, coordinator):
    indicator = Indicator.objects.create(
        plan=scene["plan"], position=1, name="Hồ sơ giải quyết đúng hạn",
        comparison=Indicator.Comparison.AT_LEAST, target=95,
    )
    address = url(scene, "dashboard")
    before = html(as_leader, address)
    assert "Hồ sơ giải quyết đúng hạn" in before and "97,5" not in before
    IndicatorValue.objects.create(indicator=indicator, period=scene["year"], actual=97.5,
                                  entered_by=coordinator)
    assert "97,5" in html(as_leader, address)


def test_closing_a_period_shows_on_its_report(as_leader, scene, coordinator, today):
    year = scene["year"]
    year.start_date = today - datetime.timedelta(days=40)
    year.end_date = today - datetime.timedelta(days=1)
    year.save()
    address = url(scene, "period-report")
    assert "period-status--open" in html(as_leader, address)
    close_period(period=year, user=coordinator)
    assert "period-status--closed" in html(as_leader, address)


def test_staff_are_never_served_a_leaders_content(as_leader, as_staff_a, scene, unit_b):
    """A leader's cached dashboard lists every unit; unit A's staff see unit A's rows only."""
    address = url(scene, "dashboard")
    assert unit_b.name in html(as_leader, address)
    assert unit_b.name not in html(as_staff_a, address)


def test_a_leader_taken_out_of_the_group_loses_the_leaders_pages_at_once(
    as_leader, leader, scene, unit_b
):
    """The groups are read with the person on every request, never cached with the page."""
    address = url(scene, "dashboard")
    assert unit_b.name in html(as_leader, address)
    leader.groups.clear()
    assert unit_b.name not in html(as_leader, address)


def test_only_coordinators_get_the_coordinators_task_list(as_leader, as_coordinator, scene):
    """Leaders and coordinators see the same rows, but only coordinators may add tasks."""
    address = url(scene, "task-list")
    new_task = reverse("solutions:task-create")
    assert new_task in html(as_coordinator, address)
    assert new_task not in html(as_leader, address)
    assert new_task in html(as_coordinator, address)


def test_each_language_has_its_own_entry(as_leader, scene):
    address = url(scene, "dashboard")
    vietnamese = html(as_leader, address)
    assert "Quá hạn" in vietnamese
    as_leader.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = html(as_leader, address)
    assert "Overdue" in english and "Quá hạn" not in english


@pytest.mark.parametrize("page", PAGES)
def test_cached_content_holds_no_per_response_token(as_leader, as_coordinator, scene, page):
    """The page around the content carries the CSRF tokens (language and log-out forms) and
    nothing in the cached content does: another person's token would fail their POSTs."""
    address = url(scene, page)
    html(as_coordinator, address)
    cached = html(as_coordinator, address)
    assert cached.count('name="csrfmiddlewaretoken"') == 2
    assert "nonce" not in cached.split('<main id="main"')[1]


def test_tomorrow_is_a_new_entry(as_leader, scene, settings, monkeypatch, today):
    """Due soon and overdue are relative to today: the cache key has the date in it."""
    from django.utils import timezone

    address = url(scene, "dashboard")
    html(as_leader, address)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today + datetime.timedelta(days=1))
    assert not is_cached(as_leader, address)


def test_a_task_added_to_the_plan_shows_in_the_task_list(as_leader, scene, unit_a):
    address = url(scene, "task-list")
    html(as_leader, address)
    task = TaskFactory(plan=scene["plan"], title="Số hóa hồ sơ một cửa")
    AssignmentFactory(task=task, unit=unit_a, role=Assignment.Role.LEAD)
    assert "Số hóa hồ sơ một cửa" in html(as_leader, address)


def test_the_version_function_reads_the_tables_the_code_names(scene, staff_a, assignment_a):
    """Migration plans/0003 froze the tables of plans.caching into portal_data_version()."""
    from plans import caching

    record_progress(assignment=assignment_a, user=staff_a, percent=30, note="Đang làm")
    assert caching._read(caching.PAGE_VERSION_SQL) == caching.data_version()
    assert caching.data_version().count(".") == (
        len(caching.VERSION_SOURCES) + len(caching.EDITED_TABLES) - 1)


def test_a_shared_cached_page_carries_each_persons_own_name_and_token(as_leader, scene):
    """Two leaders share the cached dashboard; the top bar is filled for each response."""
    from django.test import Client

    from tests.conftest import _user
    from units.access import LEADERS_GROUP

    address = url(scene, "dashboard")
    html(as_leader, address)
    other = _user("leader2", groups=[LEADERS_GROUP], first_name="Minh", last_name="Trần Văn")
    client = Client(enforce_csrf_checks=True)
    client.force_login(other)
    response = client.get(address)
    assert "plan" not in response.context  # the first leader's cached page ...
    page = response.content.decode()
    assert "Trần Văn Minh" in page and "<!--tools" not in page and "<!--messages" not in page
    # ... with this person's CSRF token, which their next POST passes with.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    switched = client.post(reverse("set_language"),
                           {"language": "en", "next": address, "csrfmiddlewaretoken": token})
    assert switched.status_code == 302


def test_messages_show_on_a_cached_page(as_coordinator, scene):
    """Closing a period too early says why on the period report, itself a cached page."""
    address = url(scene, "period-report")
    html(as_coordinator, address)
    assert is_cached(as_coordinator, address)
    response = as_coordinator.post(reverse("plans:period-close", args=[scene["year"].pk]),
                                   {"confirm": "on"}, follow=True)
    assert "plan" not in response.context  # the cached report ...
    page = response.content.decode()
    assert page.count("message--error") == 1  # ... with this response's message
    assert scene["year"].end_date.strftime("%d/%m/%Y") in page.split("message--error")[1][:300]
    assert "message--error" not in html(as_coordinator, address)  # shown once
