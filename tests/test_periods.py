"""Reporting periods: default dates, the period report's figures, closing (freezing) a period,
who sees what, the dashboard as of a period's end, and query budgets.

The world below is built around one period that ended ten days ago (E): every assignment is in
a known class as of E, some are due outside the period, and some change after E. Two periods
share those dates: Q1 gets closed, H1 stays open, so the same edits must change H1's report and
leave Q1's frozen one alone. Dates are relative to today: nothing depends on the day the suite runs.
"""

import datetime
import json
import threading
import time

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from insight import reports
from insight.dashboard import dashboard as dashboard_figures
from plans.models import PeriodSnapshot, ReportingPeriod
from insight.services import close_period
from plans.services import ensure_periods
from solutions.models import Assignment
from solutions.services import extend_deadline, record_progress, verify_completion
from solutions.templatetags.portal import person
from tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    PlanFactory,
    ProgressEntryFactory,
    ReformAreaFactory,
    SolutionFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
)

CLASSES = ["on_time", "late", "in_progress", "overdue"]


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def at_noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def counts(row) -> dict:
    get = row.get if isinstance(row, dict) else (lambda k: getattr(row, k))
    return {key: get(key) for key in ("total", *CLASSES)}


# --- The world ----------------------------------------------------------------------------------


def build_world(*, plan, unit_a, unit_b, today, reporter) -> dict:
    """Assignments in every class as of the end E of two periods with the same dates."""
    end = today - days(10)
    start = today - days(90)
    q1 = ReportingPeriod.objects.create(plan=plan, kind="q1", start_date=start, end_date=end,
                                        report_due=end + days(6))
    h1 = ReportingPeriod.objects.create(plan=plan, kind="h1", start_date=start, end_date=end,
                                        report_due=end + days(6))
    area1 = ReformAreaFactory(plan=plan, number=1, name="Cải cách thể chế")
    area2 = ReformAreaFactory(plan=plan, number=2, name="Cải cách thủ tục hành chính")
    s1 = SolutionFactory(plan=plan, number=1, title="Phát huy vai trò của Ban Chỉ đạo")
    s2 = SolutionFactory(plan=plan, number=2, title="Đẩy mạnh chuyển đổi số")
    code = iter(range(1, 100))

    def make(unit, area, solution, due, role=Assignment.Role.LEAD, **fields):
        task = TaskFactory(plan=plan, area=area, solution=solution, due_date=due,
                           code=f"{area.number}.{next(code)}",
                           title=f"Nhiệm vụ hạn {due:%d/%m}" if due else "Nhiệm vụ thường xuyên")
        return AssignmentFactory(task=task, unit=unit, role=role, **fields)

    def done(on):
        return {"latest_percent": 100, "completed_on": on, "latest_report_at": at_noon(on)}

    w = {"q1": q1, "h1": h1, "start": start, "end": end, "areas": (area1, area2),
         "solutions": (s1, s2)}
    w["on_time"] = make(unit_a, area1, s1, end - days(20), **done(end - days(25)))
    w["late"] = make(unit_a, area1, s2, end - days(30), **done(end - days(5)))
    # Completed after the period's end: not done as of E, so overdue in the period's report.
    w["done_after_end"] = make(unit_a, area2, s1, end - days(15), **done(today - days(2)))
    ProgressEntryFactory(assignment=w["done_after_end"], percent=30, reported_by=reporter,
                         reported_at=at_noon(end - days(20)))
    ProgressEntryFactory(assignment=w["done_after_end"], percent=100, reported_by=reporter,
                         reported_at=at_noon(today - days(2)))
    # Due on the last day: not late yet as of that day.
    w["due_on_end"] = make(unit_b, area2, s2, end)
    w["overdue"] = make(unit_b, area1, s1, end - days(4))
    # 100% reported before the end, awaiting verification: in progress (reported in time).
    w["pending"] = make(unit_b, area1, s2, end - days(1))
    w["support_overdue"] = make(unit_a, area2, s2, end - days(2), role=Assignment.Role.SUPPORT)
    ProgressEntryFactory(assignment=w["support_overdue"], percent=40, reported_by=reporter,
                         reported_at=at_noon(end - days(6)))
    w["first_day"] = make(unit_b, area2, s1, start, **done(start))
    w["no_solution"] = make(unit_b, area2, None, end - days(8))
    # Not due in the period: after it, before it, ongoing (judged at the plan's end), other plan.
    w["after"] = make(unit_a, area1, s1, end + days(1))
    w["before"] = make(unit_b, area1, s1, start - days(1))
    w["ongoing"] = make(unit_a, area1, s1, None)
    other = PlanFactory(year=plan.year - 1)
    AssignmentFactory(task=TaskFactory(plan=other, due_date=end - days(5)), unit=unit_a)
    return w


def report_pending(w, reporter, monkeypatch) -> None:
    """The unit's 100% report, made three days before the period's end (record_progress)."""
    with monkeypatch.context() as m:
        m.setattr(timezone, "now", lambda: at_noon(w["end"] - days(3)))
        record_progress(assignment=w["pending"], user=reporter, percent=100,
                        note="Đã hoàn thành, gửi kèm báo cáo")


@pytest.fixture
def reporter(unit_b):
    user = UserFactory(username="reporter_b")
    MembershipFactory(user=user, unit=unit_b)
    return user


@pytest.fixture
def world(plan, unit_a, unit_b, today, reporter, monkeypatch):
    w = build_world(plan=plan, unit_a=unit_a, unit_b=unit_b, today=today, reporter=reporter)
    report_pending(w, reporter, monkeypatch)
    return w


EXPECTED_TOTALS = {"total": 9, "on_time": 2, "late": 1, "in_progress": 2, "overdue": 4}


# --- Default periods ----------------------------------------------------------------------------


def test_default_periods_have_the_reference_cut_off_dates(db):
    plan = PlanFactory(year=2026)
    assert ensure_periods(plan) == 4
    got = {
        p.kind: (p.start_date, p.end_date, p.report_due) for p in plan.periods.all()
    }
    d = datetime.date
    assert got == {
        "q1": (d(2025, 12, 15), d(2026, 3, 14), d(2026, 3, 20)),
        "h1": (d(2025, 12, 15), d(2026, 6, 14), d(2026, 6, 20)),
        "q3": (d(2026, 6, 15), d(2026, 9, 14), d(2026, 9, 20)),
        "year": (d(2025, 12, 15), d(2026, 12, 14), d(2026, 12, 20)),
    }
    # Ordered as they end.
    assert [p.kind for p in plan.periods.all()] == ["q1", "h1", "q3", "year"]


def test_ensure_periods_is_idempotent_and_keeps_edits(db):
    plan = PlanFactory(year=2026)
    ensure_periods(plan)
    assert ensure_periods(plan) == 0
    q1 = plan.periods.get(kind="q1")
    q1.end_date = datetime.date(2026, 3, 31)  # editable per plan
    q1.save()
    plan.periods.filter(kind="q3").delete()
    assert ensure_periods(plan) == 1
    assert plan.periods.count() == 4
    assert plan.periods.get(kind="q1").end_date == datetime.date(2026, 3, 31)
    # Another plan's periods are its own.
    other = PlanFactory(year=2027)
    assert ensure_periods(other) == 4
    assert ReportingPeriod.objects.count() == 8


def test_the_period_list_creates_the_periods_and_shows_dd_mm_yyyy(as_staff_a, db):
    plan = PlanFactory(year=2026)
    response = as_staff_a.get(reverse("insight:period-list", args=[plan.pk]))
    assert response.status_code == 200
    assert plan.periods.count() == 4
    html = response.content.decode()
    for text in ("15/12/2025", "14/03/2026", "20/03/2026", "15/06/2026", "14/12/2026"):
        assert text in html
    for period in plan.periods.all():
        assert reverse("insight:period-report", args=[period.pk]) in html
    assert as_staff_a.get(reverse("insight:period-list", args=[plan.pk + 999])).status_code == 404


def test_admin_plan_save_creates_the_periods(as_admin, db):
    response = as_admin.post(reverse("admin:plans_plan_add"), {
        "year": 2027, "title": "Kế hoạch CCHC năm 2027", "document_number": "",
        "document_date": "", "start_date": "01/01/2027", "end_date": "31/12/2027",
        "status": "draft",
        "areas-TOTAL_FORMS": 0, "areas-INITIAL_FORMS": 0,
        "periods-TOTAL_FORMS": 1, "periods-INITIAL_FORMS": 0,
        # One period entered by hand with its own dates: kept, the other three added.
        "periods-0-kind": "q1", "periods-0-start_date": "01/01/2027",
        "periods-0-end_date": "31/03/2027", "periods-0-report_due": "05/04/2027",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    periods = {p.kind: p for p in ReportingPeriod.objects.filter(plan__year=2027)}
    assert set(periods) == {"q1", "h1", "q3", "year"}
    assert periods["q1"].end_date == datetime.date(2027, 3, 31)
    assert periods["h1"].end_date == datetime.date(2027, 6, 14)


def test_admin_refuses_to_change_a_closed_periods_dates(as_admin, world, coordinator):
    close_period(period=world["q1"], user=coordinator)
    url = reverse("admin:plans_reportingperiod_change", args=[world["q1"].pk])
    assert as_admin.get(url).status_code == 200
    response = as_admin.post(url, {"start_date": "01/01/2020", "end_date": "02/01/2020"})
    world["q1"].refresh_from_db()
    assert world["q1"].start_date == world["start"]
    assert response.status_code in (200, 302, 403)
    snapshot_url = reverse("admin:plans_periodsnapshot_change",
                           args=[world["q1"].snapshot.pk])
    assert as_admin.get(snapshot_url).status_code == 200
    assert as_admin.post(snapshot_url, {}).status_code == 403


# --- The report's figures -----------------------------------------------------------------------


def test_the_report_counts_each_class_as_of_the_end_date(world, unit_a, unit_b):
    data = reports.period_report(world["q1"])
    assert counts(data["totals"]) == EXPECTED_TOTALS

    area1, area2 = world["areas"]
    by_area = {row["id"]: counts(row) for row in data["by_area"]}
    assert by_area[area1.pk] == {"total": 4, "on_time": 1, "late": 1, "in_progress": 1,
                                 "overdue": 1}
    assert by_area[area2.pk] == {"total": 5, "on_time": 1, "late": 0, "in_progress": 1,
                                 "overdue": 3}

    s1, s2 = world["solutions"]
    by_solution = {row["id"]: counts(row) for row in data["by_solution"]}
    assert by_solution == {
        s1.pk: {"total": 4, "on_time": 2, "late": 0, "in_progress": 0, "overdue": 2},
        s2.pk: {"total": 4, "on_time": 0, "late": 1, "in_progress": 2, "overdue": 1},
        None: {"total": 1, "on_time": 0, "late": 0, "in_progress": 0, "overdue": 1},
    }

    # Worst first: both have two overdue; unit B has done the smaller share (1/5 < 2/4).
    assert [(row["id"], counts(row)) for row in data["by_unit"]] == [
        (unit_b.pk, {"total": 5, "on_time": 1, "late": 0, "in_progress": 2, "overdue": 2}),
        (unit_a.pk, {"total": 4, "on_time": 1, "late": 1, "in_progress": 0, "overdue": 2}),
    ]
    assert [row["done_share"] for row in data["by_unit"]] == [20.0, 50.0]


def test_the_overdue_list_as_of_the_end_date(world, unit_a, unit_b):
    end = world["end"]
    overdue = reports.period_report(world["q1"])["overdue"]
    assert [row["assignment"] for row in overdue] == [
        world[k].pk for k in ("done_after_end", "no_solution", "overdue", "support_overdue")
    ]
    first = overdue[0]
    task = world["done_after_end"].task
    assert first["task_code"] == task.code and first["task_title"] == task.title
    assert first["unit_name"] == unit_a.name and first["role"] == "lead"
    assert first["due_date"] == (end - days(15)).isoformat()
    assert [row["days_late"] for row in overdue] == [15, 8, 4, 2]
    # The last report up to the period's end (30% on E-20), not the 100% of two days ago.
    assert first["last_report_on"] == (end - days(20)).isoformat()
    assert first["last_percent"] == 30
    assert overdue[1]["last_report_on"] is None and overdue[1]["last_percent"] is None
    assert overdue[3]["role"] == "support" and overdue[3]["last_percent"] == 40


def test_the_report_is_plain_json_data(world):
    data = reports.period_report(world["q1"])
    assert json.loads(json.dumps(data)) == data


@pytest.mark.parametrize("scoped", [False, True])
def test_the_live_report_has_the_whole_reports_figures(world, unit_a, scoped):
    """live_report() (an open period's page) sums the same breakdowns as period_report() (what
    is frozen), without the cells, and keeps the head of the same overdue list."""
    period = world["q1"]
    assignments = Assignment.objects.filter(unit=unit_a) if scoped else None
    whole = reports.period_report(period, assignments)
    live = reports.live_report(period, assignments, overdue_kept=2)
    for key in ("totals", "by_area", "by_solution", "by_unit", "units", "areas", "solutions"):
        assert live[key] == whole[key], key
    assert "cells" not in live
    assert live["overdue"] == whole["overdue"][:2]
    assert live["overdue_total"] == len(whole["overdue"]) == whole["totals"]["overdue"]
    everything = reports.overdue_rows(period, reports.due_in_period(period, assignments))
    assert everything == whole["overdue"]


def test_the_report_page_shows_the_figures(as_leader, world):
    response = as_leader.get(reverse("insight:period-report", args=[world["q1"].pk]))
    assert response.status_code == 200
    report = response.context["report"]
    assert counts(report["totals"]) == EXPECTED_TOTALS
    html = response.content.decode()
    assert "Cải cách thể chế" in html
    assert world["end"].strftime("%d/%m/%Y") in html
    assert world["start"].strftime("%d/%m/%Y") in html
    assert reverse("insight:period-report-xlsx", args=[world["q1"].pk]) in html
    assert reverse("insight:period-report-csv", args=[world["q1"].pk]) in html
    # Leaders read; only coordinators close.
    assert reverse("insight:period-close", args=[world["q1"].pk]) not in html
    assert 'style="' not in html and "<script" not in html


# --- Closing freezes ----------------------------------------------------------------------------


def page_report(client, period) -> dict:
    cache.clear()  # rendered, not served from the page cache: the report is in the context
    response = client.get(reverse("insight:period-report", args=[period.pk]))
    assert response.status_code == 200
    return response.context["report"]


def test_closing_freezes_the_report_while_an_open_period_moves_on(
    as_coordinator, coordinator, world, reporter, unit_b
):
    q1, h1 = world["q1"], world["h1"]
    before = page_report(as_coordinator, q1)
    assert counts(before["totals"]) == EXPECTED_TOTALS
    csv_before = as_coordinator.get(reverse("insight:period-report-csv", args=[q1.pk])).content

    html = as_coordinator.get(reverse("insight:period-report", args=[q1.pk])).content.decode()
    assert reverse("insight:period-close", args=[q1.pk]) in html
    response = as_coordinator.post(reverse("insight:period-close", args=[q1.pk]),
                                   {"confirm": "on"})
    assert response.status_code == 302
    q1.refresh_from_db()
    assert q1.is_closed and q1.closed_by == coordinator
    assert q1.snapshot.data["totals"]["overdue"] == 4

    # After closing: the coordinator verifies the 100% report made before the end (the
    # assignment is done on that day), a deadline is extended out of the period, a unit
    # reports more progress, and a unit is renamed.
    verify_completion(assignment=world["pending"], user=coordinator)
    extend_deadline(assignment=world["overdue"], user=coordinator,
                    new_due_date=world["end"] + days(20), reason="Gia hạn theo Công văn 12")
    record_progress(assignment=world["support_overdue"], user=reporter, percent=80,
                    note="Đã cơ bản hoàn thành")
    unit_b.name = "Thành phố Vinh (sau sáp nhập)"
    unit_b.save()

    # The open period with the same dates shows it all...
    moved = page_report(as_coordinator, h1)
    assert counts(moved["totals"]) == {"total": 8, "on_time": 3, "late": 1, "in_progress": 1,
                                       "overdue": 3}
    assert "Thành phố Vinh (sau sáp nhập)" in [row.label for row in moved["by_unit"]]

    # ...the closed one reads exactly as it did, on the page and in the exports.
    after = page_report(as_coordinator, q1)
    assert counts(after["totals"]) == EXPECTED_TOTALS
    for key in ("by_area", "by_solution", "by_unit"):
        assert [counts(r) for r in after[key]] == [counts(r) for r in before[key]], key
    assert [r["assignment"] for r in after["overdue"]] == [
        r["assignment"] for r in before["overdue"]
    ]
    assert "Thành phố Vinh" in [row.label for row in after["by_unit"]]
    csv_after = as_coordinator.get(reverse("insight:period-report-csv", args=[q1.pk])).content
    # One table a file, no header block (issue 10): the frozen CSV is byte for byte the same.
    assert csv_after == csv_before
    html = as_coordinator.get(reverse("insight:period-report", args=[q1.pk])).content.decode()
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert today in html and person(coordinator) in html
    assert reverse("insight:period-close", args=[q1.pk]) not in html


# --- The database keeps a closed period frozen (migration plans/0004) -----------------------------


def test_the_database_refuses_to_change_or_delete_a_closed_period(world, coordinator):
    q1 = world["q1"]
    close_period(period=q1, user=coordinator)
    before = list(ReportingPeriod.objects.filter(pk=q1.pk).values())
    with pytest.raises(IntegrityError, match="closed reporting period is frozen: UPDATE"), \
            transaction.atomic():
        ReportingPeriod.objects.filter(pk=q1.pk).update(end_date=q1.end_date + days(30))
    with pytest.raises(IntegrityError, match="refused"), transaction.atomic():
        ReportingPeriod.objects.filter(pk=q1.pk).delete()
    with pytest.raises(IntegrityError, match="closed reporting period is frozen: DELETE"), \
            transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM plans_reportingperiod WHERE id = %s", [q1.pk])
    assert list(ReportingPeriod.objects.filter(pk=q1.pk).values()) == before
    q1.refresh_from_db()
    q1.save()  # saved unchanged (the admin's Save button): allowed


def test_the_database_refuses_to_rewrite_a_frozen_report(world, coordinator):
    snapshot = close_period(period=world["q1"], user=coordinator)
    with pytest.raises(IntegrityError, match="append-only: UPDATE refused"), \
            transaction.atomic():
        PeriodSnapshot.objects.filter(pk=snapshot.pk).update(data={})
    with pytest.raises(IntegrityError, match="append-only: DELETE refused"), \
            transaction.atomic():
        PeriodSnapshot.objects.filter(pk=snapshot.pk).delete()
    assert PeriodSnapshot.objects.get(pk=snapshot.pk).data == snapshot.data


def test_an_open_period_stays_editable(world):
    h1 = world["h1"]
    h1.report_due = h1.end_date + days(10)
    h1.save()
    assert ReportingPeriod.objects.get(pk=h1.pk).report_due == h1.end_date + days(10)


def test_the_admin_offers_no_delete_of_a_plan_with_a_closed_period(world, coordinator,
                                                                   as_admin, plan):
    close_period(period=world["q1"], user=coordinator)
    response = as_admin.get(reverse("admin:plans_plan_delete", args=[plan.pk]))
    assert response.status_code == 403


def test_closing_twice_is_refused(coordinator, as_coordinator, world):
    close_period(period=world["q1"], user=coordinator)
    first = PeriodSnapshot.objects.get(period=world["q1"])
    closed_at = ReportingPeriod.objects.get(pk=world["q1"].pk).closed_at
    with pytest.raises(ValidationError) as refused:
        close_period(period=ReportingPeriod.objects.get(pk=world["q1"].pk), user=coordinator)
    assert refused.value.code == "closed"
    # Through the page too: a message, no second snapshot, nothing changed.
    response = as_coordinator.post(reverse("insight:period-close", args=[world["q1"].pk]),
                                   {"confirm": "on"}, follow=True)
    assert response.status_code == 200
    assert PeriodSnapshot.objects.filter(period=world["q1"]).count() == 1
    assert PeriodSnapshot.objects.get(period=world["q1"]).data == first.data
    assert ReportingPeriod.objects.get(pk=world["q1"].pk).closed_at == closed_at


def test_a_period_closes_only_after_its_last_day(coordinator, as_coordinator, plan, today):
    period = ReportingPeriod.objects.create(plan=plan, kind="year", start_date=today - days(30),
                                            end_date=today)
    with pytest.raises(ValidationError) as refused:
        close_period(period=period, user=coordinator)
    assert refused.value.code == "not_ended"
    response = as_coordinator.post(reverse("insight:period-close", args=[period.pk]),
                                   {"confirm": "on"})
    assert response.status_code == 302
    period.refresh_from_db()
    assert not period.is_closed and not PeriodSnapshot.objects.exists()


def test_closing_needs_the_confirmation_ticked(as_coordinator, world):
    url = reverse("insight:period-close", args=[world["q1"].pk])
    page = as_coordinator.get(url)
    assert page.status_code == 200 and 'name="confirm"' in page.content.decode()
    response = as_coordinator.post(url, {})
    assert response.status_code == 200
    assert response.context["form"].errors
    world["q1"].refresh_from_db()
    assert not world["q1"].is_closed


@pytest.mark.parametrize("client_name", ["as_leader", "as_staff_a", "as_head_a"])
def test_only_coordinators_close(request, client_name, world):
    client = request.getfixturevalue(client_name)
    url = reverse("insight:period-close", args=[world["q1"].pk])
    assert client.post(url, {"confirm": "on"}).status_code == 403
    assert client.get(url).status_code == 403
    world["q1"].refresh_from_db()
    assert not world["q1"].is_closed
    assert not PeriodSnapshot.objects.exists()


def test_closing_a_missing_period_is_404(as_coordinator, db):
    assert as_coordinator.post(reverse("insight:period-close", args=[999999]),
                               {"confirm": "on"}).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_closing_outside_a_transaction_reads_one_snapshot(world, coordinator):
    # The path production takes: close_period opens the transaction (repeatable read).
    assert not connection.in_atomic_block
    snapshot = close_period(period=world["q1"], user=coordinator)
    assert counts(snapshot.data["totals"]) == EXPECTED_TOTALS
    assert ReportingPeriod.objects.get(pk=world["q1"].pk).is_closed


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_closing_at_once_make_one_snapshot(world, coordinator):
    period = world["q1"]
    outcome = {}

    def second_closer():
        try:
            close_period(period=ReportingPeriod.objects.get(pk=period.pk), user=coordinator)
            outcome["result"] = "closed a second time"
        except ValidationError as error:
            outcome["result"] = error.code
        finally:
            connection.close()

    with transaction.atomic():
        # The first coordinator holds the period's lock while closing it...
        ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        thread = threading.Thread(target=second_closer)
        thread.start()
        time.sleep(0.5)  # ...while the second one waits for it
        PeriodSnapshot.objects.create(period=period, data=reports.period_report(period))
        ReportingPeriod.objects.filter(pk=period.pk).update(closed_at=timezone.now(),
                                                            closed_by=coordinator)
    thread.join(10)
    # Refused like any second closing (under repeatable read: a serialization failure).
    assert outcome == {"result": "closed"}
    assert PeriodSnapshot.objects.filter(period=period).count() == 1


# --- Who sees what ------------------------------------------------------------------------------


def test_staff_see_their_units_live_while_the_period_is_open(as_staff_a, unit_a, world):
    report = page_report(as_staff_a, world["q1"])
    assert report["scoped"] is True and report["province_totals"] is None
    assert counts(report["totals"]) == {"total": 4, "on_time": 1, "late": 1, "in_progress": 0,
                                        "overdue": 2}
    assert [row.key for row in report["by_unit"]] == [unit_a.pk]
    assert {row["unit"] for row in report["overdue"]} == {unit_a.pk}
    html = as_staff_a.get(reverse("insight:period-report", args=[world["q1"].pk])).content
    assert "Thành phố Vinh" not in html.decode()


def test_staff_read_a_frozen_report_for_their_units_with_the_province_totals(
    as_staff_a, as_staff_b, coordinator, unit_a, unit_b, world
):
    live_a = page_report(as_staff_a, world["q1"])
    close_period(period=world["q1"], user=coordinator)
    frozen_a = page_report(as_staff_a, world["q1"])
    # The same figures as the live view of their units, rebuilt from the frozen cells...
    for key in ("totals",):
        assert counts(frozen_a[key]) == counts(live_a[key])
    for key in ("by_area", "by_solution", "by_unit"):
        assert [counts(r) for r in frozen_a[key] if r.total] == [
            counts(r) for r in live_a[key] if r.total
        ], key
    assert frozen_a["overdue"] == live_a["overdue"]
    # ...plus the whole province's totals, which the frozen report is the document of.
    assert counts(frozen_a["province_totals"]) == EXPECTED_TOTALS
    assert [row.key for row in frozen_a["by_unit"]] == [unit_a.pk]

    frozen_b = page_report(as_staff_b, world["q1"])
    assert [row.key for row in frozen_b["by_unit"]] == [unit_b.pk]
    assert {row["unit"] for row in frozen_b["overdue"]} == {unit_b.pk}
    assert counts(frozen_b["totals"])["total"] == 5


@pytest.mark.parametrize("client_name", ["as_leader", "as_coordinator", "as_admin"])
def test_readers_of_everything_see_the_whole_province(request, client_name, world):
    report = page_report(request.getfixturevalue(client_name), world["q1"])
    assert report["scoped"] is False
    assert counts(report["totals"]) == EXPECTED_TOTALS
    assert len(report["by_unit"]) == 2


def test_anonymous_visitors_are_sent_to_log_in(anonymous, world):
    pk = world["q1"].pk
    for url in (
        reverse("insight:period-list", args=[world["q1"].plan_id]),
        reverse("insight:period-report", args=[pk]),
        reverse("insight:period-report-xlsx", args=[pk]),
        reverse("insight:period-report-csv", args=[pk]),
        reverse("insight:period-close", args=[pk]),
    ):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert anonymous.post(reverse("insight:period-close", args=[pk]),
                          {"confirm": "on"}).status_code == 302
    world["q1"].refresh_from_db()
    assert not world["q1"].is_closed


def test_a_missing_period_is_404(as_leader, db):
    for name in ("insight:period-report", "insight:period-report-xlsx", "insight:period-report-csv"):
        assert as_leader.get(reverse(name, args=[424242])).status_code == 404


# --- The dashboard as of a period's end ---------------------------------------------------------


def test_the_dashboard_as_of_a_periods_end(as_leader, leader, plan, world):
    q1 = world["q1"]
    response = as_leader.get("/", {"plan": plan.pk, "period": q1.pk})
    assert response.status_code == 200
    assert response.context["period"] == q1
    assert response.context["as_of"] == world["end"]
    assert q1 in list(response.context["periods"])
    expected = dashboard_figures(leader, plan, world["end"])["totals"]
    assert response.context["totals"] == expected
    # As of today the figures differ (the ones due after E, completions after E).
    today = as_leader.get("/", {"plan": plan.pk})
    assert today.context["as_of"] == timezone.localdate() and today.context["period"] is None
    assert today.context["totals"] != expected


def test_the_dashboard_period_without_a_plan_uses_the_current_plan(as_leader, plan, world):
    response = as_leader.get("/", {"period": world["q1"].pk})
    assert response.status_code == 200 and response.context["as_of"] == world["end"]


@pytest.mark.parametrize("raw", ["abc", "-1", "1.5", "²", "99999999999999999999999", "0"])
def test_the_dashboard_refuses_a_bad_period_with_404(as_leader, plan, world, raw):
    assert as_leader.get("/", {"plan": plan.pk, "period": raw}).status_code == 404


def test_the_dashboard_refuses_another_plans_period(as_leader, plan, world):
    other = PlanFactory(year=plan.year + 1)
    ensure_periods(other)
    foreign = other.periods.first()
    assert as_leader.get("/", {"plan": plan.pk, "period": foreign.pk}).status_code == 404
    assert as_leader.get("/", {"plan": other.pk, "period": foreign.pk}).status_code == 200


def test_the_period_picker_renders(plan, world):
    from django.template.loader import render_to_string

    html = render_to_string("includes/_period_picker.html", {
        "plan": plan, "periods": plan.periods.all(), "period": world["h1"],
    })
    assert f'value="{world["h1"].pk}" selected' in html
    assert f'name="plan" value="{plan.pk}"' in html
    assert reverse("insight:period-list", args=[plan.pk]) in html


# --- Query budgets ------------------------------------------------------------------------------

# The queries, named: the same for the page and its two exports, but that an open period's
# files read every overdue row (its cached figures keep the page's first rows only).
CLOSED = ["session", "person", "the period with its frozen report", "the person's groups"]
BELL = ["unread notices (the bell)"]  # the page has the top bar; its files do not
STAFF = ["the person's units (their rows of the frozen report)"]
OPEN = [*CLOSED, "data version", "cache read",
        "figures by unit and by area and solution (one scan)", "its first overdue rows",
        "areas", "solutions", "units",
        "cache: count for culling", "cache: savepoint", "cache: key looked up", "cache: insert",
        "cache: savepoint released", "areas' names today", "solutions' names today"]
OPEN_FILE = [*OPEN, "every overdue row"]


def grow(plan, world, n: int, reporter, unit_a) -> None:
    """n more units, each with overdue, done and in-progress assignments due in the period;
    unit A supports every new task, so its staff's view grows too."""
    end = world["end"]
    area1, area2 = world["areas"]
    for i in range(n):
        unit = UnitFactory()
        for k, (due, extra) in enumerate([
            (end - days(3), {}),
            (end - days(5), {"latest_percent": 100, "completed_on": end - days(6)}),
            (end, {}),
        ]):
            task = TaskFactory(plan=plan, area=area1 if k % 2 else area2,
                               solution=world["solutions"][k % 2] if i % 3 else None,
                               due_date=due)
            assignment = AssignmentFactory(task=task, unit=unit, **extra)
            AssignmentFactory(task=task, unit=unit_a, role=Assignment.Role.SUPPORT)
            ProgressEntryFactory(assignment=assignment, reported_by=reporter, percent=20,
                                 reported_at=at_noon(end - days(8)))


def measure(client, url) -> int:
    cache.clear()  # the uncached path: cached figures would hide the page's real queries
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
        assert response.content
    return len(captured)


@pytest.mark.parametrize("client_name", ["as_leader", "as_staff_a"])
@pytest.mark.parametrize("name", ["insight:period-report", "insight:period-report-xlsx",
                                  "insight:period-report-csv"])
def test_query_count_does_not_grow_with_the_data(
    request, plan, world, reporter, coordinator, unit_a, client_name, name
):
    """Open: computed live, at two sizes. Closed: two periods frozen at two sizes."""
    client = request.getfixturevalue(client_name)
    q1, h1 = world["q1"], world["h1"]
    grow(plan, world, 2, reporter, unit_a)
    client.get(reverse(name, args=[h1.pk]))  # warm-up: first-request work is not the page's
    open_small = measure(client, reverse(name, args=[h1.pk]))
    size_small = page_report(client, h1)["totals"].total
    close_period(period=q1, user=coordinator)
    closed_small = measure(client, reverse(name, args=[q1.pk]))

    grow(plan, world, 18, reporter, unit_a)  # ten times the rows of growth
    open_big = measure(client, reverse(name, args=[h1.pk]))
    size_big = page_report(client, h1)["totals"].total
    close_period(period=h1, user=coordinator)
    closed_big = measure(client, reverse(name, args=[h1.pk]))

    assert size_big >= 4 * size_small, (size_small, size_big)
    page = BELL if name == "insight:period-report" else []
    closed = CLOSED + (STAFF if client_name == "as_staff_a" else []) + page
    opened = (OPEN if name == "insight:period-report" else OPEN_FILE) + page
    assert (open_small, closed_small) == (len(opened), len(closed)), (name, client_name)
    assert (open_big, closed_big) == (open_small, closed_small), (name, client_name)


# --- Open periods judged as of today; extensions after the deadline (issue 10) ---------------


def test_an_open_period_is_judged_as_of_today_not_its_future_end(as_leader, plan, unit_a,
                                                                 today):
    year = ReportingPeriod.objects.create(plan=plan, kind="year", start_date=today - days(60),
                                          end_date=today + days(30))
    area = ReformAreaFactory(plan=plan, number=1)
    late = AssignmentFactory(task=TaskFactory(plan=plan, area=area, due_date=today - days(3)),
                             unit=unit_a)
    AssignmentFactory(task=TaskFactory(plan=plan, area=area, due_date=today + days(10)),
                      unit=unit_a)
    report = page_report(as_leader, year)
    # Only what is late today: the task due in ten days is in progress, as on the dashboard.
    assert report["as_of"] == today
    assert (report["totals"].overdue, report["totals"].in_progress) == (1, 1)
    assert [row["assignment"] for row in report["overdue"]] == [late.pk]
    assert report["overdue"][0]["days_late"] == 3
    dashboard = as_leader.get("/", {"plan": plan.pk})
    assert dashboard.context["totals"].overdue == report["totals"].overdue
    # The page says so.
    with translation.override("en"):
        html = as_leader.get(reverse("insight:period-report", args=[year.pk]),
                             HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "judged as of today" in html
    # As of the period's end through the dashboard's ?period=: today too, while it runs.
    assert as_leader.get("/", {"plan": plan.pk, "period": year.pk}).context["as_of"] == today


def test_a_period_that_has_ended_is_judged_as_of_its_end(world):
    assert world["q1"].judged_on() == world["end"]
    assert reports.period_report(world["q1"])["as_of"] == world["end"].isoformat()


def test_extensions_after_the_deadline_are_counted_apart(as_leader, plan, unit_a, today,
                                                         coordinator):
    period = ReportingPeriod.objects.create(plan=plan, kind="q3", start_date=today - days(60),
                                            end_date=today + days(30))
    area = ReformAreaFactory(plan=plan, number=1)
    overdue = AssignmentFactory(task=TaskFactory(plan=plan, area=area,
                                                 due_date=today - days(5)), unit=unit_a)
    in_time = AssignmentFactory(task=TaskFactory(plan=plan, area=area,
                                                 due_date=today + days(5)), unit=unit_a)
    for assignment in (overdue, in_time):
        extend_deadline(assignment=assignment, user=coordinator, new_due_date=today + days(20),
                        reason="Chờ ý kiến của Bộ")
    report = page_report(as_leader, period)
    assert (report["totals"].extended_late, report["totals"].in_progress) == (1, 2)
    dashboard = as_leader.get("/", {"plan": plan.pk}).context["totals"]
    assert (dashboard.extended, dashboard.extended_late) == (2, 1)
    listed = as_leader.get("/assignments/", {"plan": plan.pk, "flag": "extended_late"})
    assert [a.pk for a in listed.context["page"]] == [overdue.pk]
    page = as_leader.get(overdue.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "gia hạn khi đã quá hạn" in page.lower()
