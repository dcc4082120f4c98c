"""The figures cache (insight/cache.py) is exact: the next request after a write shows it.

Figures are kept under the data version, read on every request; these tests change one thing of
each kind the pages show and check the very next request shows it, that nobody is served another
scope's figures, and that one write costs one recompute (the cache is shared, not per process).
"""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from insight import dashboard
from insight.services import close_period
from plans.models import Indicator, IndicatorValue, ReformArea
from plans.services import ensure_periods
from solutions.models import Assignment
from solutions.services import extend_deadline, record_progress, reminder_send
from tests.factories import AssignmentFactory, TaskFactory


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
        "period-report": reverse("insight:period-report", args=[scene["year"].pk]),
        "ranking": f"/units/ranking/?plan={plan}",
        "heatmap": f"/units/heatmap/?plan={plan}",
        "task-list": f"/tasks/?plan={plan}",
    }[page]


def html(client, address: str) -> str:
    response = client.get(address)
    assert response.status_code == 200, address
    return response.content.decode()


@pytest.fixture
def computations(monkeypatch):
    """How many times the dashboard's figures were computed."""
    calls = []
    original = dashboard._aggregates

    def counting(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(dashboard, "_aggregates", counting)
    return calls


def test_the_default_cache_is_shared_by_every_worker():
    """The database's cache: one write costs one recompute, whichever worker serves next."""
    assert settings.CACHES["default"]["BACKEND"] == (
        "django.core.cache.backends.db.DatabaseCache"
    )


def test_figures_are_computed_once_per_write(as_leader, as_coordinator, scene, computations,
                                             staff_a, assignment_a):
    address = url(scene, "dashboard")
    html(as_leader, address)
    html(as_coordinator, address)  # leaders and coordinators share one entry
    html(as_leader, address)
    assert len(computations) == 1
    record_progress(assignment=assignment_a, user=staff_a, percent=40, note="Đang làm")
    html(as_leader, address)
    html(as_coordinator, address)
    assert len(computations) == 2


@pytest.mark.parametrize("page", ["dashboard", "period-report", "task-list", "ranking",
                                  "heatmap"])
def test_a_progress_report_shows_on_the_next_request(as_leader, scene, page, staff_a,
                                                     assignment_a):
    address = url(scene, page)
    before = html(as_leader, address)
    record_progress(assignment=assignment_a, user=staff_a, percent=100, note="Xong")
    assert html(as_leader, address) != before


def test_an_extension_shows_on_the_next_request(as_leader, scene, coordinator, assignment_a,
                                                computations):
    address = url(scene, "dashboard")
    html(as_leader, address)
    extend_deadline(assignment=assignment_a, user=coordinator,
                    new_due_date=assignment_a.due_date + datetime.timedelta(days=30),
                    reason="Chờ hướng dẫn của Bộ", document="CV 12/SNV")
    html(as_leader, address)
    assert len(computations) == 2


@pytest.mark.parametrize("page", ["dashboard", "period-report"])
def test_renaming_a_reform_area_shows_on_the_next_request(as_leader, scene, page):
    """Labels are read with the page, never kept with the figures."""
    address = url(scene, page)
    assert "Cải cách thể chế" in html(as_leader, address)
    ReformArea.objects.filter(pk=scene["area"].pk).update(name="Xây dựng chính quyền số")
    page_html = html(as_leader, address)
    assert "Xây dựng chính quyền số" in page_html
    assert "Cải cách thể chế" not in page_html


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


def test_staff_are_never_served_a_leaders_figures(as_leader, as_staff_a, scene, unit_b):
    """A leader's dashboard lists every unit; unit A's staff see unit A's rows only."""
    address = url(scene, "dashboard")
    assert unit_b.name in html(as_leader, address)
    assert unit_b.name not in html(as_staff_a, address)


def test_a_leader_taken_out_of_the_group_loses_the_leaders_figures_at_once(
    as_leader, leader, scene, unit_b
):
    """The groups are read with the person on every request, never cached."""
    address = url(scene, "dashboard")
    assert unit_b.name in html(as_leader, address)
    leader.groups.clear()
    assert unit_b.name not in html(as_leader, address)


def test_each_language_reads_its_own_words(as_leader, scene):
    address = url(scene, "dashboard")
    vietnamese = html(as_leader, address)
    assert "Quá hạn" in vietnamese
    as_leader.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = html(as_leader, address)
    assert "Overdue" in english and "Quá hạn" not in english


def test_tomorrow_is_a_new_entry(as_leader, scene, monkeypatch, today, computations):
    """Due soon and overdue are relative to today: the cache key has the date in it."""
    from django.utils import timezone

    address = url(scene, "dashboard")
    html(as_leader, address)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today + datetime.timedelta(days=1))
    html(as_leader, address)
    assert len(computations) == 2


def test_a_task_added_to_the_plan_shows_in_the_task_list(as_leader, scene, unit_a):
    address = url(scene, "task-list")
    html(as_leader, address)
    task = TaskFactory(plan=scene["plan"], title="Số hóa hồ sơ một cửa")
    AssignmentFactory(task=task, unit=unit_a, role=Assignment.Role.LEAD)
    assert "Số hóa hồ sơ một cửa" in html(as_leader, address)


def test_reporting_compliance_is_kept_with_the_figures(as_leader, scene, coordinator, staff_a,
                                                       assignment_a, monkeypatch):
    """The dashboard's compliance is an aggregate over every open assignment: computed once
    per data version, and exact on the next request after a report or a reminder."""
    from insight import views

    calls = []
    original = views.reporting_compliance_for
    monkeypatch.setattr(views, "reporting_compliance_for",
                        lambda *a, **k: calls.append(a) or original(*a, **k))
    address = url(scene, "dashboard")
    first = as_leader.get(address).context["compliance"]
    assert as_leader.get(address).context["compliance"] == first
    assert len(calls) == 1
    record_progress(assignment=assignment_a, user=staff_a, percent=30, note="Đang làm")
    after_report = as_leader.get(address).context["compliance"]
    assert after_report["reported"] == first["reported"] + 1
    reminder_send(assignment=scene["task"].assignments.exclude(pk=assignment_a.pk).first(),
                  user=coordinator)
    after_reminder = as_leader.get(address).context["compliance"]
    assert after_reminder["silent_count"] == after_report["silent_count"] + 1
    assert len(calls) == 3


@pytest.mark.parametrize("page", ["ranking", "heatmap"])
def test_the_ranking_and_the_heatmap_are_computed_once_per_version(
        as_leader, scene, page, staff_a, assignment_a, monkeypatch):
    from insight import scorecards

    calls = []
    name = {"ranking": "ranking", "heatmap": "area_heatmap"}[page]
    original = getattr(scorecards, name)
    monkeypatch.setattr(scorecards, name, lambda *a, **k: calls.append(a) or original(*a, **k))
    address = url(scene, page)
    html(as_leader, address)
    html(as_leader, address)
    computed = len(calls)
    assert computed >= 1
    record_progress(assignment=assignment_a, user=staff_a, percent=100, note="Xong")
    html(as_leader, address)
    assert len(calls) == 2 * computed
