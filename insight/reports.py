"""A reporting period's report: what was due in the period and how it ended.

"Due in the period": assignments whose effective due date (the due date, or the plan's end for
an ongoing task) falls within [start_date, end_date]. The year's report covers the whole plan:
its data stop at 14/12, yet tasks due in the last fortnight and ongoing tasks (judged at 31/12)
belong to that year and to no other period; as of 14/12 they show as in progress or done. "How it ended": the four classes of
AssignmentQuerySet.with_timeliness(on=as of), the one definition of timeliness, so a
completion after the period's end counts as not done yet. "As of" is the period's end, or
today while the period runs (ReportingPeriod.judged_on): an open year report judged as of 14/12
would count as overdue today what falls due before then, and disagree with the dashboard.
Besides the four classes it counts extensions decided when already overdue (extended_late).

period_report() returns plain data (numbers, strings, ISO dates), JSON-serialisable, so a closed
period's figures are frozen into PeriodSnapshot.data exactly as the page and exports read them.
Besides the breakdowns it keeps "cells": the counts per (unit, area, solution), from which
restrict() rebuilds every breakdown for some units only (unit staff reading a frozen report).

An open period's page reads live_report() instead: the same breakdowns from one scan grouped
two ways (by unit; by area and solution), and only the head of the overdue list with its
count. At national scale the cells are tens of thousands of rows and the overdue list ten
thousand: no page needs them while the period is open (the exports read every overdue row
with all_overdue()), so they are neither computed nor cached.

The number of queries is constant whatever the data size: one aggregate for all breakdowns,
one for the overdue list, and one each for the labels of areas, solutions and units.
"""

import datetime

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Length
from django.utils import timezone

from insight.figures import CLASSES, Figures, done_share, worst_first
from insight.grouping import counts_by
from plans.models import PeriodSnapshot, ReportingPeriod
from solutions.models import (
    Assignment,
    ProgressEntry,
    Solution,
    days_late_expression,
    timeliness_aggregates,
)
from units.access import can_read_all
from units.models import Membership, Unit

# Bump when the shape of the data changes; frozen reports keep the old one. 2: extended_late
# (reports frozen before it read it as 0: they did not count it). 3: task_lists (reports frozen
# before it have none: the official report says so instead of naming the tasks).
SCHEMA = 3
COUNTS = ["total", *CLASSES, "extended_late"]
LISTED = ("on_time", "late", "overdue")  # the classes whose tasks the report names
OVERDUE_KEPT = 100  # an open period's overdue rows kept for its page (the files list them all)


# --- Computing ----------------------------------------------------------------------------------


def due_in_period(period: ReportingPeriod, assignments: QuerySet | None = None,
                  on: datetime.date | None = None) -> QuerySet:
    """The assignments due in the period, annotated with their class as of `on` (the date
    the period is judged on: its end, or today while it runs)."""
    queryset = Assignment.objects.all() if assignments is None else assignments
    on = on or period.judged_on()
    queryset = queryset.filter(task__plan_id=period.plan_id).with_timeliness(on=on)
    if period.kind == ReportingPeriod.Kind.YEAR:
        return queryset.filter(effective_due_date__gte=period.start_date)
    return queryset.filter(
        effective_due_date__gte=period.start_date, effective_due_date__lte=period.end_date
    )


def _end_of(day: datetime.date) -> datetime.datetime:
    """The first moment after a date, in the portal's time zone (Asia/Ho_Chi_Minh)."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1),
                                                         datetime.time.min))


def _counts(row: dict) -> dict:
    return {key: row.get(key) or 0 for key in COUNTS}


def _add(total: dict, row: dict) -> None:
    for key in COUNTS:
        total[key] += row.get(key, 0)  # a report frozen under an older schema lacks some


def _with_share(row: dict) -> dict:
    row["done_share"] = done_share(row)
    return row


def period_report(period: ReportingPeriod, assignments: QuerySet | None = None) -> dict:
    """The period's whole report, computed now: the whole province, or `assignments` only.
    What close_period() freezes: with its cells and every overdue row. An open period is
    judged as of today, or its end if that is earlier (ReportingPeriod.judged_on)."""
    as_of = period.judged_on()
    base = due_in_period(period, assignments, on=as_of)
    aggregates = {k: v for k, v in timeliness_aggregates().items() if k in COUNTS}
    cells = [
        {"unit": row["unit"], "area": row["task__area"], "solution": row["task__solution"],
         **_counts(row)}
        for row in base.values("unit", "task__area", "task__solution")
        .annotate(**aggregates)
        .order_by("unit", "task__area", "task__solution")
    ]
    data = _document(period, overdue_rows(period, base), {c["unit"] for c in cells})
    data["cells"] = cells
    data["task_lists"] = task_lists(base)
    return _breakdowns(data)


def live_report(period: ReportingPeriod, assignments: QuerySet | None = None,
                overdue_kept: int = OVERDUE_KEPT) -> dict:
    """An open period's report for its page: the breakdowns of period_report(), without the
    cells, and the first `overdue_kept` overdue rows ("overdue_total" counts them all)."""
    base = due_in_period(period, assignments)
    grouped = counts_by(base, {"units": ["unit"], "cells": ["task__area", "task__solution"]},
                        keys=[*CLASSES, "extended_late"])
    by_unit = {row["unit"]: _counts(row) for row in grouped["units"]}
    data = _document(period, overdue_rows(period, base, limit=overdue_kept), by_unit)
    cells = [{"unit": None, "area": row["task__area"], "solution": row["task__solution"],
              **_counts(row)} for row in grouped["cells"]]
    data = _breakdowns({**data, "cells": cells}, unit_counts=by_unit)
    del data["cells"]
    data["overdue_total"] = data["totals"]["overdue"]
    return data


def overdue_rows(period: ReportingPeriod, base: QuerySet, limit: int | None = None) -> list:
    """The assignments overdue at the period's end (`base` from due_in_period()), soonest due
    first, with their days late and last report as of the day it is judged on (its end, or
    today while it runs); the first `limit` only."""
    as_of = period.judged_on()
    # The last report up to that day, not the latest one: the list is "as of".
    entries = ProgressEntry.objects.filter(
        assignment=OuterRef("pk"), reported_at__lt=_end_of(as_of)
    ).order_by("-reported_at", "-pk")
    rows = (
        base.filter(is_overdue=True)
        .annotate(
            report_at=Subquery(entries.values("reported_at")[:1]),
            report_percent=Subquery(entries.values("percent")[:1]),
            days_late=days_late_expression(as_of),
        )
        .order_by("effective_due_date", Length("task__code"), "task__code", "unit__name", "pk")
        .values("pk", "task__code", "task__title", "unit", "unit__code", "unit__name", "role",
                "effective_due_date", "report_at", "report_percent", "days_late")
    )
    if limit is not None:
        rows = rows[:limit]
    return [
        {
            "assignment": row["pk"],
            "task_code": row["task__code"],
            "task_title": row["task__title"],
            "unit": row["unit"],
            "unit_code": row["unit__code"],
            "unit_name": row["unit__name"],
            "role": row["role"],
            "due_date": row["effective_due_date"].isoformat(),
            "days_late": row["days_late"].days,
            "last_report_on": (
                timezone.localdate(row["report_at"]).isoformat() if row["report_at"] else None
            ),
            "last_percent": row["report_percent"] if row["report_at"] else None,
        }
        for row in rows
    ]


def task_lists(base: QuerySet) -> list[dict]:
    """The tasks done on time, done late and overdue, with their lead units, by reform area
    (`base` from due_in_period()): what section II of the official report names.

    A task is judged by its lead assignments due in the period (by all of them if it has no
    lead there): overdue if one of them is overdue (its units: the overdue ones); done when all
    are done, late if one was done late (its units: all of them); otherwise it is in progress
    and not listed. Units are ids of the report's "units" (their names frozen there). One query.
    """
    rows = (
        base.order_by(Length("task__code"), "task__code", "task", "unit__name", "unit")
        .values("task", "task__code", "task__title", "task__area", "unit", "role",
                "is_on_time", "is_late", "is_overdue")
    )
    tasks: dict[int, dict] = {}
    for row in rows:
        task = tasks.setdefault(row["task"], {"row": row, "lead": [], "all": []})
        task["all"].append(row)
        if row["role"] == Assignment.Role.LEAD:
            task["lead"].append(row)
    items = []
    for task in tasks.values():
        judged = task["lead"] or task["all"]
        overdue = [r["unit"] for r in judged if r["is_overdue"]]
        if overdue:
            kind, units = "overdue", overdue
        elif all(r["is_on_time"] or r["is_late"] for r in judged):
            kind = "late" if any(r["is_late"] for r in judged) else "on_time"
            units = [r["unit"] for r in judged]
        else:
            continue
        first = task["row"]
        items.append({"area": first["task__area"], "class": kind, "task": first["task"],
                      "task_code": first["task__code"], "task_title": first["task__title"],
                      "units": list(dict.fromkeys(units))})
    return items


def _document(period: ReportingPeriod, overdue: list, unit_ids) -> dict:
    """The report's plan, period, labels and overdue rows, before its breakdowns."""
    plan, as_of = period.plan, period.judged_on()
    areas = [{"id": a.pk, "number": a.number, "label": str(a)} for a in plan.areas.all()]
    solutions = [
        {"id": s.pk, "number": s.number, "label": str(s)}
        for s in Solution.objects.filter(plan=plan).order_by("number")
    ]
    units = {
        unit.pk: {"id": unit.pk, "code": unit.code, "label": unit.name}
        for unit in Unit.objects.filter(pk__in=set(unit_ids)).only("code", "name")
    }
    return {
        "schema": SCHEMA,
        "plan": {
            "id": plan.pk,
            "year": plan.year,
            "title": plan.title,
            "document_number": plan.document_number,
            "document_date": plan.document_date.isoformat() if plan.document_date else None,
        },
        "period": {
            "id": period.pk,
            "kind": period.kind,
            "start_date": period.start_date.isoformat(),
            "end_date": period.end_date.isoformat(),
            "report_due": period.report_due.isoformat() if period.report_due else None,
        },
        "as_of": as_of.isoformat(),
        "computed_at": timezone.now().isoformat(),
        "areas": areas,
        "solutions": solutions,
        "units": list(units.values()),
        "overdue": overdue,
    }


def _breakdowns(data: dict, unit_counts: dict | None = None) -> dict:
    """Totals, by area, by solution and by unit (worst first), summed from the cells; the
    units' counts from `unit_counts` if given (cells without units: a live report's)."""
    zero = dict.fromkeys(COUNTS, 0)
    totals = dict(zero)
    by_area = {a["id"]: dict(zero) for a in data["areas"]}
    by_solution = {s["id"]: dict(zero) for s in data["solutions"]}
    by_unit = {u["id"]: dict(zero) for u in data["units"]}
    no_solution = dict(zero)
    for cell in data["cells"]:
        _add(totals, cell)
        _add(by_area.setdefault(cell["area"], dict(zero)), cell)
        if cell["solution"] is None:
            _add(no_solution, cell)
        else:
            _add(by_solution.setdefault(cell["solution"], dict(zero)), cell)
        if unit_counts is None and cell["unit"] in by_unit:
            _add(by_unit[cell["unit"]], cell)
    for unit, counts in (unit_counts or {}).items():
        if unit in by_unit:
            _add(by_unit[unit], counts)

    data["totals"] = _with_share(totals)
    data["by_area"] = [
        _with_share({"id": a["id"], "number": a["number"], "label": a["label"],
                     **by_area[a["id"]]})
        for a in data["areas"]
    ]
    data["by_solution"] = [
        _with_share({"id": s["id"], "number": s["number"], "label": s["label"],
                     **by_solution[s["id"]]})
        for s in data["solutions"]
    ]
    # Tasks outside the ten solutions (e.g. direction and management) get a row of their own;
    # its label is translated when shown, so a frozen report reads in the reader's language.
    if no_solution["total"]:
        data["by_solution"].append(
            _with_share({"id": None, "number": None, "label": "", **no_solution})
        )
    unit_rows = [
        _with_share({"id": u["id"], "code": u["code"], "label": u["label"], **by_unit[u["id"]]})
        for u in data["units"]
        if by_unit[u["id"]]["total"]
    ]
    unit_rows.sort(key=worst_first)
    data["by_unit"] = unit_rows
    return data


def restrict(data: dict, unit_ids) -> dict:
    """The report for some units only, rebuilt from its cells; the whole's totals are kept."""
    unit_ids = set(unit_ids)
    restricted = {
        **data,
        "units": [u for u in data["units"] if u["id"] in unit_ids],
        "cells": [c for c in data["cells"] if c["unit"] in unit_ids],
        "overdue": [row for row in data["overdue"] if row["unit"] in unit_ids],
        "province_totals": data["totals"],
    }
    if "task_lists" in data:
        restricted["task_lists"] = [
            {**item, "units": [u for u in item["units"] if u in unit_ids]}
            for item in data["task_lists"] if unit_ids.intersection(item["units"])
        ]
    return _breakdowns(restricted)


# --- Reading ------------------------------------------------------------------------------------


def report_for(period: ReportingPeriod, user) -> dict:
    """The report a person reads, as plain data.

    An open period is computed live, scoped like the dashboard: unit staff see their units'
    assignments only. A closed period is read from its snapshot, never recomputed, so later
    reports and edits change nothing; the snapshot is the province-wide document, and unit
    staff read it restricted to their units' rows, with the frozen province totals beside them.
    """
    read_all = can_read_all(user)
    snapshot = _snapshot(period)
    if snapshot is not None:
        data = snapshot.data
        if read_all:
            return {**data, "scoped": False}
        units = Membership.objects.filter(user=user).values_list("unit_id", flat=True)
        return {**restrict(data, units), "scoped": True}
    if read_all:
        return {**live_report(period), "scoped": False}
    return {**live_report(period, Assignment.objects.for_user(user)), "scoped": True}


def all_overdue(period: ReportingPeriod, user) -> list[dict]:
    """Every overdue row of an open period's report (for the exports), scoped as report_for()
    scopes it, ready for display like for_display()'s."""
    assignments = None if can_read_all(user) else Assignment.objects.for_user(user)
    return _display_overdue(overdue_rows(period, due_in_period(period, assignments)))


def _display_overdue(rows: list[dict]) -> list[dict]:
    return [{**row, "due_date": _date(row["due_date"]),
             "last_report_on": _date(row["last_report_on"])} for row in rows]


def with_current_names(data: dict, period: ReportingPeriod) -> dict:
    """An open period's report with today's names of its plan, areas and solutions.

    Its figures are cached under the data version, which a renamed area does not move; names
    are read anew for each page. A closed period keeps the names it was frozen with."""
    areas = {area.pk: str(area) for area in period.plan.areas.all()}
    solutions = {s.pk: str(s) for s in Solution.objects.filter(plan_id=period.plan_id)}

    def renamed(rows: list[dict], names: dict) -> list[dict]:
        return [{**row, "label": names.get(row["id"], row["label"])} for row in rows]

    return {
        **data,
        "plan": {**data["plan"], "title": period.plan.title},
        "areas": renamed(data["areas"], areas),
        "by_area": renamed(data["by_area"], areas),
        "solutions": renamed(data["solutions"], solutions),
        "by_solution": renamed(data["by_solution"], solutions),
    }


def _snapshot(period: ReportingPeriod) -> PeriodSnapshot | None:
    # close_period() writes the snapshot and closed_at together; a period closed some other way
    # (a shell) has no figures to freeze and is shown live, as if open.
    if not period.is_closed:
        return None
    try:
        return period.snapshot
    except PeriodSnapshot.DoesNotExist:
        return None


# --- Showing ------------------------------------------------------------------------------------


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def for_display(data: dict) -> dict:
    """The plain data made ready for templates and exports: real dates, Figures for the rows."""

    def figures(row: dict) -> Figures:
        figure = Figures.from_row(row, label=row.get("label", ""))
        figure.key = row.get("id")
        figure.code = row.get("code", "")
        figure.number = row.get("number")
        return figure

    province = data.get("province_totals")
    return {
        "plan": {**data["plan"], "document_date": _date(data["plan"]["document_date"])},
        "period": {
            **data["period"],
            "start_date": _date(data["period"]["start_date"]),
            "end_date": _date(data["period"]["end_date"]),
            "report_due": _date(data["period"]["report_due"]),
        },
        "as_of": _date(data["as_of"]),
        "computed_at": datetime.datetime.fromisoformat(data["computed_at"]),
        "scoped": data.get("scoped", False),
        "totals": figures(data["totals"]),
        "province_totals": figures(province) if province else None,
        "by_area": [figures(r) for r in data["by_area"]],
        "by_solution": [figures(r) for r in data["by_solution"]],
        "by_unit": [figures(r) for r in data["by_unit"]],
        "overdue": _display_overdue(data["overdue"]),
        "overdue_total": data.get("overdue_total", len(data["overdue"])),
    }
