"""The one door to the period's figures for the official report and the public page.

The figures come from ONE source: a closed period's frozen snapshot (PeriodSnapshot, written when
it closes), or, for an open period, today's figures marked as a draft. Both are read through the
period report code, so the DOCX, the annexes, the public page and the open data carry the numbers
of the period report page. This is the only module of reports/ and public/ that imports it.
"""

from dataclasses import dataclass, field

from insight import reports as period_reports
from plans.models import IndicatorValue, PeriodSnapshot, ReportingPeriod
from solutions.models import Assignment
from units.access import can_read_all
from units.models import Unit

CLASSES = ("on_time", "late", "in_progress", "overdue")
LISTED = period_reports.LISTED


@dataclass
class PeriodFigures:
    """A period's figures as plain data (the snapshot's shape) and whether they are final."""

    period: ReportingPeriod
    data: dict
    draft: bool
    indicators: list[dict] = field(default_factory=list)


def frozen_data(period: ReportingPeriod) -> dict | None:
    """The snapshot's data of a closed period, else None (never computed)."""
    if not period.is_closed:
        return None
    try:
        return period.snapshot.data
    except PeriodSnapshot.DoesNotExist:
        return None


def figures_for(period: ReportingPeriod, user) -> PeriodFigures:
    """What the period report page shows this person (a coordinator or a leader reads the whole
    province): the frozen figures of a closed period, today's of an open one (a draft).

    A draft is the whole document that closing would freeze now (every overdue row, the task
    lists), not the open page's shortened one: the report names every task it counts."""
    draft = frozen_data(period) is None
    if draft:
        # Scoped as report_for() scopes it (the report's views admit read-all roles only).
        scope = None if can_read_all(user) else Assignment.objects.for_user(user)
        data = {**period_reports.period_report(period, scope), "scoped": scope is not None}
    else:
        data = period_reports.report_for(period, user)
    return PeriodFigures(period=period, data=data, draft=draft,
                         indicators=indicator_rows(period))


def frozen_figures(period: ReportingPeriod) -> PeriodFigures | None:
    """The frozen figures only (the public side): None for a period without a snapshot."""
    data = frozen_data(period)
    if data is None:
        return None
    return PeriodFigures(period=period, data=data, draft=False, indicators=indicator_rows(period))


def indicator_rows(period: ReportingPeriod) -> list[dict]:
    """The plan's targets and the actual entered for this period (a closed period's actuals are
    frozen with it). One query."""
    values = {
        v.indicator_id: v
        for v in IndicatorValue.objects.filter(period=period).only("indicator_id", "actual")
    }
    rows = []
    for indicator in period.plan.indicators.all():
        value = values.get(indicator.pk)
        actual = value.actual if value else None
        rows.append({
            "id": indicator.pk,
            "name": indicator.name,
            "comparison": indicator.comparison,
            "target": _plain(indicator.target),
            "unit_of_measure": indicator.unit_of_measure,
            "actual": None if actual is None else _plain(actual),
            "met": None if actual is None else indicator.is_met(actual),
        })
    return rows


def _plain(value) -> str:
    """Decimal("100.00") -> "100", Decimal("86.50") -> "86.5" (never "1E+2")."""
    return format(value.normalize(), "f")


def area_tasks(data: dict) -> dict[int, dict[str, list[dict]]] | None:
    """{area id: {class: [task]}} of the report's task lists, each task with its task_code,
    task_title and unit_names (its lead units' names, frozen with the report), for the classes
    on_time, late and overdue; None for a report frozen before it kept the lists (schema < 3)."""
    if "task_lists" not in data:
        return None
    names = {unit["id"]: unit["label"] for unit in data["units"]}
    by_area: dict[int, dict[str, list[dict]]] = {
        area["id"]: {kind: [] for kind in LISTED} for area in data["areas"]}
    for item in data["task_lists"]:
        lists = by_area.setdefault(item["area"], {kind: [] for kind in LISTED})
        lists[item["class"]].append({
            "task_code": item["task_code"], "task_title": item["task_title"],
            "unit_names": [names.get(unit, "") for unit in item["units"]],
        })
    return by_area


def overdue_areas(data: dict) -> dict[int, int]:
    """{assignment id: its task's reform area} for the overdue rows of a report (one query)."""
    ids = [row["assignment"] for row in data["overdue"]]
    return dict(Assignment.objects.filter(pk__in=ids).values_list("pk", "task__area_id"))


def unit_kinds(data: dict) -> dict[int, str]:
    """{unit id: kind} of the units in a report (one query): departments, districts, communes."""
    return dict(Unit.objects.filter(pk__in=[u["id"] for u in data["units"]])
                .values_list("pk", "kind"))


def done_share(row: dict) -> float:
    total = row["total"]
    return round(100 * (row["on_time"] + row["late"]) / total, 1) if total else 0.0
