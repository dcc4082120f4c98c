"""Each figure has one definition, so every page shows the same number for the same thing.

The same assignment shows the same days late on the dashboard, in the period report (and so its
exports), in the scorecard and on its own page; the same units come first, worst first, on the
dashboard, the unit list and the period report.
"""

import datetime

import pytest
from django.utils import timezone

from insight import dashboard, reports, scorecards
from insight.figures import worst_first
from plans.models import ReportingPeriod
from solutions.models import Assignment, days_late_expression
from tests.factories import (
    AssignmentFactory,
    ProgressEntryFactory,
    ReformAreaFactory,
    TaskFactory,
    UnitFactory,
)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def scene(plan, today, unit_a, unit_b, staff_a):
    """Unit A: one overdue for 12 days; one reported 100% 3 days after its due date and awaiting
    verification (late by 3, the coordinator's delay not counted); one done 5 days late.
    Unit B: one overdue for 4 days. A third unit: nothing overdue."""
    area = ReformAreaFactory(plan=plan, number=1)

    def assign(unit, due, **fields):
        return AssignmentFactory(task=TaskFactory(plan=plan, area=area, due_date=due),
                                 unit=unit, **fields)

    overdue = assign(unit_a, today - days(12))
    awaiting = assign(unit_a, today - days(10))
    reported = timezone.make_aware(datetime.datetime.combine(today - days(7),
                                                             datetime.time(10)))
    entry = ProgressEntryFactory(assignment=awaiting, reported_by=staff_a, percent=100,
                                 reported_at=reported)
    Assignment.objects.filter(pk=awaiting.pk).update(
        pending_entry=entry, latest_percent=100, latest_report_at=reported)
    late = assign(unit_a, today - days(20), latest_percent=100, completed_on=today - days(15))
    assign(unit_b, today - days(4))
    assign(UnitFactory(code="C01", name="Sở Y tế"), today + days(30))
    period = ReportingPeriod.objects.create(plan=plan, kind=ReportingPeriod.Kind.YEAR,
                                            start_date=plan.start_date, end_date=today)
    return {"overdue": overdue, "awaiting": awaiting, "late": late, "period": period,
            "expected": {overdue.pk: 12, awaiting.pk: 3, late.pk: 5}}


def test_days_late_in_sql_and_python_agree(scene, today):
    rows = dict(
        Assignment.objects.with_timeliness(today)
        .annotate(days_late=days_late_expression(today)).values_list("pk", "days_late")
    )
    for assignment in Assignment.objects.select_related("task__plan"):
        assert rows[assignment.pk].days == assignment.days_late(today), assignment
    for pk, expected in scene["expected"].items():
        assert rows[pk].days == expected


def test_the_same_assignment_shows_the_same_days_late_everywhere(scene, leader, today, unit_a,
                                                                 plan):
    on_dashboard = {a.pk: a.late_days for a in dashboard.dashboard(leader, plan, today)["overdue"]}
    in_report = {row["assignment"]: row["days_late"]
                 for row in reports.period_report(scene["period"])["overdue"]}
    for pk in (scene["overdue"].pk, scene["awaiting"].pk):
        assert on_dashboard[pk] == in_report[pk] == scene["expected"][pk]
    card = scorecards.unit_scorecard(leader, plan, unit_a, today)
    assert card.days_late_total == sum(scene["expected"].values())


def test_the_same_units_come_first_everywhere(scene, leader, today, plan):
    base = dashboard.plan_assignments(leader, plan, today)
    on_dashboard = [row["unit"] for row in dashboard.sorted_unit_rows(leader, base)]
    in_report = [row["id"] for row in reports.period_report(scene["period"])["by_unit"]]
    assert on_dashboard == in_report
    assert on_dashboard[:2] == [scene["overdue"].unit_id, Assignment.objects.filter(
        unit__code="B01").values_list("unit_id", flat=True).get()]


def test_worst_first_reads_overdue_then_stale_then_due_soon_then_done_share():
    row = {"overdue": 0, "stale": 0, "due_soon": 0, "total": 4, "on_time": 2, "late": 0,
           "label": "B"}
    assert worst_first({**row, "overdue": 1}) < worst_first({**row, "stale": 5})
    assert worst_first({**row, "stale": 1}) < worst_first({**row, "due_soon": 5})
    assert worst_first({**row, "on_time": 1}) < worst_first(row)
    assert worst_first({**row, "label": "A"}) < worst_first(row)
