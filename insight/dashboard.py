"""The dashboard's figures: one aggregate per breakdown, whatever the number of rows.

Every count comes from AssignmentQuerySet.with_timeliness(), the one definition of
timeliness, so the dashboard, the lists behind its figures and the exports agree.
"""

import datetime
from django.db.models import QuerySet
from django.utils import timezone

from insight.cache import cached_figures
from insight.grouping import counts_by
from plans.models import Plan
from insight.figures import KEYS, Figures, worst_first
from solutions.models import Assignment, Solution, timeliness_aggregates
from units.models import Unit, unit_contacts

def plan_assignments(user, plan: Plan, on: datetime.date | None = None) -> QuerySet:
    return Assignment.objects.for_user(user).filter(task__plan=plan).with_timeliness(on)


def _sum_by(rows: list[dict], key: str) -> dict:
    sums: dict = {}
    for row in rows:
        target = sums.setdefault(row[key], dict.fromkeys(KEYS, 0))
        for k in KEYS:
            target[k] += row[k]
    return sums


OVERDUE_SHOWN = 10
# The first screen: the units worst first and the overdue items that have waited longest, each
# with the person to call. Five of each fit a 1366x768 screen above the charts.
FIRST_SCREEN = 5


def _aggregates(user, plan: Plan, on: datetime.date, unit_limit: int) -> tuple:
    from insight import charts  # insight.charts imports this module (it draws Figures)

    base = plan_assignments(user, plan, on)
    # One scan for three breakdowns: by (area, solution) (a task has one of each, so the
    # totals, the areas and the solutions are sums of these few rows), by unit, and by the
    # months due and done (the completion chart).
    grouped = counts_by(charts.with_months(base, on), {
        "cells": ["task__area", "task__solution"],
        "units": ["unit"],
        "months": ["due_month", "done_month"],
    })
    rows = grouped["cells"]
    # The units worst first, with their names: thousands of rows at national scale, so the
    # sorted head and the count are what is kept.
    unit_rows = sorted_unit_rows(user, base, grouped["units"])
    # The first overdue ids, then their rows, in that order: only ten rows are joined to their
    # task and unit. The rows need no timeliness annotations (Assignment.effective_due reads
    # the plan's end).
    overdue_ids = list(
        base.filter(is_overdue=True).order_by("effective_due_date", "task__code", "pk")
        .values_list("pk", flat=True)[:OVERDUE_SHOWN]
    )
    rows_by_id = Assignment.objects.select_related("task__plan", "unit").in_bulk(overdue_ids)
    overdue = [rows_by_id[pk] for pk in overdue_ids]
    completion = charts.completion_series(None, plan, on, month_rows=grouped["months"])
    return rows, unit_figures(unit_rows[:unit_limit]), len(unit_rows), overdue, completion


def dashboard(user, plan: Plan, on: datetime.date | None = None, unit_limit: int = 15) -> dict:
    on = on or timezone.localdate()
    rows, by_unit, unit_count, overdue, completion = cached_figures(
        user, plan, on, f"dashboard:{unit_limit}", lambda: _aggregates(user, plan, on, unit_limit)
    )
    totals = Figures.from_row({k: sum(r[k] for r in rows) for k in KEYS})
    by_area_rows = _sum_by(rows, "task__area")
    by_area = [
        Figures.from_row(by_area_rows.get(area.pk, {}), label=str(area), filter={"area": area.pk})
        for area in plan.areas.all()
    ]
    by_solution_rows = _sum_by(rows, "task__solution")
    by_solution = [
        Figures.from_row(
            by_solution_rows.get(s.pk, {}), label=str(s), filter={"solution": s.pk}
        )
        for s in Solution.objects.filter(plan=plan)
    ]
    for assignment in overdue:  # as of the dashboard's date, not today
        assignment.late_days = assignment.days_late(on)
    # Who answers for each: read with the page (people change), never cached; one query.
    worst_units = [row for row in by_unit[:FIRST_SCREEN] if row.overdue or row.stale
                   or row.due_soon]
    contacts = unit_contacts(
        {row.filter["unit"] for row in worst_units}
        | {a.unit_id for a in overdue}
    )
    for row in worst_units:
        row.contact = contacts.get(row.filter["unit"])
    for assignment in overdue:
        assignment.contact = contacts.get(assignment.unit_id)
    return {
        "totals": totals,
        "by_area": by_area,
        "by_solution": by_solution,
        "by_unit": by_unit,
        "unit_count": unit_count,
        "overdue": overdue,
        "overdue_first": overdue[:FIRST_SCREEN],
        "worst_units": worst_units,
        "completion": completion,
    }


def sorted_unit_rows(user, base: QuerySet, rows: list[dict] | None = None) -> list[dict]:
    """The units' aggregate rows (with their names as "label"), worst first: most overdue, then
    stale, then due soon, then least done, then by name.

    Plain rows: a national plan has 3,000 units, of which a page shows a few; unit_figures()
    makes Figures of those. The names are those of every unit the person may see: the rows
    cover most of them, and sending thousands of ids back would cost more than it saves.
    `rows`, if given, are base's counts by unit already (insight.grouping.counts_by)."""
    if rows is None:
        rows = list(base.values("unit").annotate(**timeliness_aggregates()).order_by())
    names = dict(Unit.objects.for_user(user).order_by().values_list("pk", "name"))

    for row in rows:
        row["label"] = names[row["unit"]]
    rows.sort(key=worst_first)
    return rows


def unit_figures(rows: list[dict]) -> list[Figures]:
    return [Figures.from_row(row, label=row["label"], filter={"unit": row["unit"]})
            for row in rows]
