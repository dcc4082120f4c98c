"""Timeliness: the SQL annotation and the Python method against the rule, edge by edge.

Every case is judged as of a fixed date (ON), so nothing depends on the day the suite runs,
and each case checks AssignmentQuerySet.with_timeliness() and Assignment.timeliness_on()
against the same expected answer: the two can never drift apart unnoticed.
"""

import dataclasses
import datetime

import pytest
from django.utils import timezone

from solutions.models import Assignment, Timeliness, timeliness_aggregates
from tests.factories import (
    AssignmentFactory,
    PlanFactory,
    ProgressEntryFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
)

ON = datetime.date(2025, 6, 15)
PLAN_END = datetime.date(2025, 12, 31)

ON_TIME, LATE = Timeliness.ON_TIME, Timeliness.LATE
IN_PROGRESS, OVERDUE = Timeliness.IN_PROGRESS, Timeliness.OVERDUE
# The `urgency` annotation: worst first.
U_OVERDUE, U_DUE_SOON, U_IN_PROGRESS, U_AWAITING, U_DONE = 0, 1, 2, 3, 4


def day(offset: int) -> datetime.date:
    return ON + datetime.timedelta(days=offset)


def local(offset_days: int, *, hours: int = 0, microseconds: int = 0) -> datetime.datetime:
    """An aware moment: local (Asia/Ho_Chi_Minh) midnight of ON + offset_days, plus a shift."""
    moment = datetime.datetime.combine(day(offset_days), datetime.time.min)
    return timezone.make_aware(moment) + datetime.timedelta(
        hours=hours, microseconds=microseconds
    )


def make_assignment(
    *,
    due: int | None,
    done: int | None = None,
    report: datetime.datetime | None = None,
    created: datetime.datetime | None = None,
    plan_end: datetime.date = PLAN_END,
    task_due: int | None | str = "same",
    unit=None,
    pending: datetime.datetime | None = None,
) -> Assignment:
    """One assignment on a task of its own; `pending` is the moment of a 100% report that
    awaits a coordinator's verification (it is then the latest report too)."""
    plan = PlanFactory(
        year=2025, start_date=datetime.date(2025, 1, 1), end_date=plan_end
    )
    due_date = None if due is None else day(due)
    task = TaskFactory(
        plan=plan, due_date=due_date if task_due == "same" else (
            None if task_due is None else day(task_due)
        )
    )
    assignment = AssignmentFactory(
        task=task,
        unit=unit or UnitFactory(),
        due_date=due_date,
        original_due_date=task.due_date,
        latest_percent=100 if done is not None or pending is not None else 40,
        completed_on=None if done is None else day(done),
        latest_report_at=pending or report,
        created_at=created or local(-1),
    )
    if pending is not None:
        entry = ProgressEntryFactory(
            assignment=assignment, percent=100, reported_at=pending,
            reported_by=UserFactory(), note="Đã hoàn thành, đề nghị xác nhận",
        )
        assignment.pending_entry = entry
        assignment.save(update_fields=["pending_entry"])
    return assignment


@dataclasses.dataclass(frozen=True)
class Case:
    id: str
    due: int | None  # days from ON; None = ongoing ("thường xuyên")
    expected: tuple  # (timeliness, due_soon, stale)
    urgency: int
    days_late: int | None  # None: checked in TestDaysLate instead
    done: int | None = None  # completed_on, days from ON
    report: datetime.datetime | None = dataclasses.field(default_factory=lambda: local(0, hours=9))
    created: datetime.datetime | None = None
    plan_end: datetime.date = PLAN_END
    task_due: int | None | str = "same"
    pending: datetime.datetime | None = None  # a 100% report awaiting verification
    extended: bool = False  # the is_extended annotation

    @property
    def effective_due(self) -> datetime.date:
        return self.plan_end if self.due is None else day(self.due)


# DUE_SOON_DAYS = 7 and STALE_DAYS = 30 (the defaults) unless a test says otherwise.
CASES = [
    # --- not done, against the due date
    Case("due-today", due=0, expected=(IN_PROGRESS, True, False), urgency=U_DUE_SOON,
         days_late=0),
    Case("due-yesterday", due=-1, expected=(OVERDUE, False, False), urgency=U_OVERDUE,
         days_late=1),
    Case("due-tomorrow", due=1, expected=(IN_PROGRESS, True, False), urgency=U_DUE_SOON,
         days_late=0),
    Case("due-exactly-due-soon-days-ahead", due=7, expected=(IN_PROGRESS, True, False),
         urgency=U_DUE_SOON, days_late=0),
    Case("due-one-day-past-the-window", due=8, expected=(IN_PROGRESS, False, False),
         urgency=U_IN_PROGRESS, days_late=0),
    Case("due-far-ahead", due=100, expected=(IN_PROGRESS, False, False),
         urgency=U_IN_PROGRESS, days_late=0),
    Case("overdue-long-and-stale", due=-40, report=local(-45),
         expected=(OVERDUE, False, True), urgency=U_OVERDUE, days_late=40),
    # --- done: on time, late, early; never due soon nor stale
    Case("completed-on-the-due-date", due=-5, done=-5, expected=(ON_TIME, False, False),
         urgency=U_DONE, days_late=0),
    Case("completed-the-day-after", due=-5, done=-4, expected=(LATE, False, False),
         urgency=U_DONE, days_late=1),
    Case("completed-early", due=10, done=-2, expected=(ON_TIME, False, False),
         urgency=U_DONE, days_late=0),
    Case("completed-late-long-ago-with-old-report", due=-100, done=-90, report=local(-90),
         created=local(-150), expected=(LATE, False, False), urgency=U_DONE, days_late=10),
    Case("completed-with-due-date-inside-window", due=3, done=0,
         expected=(ON_TIME, False, False), urgency=U_DONE, days_late=0),
    Case("completed-early-due-date-today", due=0, done=-1, expected=(ON_TIME, False, False),
         urgency=U_DONE, days_late=0),
    # --- ongoing (no due date): judged against the plan's end date
    Case("ongoing-before-plan-end", due=None, expected=(IN_PROGRESS, False, False),
         urgency=U_IN_PROGRESS, days_late=0),
    Case("ongoing-plan-ends-in-three-days", due=None, plan_end=day(3),
         expected=(IN_PROGRESS, True, False), urgency=U_DUE_SOON, days_late=0),
    Case("ongoing-plan-ends-today", due=None, plan_end=day(0),
         expected=(IN_PROGRESS, True, False), urgency=U_DUE_SOON, days_late=0),
    Case("ongoing-plan-ended-yesterday", due=None, plan_end=day(-1),
         expected=(OVERDUE, False, False), urgency=U_OVERDUE, days_late=1),
    Case("ongoing-done-before-plan-end", due=None, done=-3, expected=(ON_TIME, False, False),
         urgency=U_DONE, days_late=0),
    Case("ongoing-done-after-plan-end", due=None, plan_end=day(-10), done=-7,
         expected=(LATE, False, False), urgency=U_DONE, days_late=3),
    # --- the assignment's own (extended) due date rules, not the task's
    Case("extended-past-the-task-due-date", due=5, task_due=-5,
         expected=(IN_PROGRESS, True, False), urgency=U_DUE_SOON, days_late=0, extended=True),
    Case("assignment-due-earlier-than-task", due=-2, task_due=30,
         expected=(OVERDUE, False, False), urgency=U_OVERDUE, days_late=2),
    # --- extended deadline (gia hạn): judged against the new date, the original is kept
    Case("extended-deadline-passed-too", due=-3, task_due=-20,
         expected=(OVERDUE, False, False), urgency=U_OVERDUE, days_late=3, extended=True),
    Case("extended-far-beyond-the-window", due=40, task_due=-20,
         expected=(IN_PROGRESS, False, False), urgency=U_IN_PROGRESS, days_late=0,
         extended=True),
    Case("extended-done-after-the-original-before-the-new", due=5, task_due=-5, done=-2,
         expected=(ON_TIME, False, False), urgency=U_DONE, days_late=0, extended=True),
    Case("extended-done-after-the-new-date-too", due=-3, task_due=-20, done=-1,
         expected=(LATE, False, False), urgency=U_DONE, days_late=2, extended=True),
    Case("ongoing-task-given-a-deadline", due=10, task_due=None,
         expected=(IN_PROGRESS, False, False), urgency=U_IN_PROGRESS, days_late=0,
         extended=True),
    # --- awaiting verification: judged by the date of the 100% report, never due soon or stale.
    # (days_late of awaiting assignments: TestDaysLate.)
    Case("awaiting-reported-before-the-due-date-which-has-passed", due=-5,
         pending=local(-7, hours=10), expected=(IN_PROGRESS, False, False),
         urgency=U_AWAITING, days_late=None),
    Case("awaiting-reported-on-the-due-date-late-evening", due=-5,
         pending=local(-4, microseconds=-1), expected=(IN_PROGRESS, False, False),
         urgency=U_AWAITING, days_late=None),
    # 06:00 local on the day after the due date is still 23:00 UTC on the due date: local counts.
    Case("awaiting-reported-early-morning-local-after-the-due-date", due=-5,
         pending=local(-4, hours=6), expected=(OVERDUE, False, False),
         urgency=U_OVERDUE, days_late=None),
    Case("awaiting-reported-after-the-due-date", due=-10, pending=local(-2, hours=9),
         expected=(OVERDUE, False, False), urgency=U_OVERDUE, days_late=None),
    Case("awaiting-would-be-due-soon", due=2, pending=local(-1, hours=9),
         expected=(IN_PROGRESS, False, False), urgency=U_AWAITING, days_late=0),
    Case("awaiting-due-today", due=0, pending=local(0, hours=8),
         expected=(IN_PROGRESS, False, False), urgency=U_AWAITING, days_late=0),
    Case("awaiting-with-an-old-report-is-not-stale", due=20, pending=local(-60),
         created=local(-100), expected=(IN_PROGRESS, False, False), urgency=U_AWAITING,
         days_late=0),
    Case("awaiting-ongoing-reported-before-the-plan-end", due=None, plan_end=day(-3),
         pending=local(-5), expected=(IN_PROGRESS, False, False), urgency=U_AWAITING,
         days_late=None),
    Case("awaiting-ongoing-reported-after-the-plan-end", due=None, plan_end=day(-10),
         pending=local(-2), expected=(OVERDUE, False, False), urgency=U_OVERDUE,
         days_late=None),
    Case("awaiting-reported-after-the-original-before-the-extended-date", due=-1, task_due=-8,
         pending=local(-3), expected=(IN_PROGRESS, False, False), urgency=U_AWAITING,
         days_late=None, extended=True),
    # --- stale: no report since local midnight of ON - STALE_DAYS
    Case("no-report-created-recently", due=20, report=None, created=local(-30),
         expected=(IN_PROGRESS, False, False), urgency=U_IN_PROGRESS, days_late=0),
    Case("no-report-created-long-ago", due=20, report=None, created=local(-31),
         expected=(IN_PROGRESS, False, True), urgency=U_IN_PROGRESS, days_late=0),
    Case("no-report-created-just-before-cutoff", due=20, report=None,
         created=local(-30, microseconds=-1), expected=(IN_PROGRESS, False, True),
         urgency=U_IN_PROGRESS, days_late=0),
    Case("last-report-exactly-at-cutoff", due=20, report=local(-30), created=local(-100),
         expected=(IN_PROGRESS, False, False), urgency=U_IN_PROGRESS, days_late=0),
    Case("last-report-one-day-before-cutoff", due=20, report=local(-31), created=local(-100),
         expected=(IN_PROGRESS, False, True), urgency=U_IN_PROGRESS, days_late=0),
    Case("last-report-a-microsecond-before-cutoff", due=20,
         report=local(-30, microseconds=-1), created=local(-100),
         expected=(IN_PROGRESS, False, True), urgency=U_IN_PROGRESS, days_late=0),
    # Local, not UTC: 06:59 local on the cut-off day is still 23:59 UTC the day before.
    Case("last-report-early-morning-local-on-cutoff-day", due=20,
         report=local(-30, hours=6, microseconds=59 * 60 * 10**6), created=local(-100),
         expected=(IN_PROGRESS, False, False), urgency=U_IN_PROGRESS, days_late=0),
    Case("recent-report-wins-over-old-creation", due=20, report=local(-2), created=local(-300),
         expected=(IN_PROGRESS, False, False), urgency=U_IN_PROGRESS, days_late=0),
    Case("due-soon-and-stale", due=2, report=local(-60), created=local(-90),
         expected=(IN_PROGRESS, True, True), urgency=U_DUE_SOON, days_late=0),
    Case("done-is-never-stale", due=-50, done=-55, report=local(-55), created=local(-200),
         expected=(ON_TIME, False, False), urgency=U_DONE, days_late=0),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_sql_and_python_agree_with_the_design(case):
    created = make_assignment(
        due=case.due,
        done=case.done,
        report=case.report,
        created=case.created,
        plan_end=case.plan_end,
        task_due=case.task_due,
        pending=case.pending,
    )

    annotated = Assignment.objects.with_timeliness(on=ON).get(pk=created.pk)
    loaded = Assignment.objects.select_related("task__plan").get(pk=created.pk)

    sql = (annotated.timeliness, annotated.is_due_soon, annotated.is_stale)
    python = loaded.timeliness_on(ON)
    assert sql == case.expected, "SQL annotation"
    assert tuple(python) == case.expected, "Assignment.timeliness_on()"
    assert annotated.urgency == case.urgency
    assert annotated.effective_due_date == case.effective_due
    assert annotated.is_awaiting is (case.pending is not None)
    assert loaded.is_awaiting_verification is (case.pending is not None)
    assert annotated.is_extended is case.extended
    if case.days_late is not None:
        assert loaded.days_late(ON) == case.days_late


@pytest.mark.django_db
def test_all_cases_in_one_queryset_agree_row_by_row():
    """The same rows annotated together (one query, joins shared) still match Python."""
    pks = [
        make_assignment(due=c.due, done=c.done, report=c.report, created=c.created,
                        plan_end=c.plan_end, task_due=c.task_due, pending=c.pending).pk
        for c in CASES
    ]
    annotated = {a.pk: a for a in Assignment.objects.with_timeliness(on=ON)}
    assert set(annotated) == set(pks)
    for pk, case in zip(pks, CASES, strict=True):
        row = annotated[pk]
        assert (row.timeliness, row.is_due_soon, row.is_stale) == case.expected, case.id
        assert tuple(row.timeliness_on(ON)) == case.expected, case.id
        assert (row.urgency, row.is_awaiting, row.is_extended) == (
            case.urgency, case.pending is not None, case.extended
        ), case.id


@pytest.mark.django_db
def test_settings_change_the_due_soon_window_and_the_stale_threshold(settings):
    settings.DUE_SOON_DAYS = 3
    settings.STALE_DAYS = 10
    due_in_3 = make_assignment(due=3)
    due_in_4 = make_assignment(due=4)
    report_at_cutoff = make_assignment(due=50, report=local(-10), created=local(-60))
    report_before_cutoff = make_assignment(due=50, report=local(-11), created=local(-60))
    # Would be stale by the default 30 days? No: and with 10 it is.
    report_15_days_ago = make_assignment(due=50, report=local(-15), created=local(-60))

    expected = {
        due_in_3.pk: (IN_PROGRESS, True, False),
        due_in_4.pk: (IN_PROGRESS, False, False),
        report_at_cutoff.pk: (IN_PROGRESS, False, False),
        report_before_cutoff.pk: (IN_PROGRESS, False, True),
        report_15_days_ago.pk: (IN_PROGRESS, False, True),
    }
    rows = Assignment.objects.with_timeliness(on=ON).select_related("task__plan")
    for row in rows:
        assert (row.timeliness, row.is_due_soon, row.is_stale) == expected[row.pk]
        assert tuple(row.timeliness_on(ON)) == expected[row.pk]
    assert Assignment.objects.timeliness_counts(on=ON)["due_soon"] == 1
    assert Assignment.objects.timeliness_counts(on=ON)["stale"] == 2

    settings.DUE_SOON_DAYS = 7
    settings.STALE_DAYS = 30
    assert Assignment.objects.with_timeliness(on=ON).get(pk=due_in_4.pk).is_due_soon is True
    assert Assignment.objects.with_timeliness(on=ON).get(pk=report_15_days_ago.pk).is_stale is False
    assert due_in_4.timeliness_on(ON)[1] is True
    assert report_15_days_ago.timeliness_on(ON)[2] is False


@pytest.mark.django_db
def test_default_date_is_today_in_local_time():
    today = timezone.localdate()
    plan = PlanFactory(year=today.year, start_date=datetime.date(today.year, 1, 1),
                       end_date=datetime.date(today.year, 12, 31))
    due_today = AssignmentFactory(task=TaskFactory(plan=plan, due_date=today))
    due_yesterday = AssignmentFactory(
        task=TaskFactory(plan=plan, due_date=today - datetime.timedelta(days=1))
    )

    rows = {a.pk: a for a in Assignment.objects.with_timeliness()}
    assert (rows[due_today.pk].timeliness, rows[due_today.pk].is_due_soon) == (IN_PROGRESS, True)
    assert rows[due_yesterday.pk].timeliness == OVERDUE
    assert due_today.timeliness_on()[:2] == (IN_PROGRESS, True)
    assert due_yesterday.timeliness_on()[0] == OVERDUE
    assert due_yesterday.days_late() == 1
    assert due_today.days_late() == 0


@pytest.mark.django_db
def test_the_date_judged_moves_the_answer():
    assignment = make_assignment(due=0)
    before = Assignment.objects.with_timeliness(on=day(-8)).get(pk=assignment.pk)
    after = Assignment.objects.with_timeliness(on=day(1)).get(pk=assignment.pk)
    assert (before.timeliness, before.is_due_soon) == (IN_PROGRESS, False)
    assert (after.timeliness, after.is_due_soon) == (OVERDUE, False)
    assert assignment.timeliness_on(day(-8))[:2] == (IN_PROGRESS, False)
    assert assignment.timeliness_on(day(1))[:2] == (OVERDUE, False)
    assert assignment.days_late(day(30)) == 30


class TestDaysLate:
    @pytest.mark.django_db
    def test_not_done_counts_to_the_date_judged(self):
        assignment = make_assignment(due=-10)
        assert assignment.days_late(ON) == 10
        assert assignment.days_late(day(-10)) == 0
        assert assignment.days_late(day(-11)) == 0  # not negative

    @pytest.mark.django_db
    def test_done_counts_to_the_completion_date_whatever_the_date_judged(self):
        assignment = make_assignment(due=-10, done=-6)
        assert assignment.days_late(ON) == 4
        assert assignment.days_late(day(365)) == 4

    @pytest.mark.django_db
    def test_done_early_is_zero(self):
        assert make_assignment(due=10, done=-1).days_late(day(100)) == 0

    @pytest.mark.django_db
    def test_ongoing_counts_from_the_plan_end(self):
        assignment = make_assignment(due=None, plan_end=day(-3))
        assert assignment.days_late(ON) == 3

    # Awaiting verification: the unit's lateness stops at its 100% report; the coordinator's
    # delay never adds days (verification then completes on the report's date, same count).
    @pytest.mark.django_db
    def test_awaiting_reported_in_time_is_not_late(self):
        assignment = make_assignment(due=-5, pending=local(-7, hours=10))
        assert assignment.days_late(ON) == 0
        assert assignment.days_late(day(30)) == 0

    @pytest.mark.django_db
    def test_awaiting_reported_late_counts_to_the_report(self):
        assignment = make_assignment(due=-10, pending=local(-4, hours=10))
        assert assignment.days_late(ON) == 6
        assert assignment.days_late(day(30)) == 6

    @pytest.mark.django_db
    def test_awaiting_ongoing_counts_from_the_plan_end_to_the_report(self):
        assignment = make_assignment(due=None, plan_end=day(-10), pending=local(-2))
        assert assignment.days_late(ON) == 8


def _mixed_set():
    """One assignment of each kind, on two units, as of ON."""
    unit_x, unit_y = UnitFactory(code="X"), UnitFactory(code="Y")
    return {
        "on_time": make_assignment(due=-6, done=-7, unit=unit_x),
        "on_time_2": make_assignment(due=5, done=-1, unit=unit_y),
        "late": make_assignment(due=-5, done=-1, unit=unit_x),
        "overdue_old": make_assignment(due=-20, unit=unit_x),
        "overdue_recent_stale": make_assignment(due=-1, report=local(-40),
                                                created=local(-60), unit=unit_y),
        "due_soon_today": make_assignment(due=0, unit=unit_x),
        "due_soon_later": make_assignment(due=6, unit=unit_y),
        "in_progress_stale": make_assignment(due=30, report=None, created=local(-31),
                                             unit=unit_x),
        "in_progress_ongoing": make_assignment(due=None, unit=unit_y),
        # 100% reported before the due date, which has since passed: in progress, awaiting.
        "awaiting_in_time": make_assignment(due=-3, pending=local(-4, hours=10),
                                            created=local(-60), unit=unit_x),
        # 100% reported after the due date: overdue while awaiting.
        "awaiting_late": make_assignment(due=-10, pending=local(-2, hours=10),
                                         created=local(-60), unit=unit_y),
        # Extended from 2 days ago to 12 days ahead.
        "extended": make_assignment(due=12, task_due=-2, unit=unit_x),
    }


@pytest.mark.django_db
def test_timeliness_counts():
    _mixed_set()
    assert Assignment.objects.timeliness_counts(on=ON) == {
        "total": 12,
        "on_time": 2,
        "late": 1,
        "in_progress": 6,
        "overdue": 3,
        "due_soon": 2,
        "stale": 2,
        "awaiting": 2,
        "extended": 1,
        "extended_late": 0,
    }


@pytest.mark.django_db
def test_timeliness_counts_respect_the_queryset_and_the_date():
    made = _mixed_set()
    assert Assignment.objects.filter(unit__code="Y").timeliness_counts(on=ON) == {
        "total": 5,
        "on_time": 1,
        "late": 0,
        "in_progress": 2,
        "overdue": 2,
        "due_soon": 1,
        "stale": 1,
        "awaiting": 1,
        "extended": 0,
        "extended_late": 0,
    }
    # A week later the two "due soon" ones are overdue; the one awaiting verification that was
    # reported in time is not, however long the coordinator takes; the extended one is now due
    # soon (against its new date).
    later = Assignment.objects.timeliness_counts(on=day(7))
    assert later["overdue"] == 5
    assert later["due_soon"] == 1
    assert later["awaiting"] == 2
    assert later["total"] == len(made)
    rows = Assignment.objects.with_timeliness(on=day(7))
    assert rows.get(pk=made["awaiting_in_time"].pk).timeliness == IN_PROGRESS
    assert rows.get(pk=made["extended"].pk).is_due_soon is True
    assert Assignment.objects.none().timeliness_counts(on=ON) == {
        "total": 0, "on_time": 0, "late": 0, "in_progress": 0, "overdue": 0,
        "due_soon": 0, "stale": 0, "awaiting": 0, "extended": 0, "extended_late": 0,
    }


@pytest.mark.django_db
def test_counts_equal_the_python_rule_row_by_row():
    _mixed_set()
    python = {"total": 0, **{c.value: 0 for c in Timeliness}, "due_soon": 0, "stale": 0,
              "awaiting": 0, "extended": 0, "extended_late": 0}
    for assignment in Assignment.objects.select_related("task__plan", "pending_entry") \
            .prefetch_related("extensions"):
        status, due_soon, stale = assignment.timeliness_on(ON)
        python["total"] += 1
        python[status] += 1
        python["due_soon"] += due_soon
        python["stale"] += stale
        python["awaiting"] += assignment.is_awaiting_verification
        # Extended: moved later than the original date, or an ongoing task given a date.
        python["extended"] += assignment.due_date is not None and (
            assignment.original_due_date is None
            or assignment.due_date > assignment.original_due_date
        )
        python["extended_late"] += assignment.extended_late_on(ON)
    assert Assignment.objects.timeliness_counts(on=ON) == python


@pytest.mark.django_db
def test_timeliness_aggregates_grouped_by_unit():
    _mixed_set()
    rows = (
        Assignment.objects.with_timeliness(on=ON)
        .values("unit__code")
        .annotate(**timeliness_aggregates())
        .order_by("unit__code")
    )
    assert list(rows) == [
        {"unit__code": "X", "total": 7, "on_time": 1, "late": 1, "in_progress": 4,
         "overdue": 1, "due_soon": 1, "stale": 1, "awaiting": 1, "extended": 1,
         "extended_late": 0},
        {"unit__code": "Y", "total": 5, "on_time": 1, "late": 0, "in_progress": 2,
         "overdue": 2, "due_soon": 1, "stale": 1, "awaiting": 1, "extended": 0,
         "extended_late": 0},
    ]


@pytest.mark.django_db
def test_by_urgency_puts_overdue_then_due_soon_then_in_progress_then_awaiting_then_done():
    made = _mixed_set()
    ordered = [a.pk for a in Assignment.objects.with_timeliness(on=ON).by_urgency()]
    expected = [
        # overdue, the oldest due date first (awaiting, but reported after its due date)
        made["overdue_old"].pk,
        made["awaiting_late"].pk,
        made["overdue_recent_stale"].pk,
        # due soon, the nearest first
        made["due_soon_today"].pk,
        made["due_soon_later"].pk,
        # in progress, by due date (the ongoing one is judged at the plan's end, 31/12)
        made["extended"].pk,
        made["in_progress_stale"].pk,
        made["in_progress_ongoing"].pk,
        # awaiting verification, reported in time
        made["awaiting_in_time"].pk,
        # done, by due date
        made["on_time"].pk,
        made["late"].pk,
        made["on_time_2"].pk,
    ]
    assert ordered == expected
    urgencies = list(
        Assignment.objects.with_timeliness(on=ON).by_urgency().values_list("urgency", flat=True)
    )
    assert urgencies == [0, 0, 0, 1, 1, 2, 2, 2, 3, 4, 4, 4]


@pytest.mark.django_db
def test_by_urgency_ongoing_task_near_plan_end_counts_as_due_soon():
    far = make_assignment(due=50)
    ongoing_soon = make_assignment(due=None, plan_end=day(2))
    ordered = [a.pk for a in Assignment.objects.with_timeliness(on=ON).by_urgency()]
    assert ordered == [ongoing_soon.pk, far.pk]


# --- Extended when already overdue (gia hạn khi đã quá hạn) ----------------------------------


def _extended(*, previous: int | None, new: int, decided: int, plan_end=PLAN_END) -> Assignment:
    """An assignment whose deadline `previous` (None: ongoing) was moved to `new`, decided on
    day `decided` (offsets from ON)."""
    from solutions.models import DeadlineExtension
    from tests.factories import UserFactory

    assignment = make_assignment(due=new, task_due=previous, plan_end=plan_end)
    DeadlineExtension.objects.create(
        assignment=assignment, previous_due_date=None if previous is None else day(previous),
        new_due_date=day(new), reason="Vướng mắc thủ tục", decided_by=UserFactory(),
        decided_at=local(decided, hours=10),
    )
    return assignment


EXTENDED_LATE_CASES = [
    # (id, previous, new, decided, extended late as of ON?)
    ("before-the-deadline", -2, 12, -5, False),
    ("on-the-deadline-day", -2, 12, -2, False),
    ("the-day-after", -2, 12, -1, True),
    ("long-overdue", -40, 12, -3, True),
    ("decided-after-the-date-judged", -2, 12, 1, False),
    ("ongoing-given-a-date-before-plan-end", None, 12, -3, False),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("previous", "new", "decided", "late"),
                         [c[1:] for c in EXTENDED_LATE_CASES],
                         ids=[c[0] for c in EXTENDED_LATE_CASES])
def test_extended_when_overdue_sql_and_python_agree(previous, new, decided, late):
    assignment = _extended(previous=previous, new=new, decided=decided)
    row = Assignment.objects.with_timeliness(on=ON).get(pk=assignment.pk)
    loaded = Assignment.objects.select_related("task__plan").prefetch_related(
        "extensions").get(pk=assignment.pk)
    assert row.is_extended_late is late, "with_timeliness()"
    assert loaded.extended_late_on(ON) is late, "Assignment.extended_late_on()"
    # Whatever the flag, the class follows the new deadline: in progress.
    assert row.timeliness == IN_PROGRESS
    assert loaded.extensions.get().granted_when_overdue is (decided > (previous or 10**6))


@pytest.mark.django_db
def test_an_ongoing_task_extended_after_its_plan_end_is_extended_late():
    # Ongoing: judged at the plan's end (ON - 1 here); the extension came after it.
    assignment = _extended(previous=None, new=30, decided=2, plan_end=day(-1))
    assert Assignment.objects.with_timeliness(on=day(3)).get(
        pk=assignment.pk).is_extended_late is True
    loaded = Assignment.objects.select_related("task__plan").get(pk=assignment.pk)
    assert loaded.extended_late_on(day(3)) is True
