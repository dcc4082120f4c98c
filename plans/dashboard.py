"""The dashboard's figures: one aggregate per breakdown, whatever the number of rows.

Every count comes from AssignmentQuerySet.with_timeliness(), the one definition of
timeliness, so the dashboard, the lists behind its figures and the exports agree.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from plans.caching import cached_figures
from plans.models import Plan
from solutions.models import FLAGS, Assignment, Solution, Timeliness, timeliness_aggregates
from units.models import Unit

CLASSES = [c.value for c in Timeliness]


@dataclass
class Figures:
    """Counts of one row of the dashboard (the whole plan, an area, a solution or a unit)."""

    total: int = 0
    on_time: int = 0
    late: int = 0
    in_progress: int = 0
    overdue: int = 0
    due_soon: int = 0
    stale: int = 0
    awaiting: int = 0
    extended: int = 0
    extended_late: int = 0
    label: str = ""
    filter: dict = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: dict, **extra) -> "Figures":
        keys = ("total", *CLASSES, *FLAGS)
        return cls(**{k: row.get(k) or 0 for k in keys}, **extra)

    @property
    def done(self) -> int:
        return self.on_time + self.late

    def share(self, count: int) -> float:
        return round(100 * count / self.total, 1) if self.total else 0.0

    @property
    def shares(self) -> dict[str, float]:
        return {key: self.share(getattr(self, key)) for key in (*CLASSES, "due_soon", "stale")}

    @property
    def done_share(self) -> float:
        return self.share(self.done)

    @property
    def segments(self) -> list[tuple[str, int, float, float]]:
        """(class, count, percent, offset in percent) for a stacked bar."""
        result, offset = [], 0.0
        for cls in CLASSES:
            count = getattr(self, cls)
            share = 100 * count / self.total if self.total else 0.0
            result.append((cls, count, round(share, 2), round(offset, 2)))
            offset += share
        return result


def plan_assignments(user, plan: Plan, on: datetime.date | None = None) -> QuerySet:
    return Assignment.objects.for_user(user).filter(task__plan=plan).with_timeliness(on)


KEYS = ("total", *CLASSES, *FLAGS)


def _sum_by(rows: list[dict], key: str) -> dict:
    sums: dict = {}
    for row in rows:
        target = sums.setdefault(row[key], dict.fromkeys(KEYS, 0))
        for k in KEYS:
            target[k] += row[k]
    return sums


OVERDUE_SHOWN = 10


def _aggregates(user, plan: Plan, on: datetime.date, unit_limit: int) -> tuple:
    from plans import charts  # plans.charts imports this module (it draws Figures)

    base = plan_assignments(user, plan, on)
    # One scan grouped by (area, solution): a task has one of each, so the totals, the areas
    # and the solutions are sums of these few rows. A second scan groups by unit.
    rows = list(
        base.values("task__area", "task__solution").annotate(**timeliness_aggregates()).order_by()
    )
    # The units worst first, with their names: thousands of rows at national scale, so the
    # sorted head and the count are what is kept.
    unit_rows = sorted_unit_rows(user, base)
    # The first overdue ids, then their rows, in that order: joining the task and unit of every
    # overdue assignment before keeping ten cost a third more at national scale. The rows need
    # no timeliness annotations (Assignment.effective_due reads the plan's end).
    overdue_ids = list(
        base.filter(is_overdue=True).order_by("effective_due_date", "task__code", "pk")
        .values_list("pk", flat=True)[:OVERDUE_SHOWN]
    )
    rows_by_id = Assignment.objects.select_related("task__plan", "unit").in_bulk(overdue_ids)
    overdue = [rows_by_id[pk] for pk in overdue_ids]
    completion = charts.completion_series(base, plan, on)
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
    return {
        "totals": totals,
        "by_area": by_area,
        "by_solution": by_solution,
        "by_unit": by_unit,
        "unit_count": unit_count,
        "overdue": overdue,
        "completion": completion,
    }


def sorted_unit_rows(user, base: QuerySet) -> list[dict]:
    """The units' aggregate rows (with their names as "label"), worst first: most overdue, then
    stale, then due soon, then least done, then by name.

    Plain rows: a national plan has 3,000 units, of which a page shows a few; unit_figures()
    makes Figures of those. The names are those of every unit the person may see: the rows
    cover most of them, and a list of 3,000 ids costs five times as much to send."""
    rows = list(base.values("unit").annotate(**timeliness_aggregates()).order_by())
    names = dict(Unit.objects.for_user(user).order_by().values_list("pk", "name"))

    def worst_first(row: dict) -> tuple:
        total = row["total"]
        done_share = round(100 * (row["on_time"] + row["late"]) / total, 1) if total else 0.0
        return (-row["overdue"], -row["stale"], -row["due_soon"], done_share, row["label"])

    for row in rows:
        row["label"] = names[row["unit"]]
    rows.sort(key=worst_first)
    return rows


def unit_figures(rows: list[dict]) -> list[Figures]:
    return [Figures.from_row(row, label=row["label"], filter={"unit": row["unit"]})
            for row in rows]
