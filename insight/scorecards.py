"""Unit scorecards, the ranking of units and the units x areas heatmap.

One aggregate query per table, whatever the number of units or assignments: every figure is a
Count or Sum over AssignmentQuerySet.with_timeliness() (the one definition of timeliness),
grouped by unit with values("unit").annotate(...). Python only combines the per-unit sums.

The score (shown on the ranking page in words and as a formula, see insight/_score_formula.html):

    score = 100 x (0.5 x on-time share + 0.2 x reporting compliance + 0.3 x (1 - overdue share))
            - min(10, average days late / 10), never below 0

- due assignments: done by the as-of date, or whose effective due date (the extended one; an
  ongoing task's is its plan's end) is on or before the as-of date. Only they count toward the
  on-time, late and overdue shares, so a unit is not judged on work whose deadline is still ahead.
- reporting compliance: of the unit's open assignments (not done, not awaiting verification),
  the share that are not stale, i.e. had a report (or were assigned) in the last STALE_DAYS.
  With no open assignment it is 100%.
- average days late: over the assignments done late (completion - due date) and the overdue
  ones (as-of date - due date; for a late 100% report awaiting verification, report date - due
  date, as Assignment.days_late counts it), computed in SQL as a sum of date differences.
A unit with nothing due yet has no score: it is listed after the scored units. Ties are broken by
fewer overdue assignments, then by name (diacritics folded, Vietnamese style).
"""

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Page
from django.db.models import Case, DurationField, Q, QuerySet, Sum, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insight.charts import plan_areas
from insight.dashboard import plan_assignments
from insight.figures import Figures
from plans.models import Plan, ReformArea
from solutions.models import CountRows, Timeliness, days_late_expression, timeliness_aggregates
from solutions.search import fold
from units.models import Unit

# The weights of the score: they add up to 1, so a perfect unit scores 100.
WEIGHT_ON_TIME = 0.5
WEIGHT_COMPLIANCE = 0.2
WEIGHT_NOT_OVERDUE = 0.3
# One point off per LATENESS_DIVISOR average days late, at most LATENESS_CAP points.
LATENESS_DIVISOR = 10
LATENESS_CAP = 10

# The ranking keeps departments and localities apart: they do different work.
GROUPS: dict[str, tuple[str, ...]] = {
    "provincial": (Unit.Kind.PROVINCIAL,),
    "localities": (Unit.Kind.DISTRICT, Unit.Kind.COMMUNE),
    "other": (Unit.Kind.OTHER,),
}
GROUP_LABELS = {
    "provincial": _("Provincial agencies"),
    "localities": _("Districts, communes and wards"),
    "other": _("Other units"),
}
# A heatmap taller than this is unreadable (and heavy): it keeps the units with most overdue.
HEATMAP_MAX_ROWS = 15


def group_label(group: str, kinds=()) -> str:
    """A group's heading by what it holds: the district level ended on 1/7/2025, so a plan
    whose localities are all communes and wards does not speak of districts."""
    if group == "localities" and Unit.Kind.DISTRICT not in set(kinds):
        return _("Communes and wards")
    return GROUP_LABELS.get(group) or Unit.Kind(group).label


def group_of(kind: str) -> str:
    return next((key for key, kinds in GROUPS.items() if kind in kinds), "other")


def kinds_of(group: str) -> tuple[str, ...]:
    """The unit kinds of a group key, or of a single Unit.Kind value."""
    if group in GROUPS:
        return GROUPS[group]
    if group in Unit.Kind.values:
        return (group,)
    raise ValueError(f"Unknown unit group or kind: {group!r}")


def compute_score(*, on_time_share: float, compliance: float, overdue_share: float,
                  avg_days_late: float) -> float:
    """The formula, on fractions (0..1) and days; rounded to one decimal, never below 0."""
    raw = 100 * (
        WEIGHT_ON_TIME * on_time_share
        + WEIGHT_COMPLIANCE * compliance
        + WEIGHT_NOT_OVERDUE * (1 - overdue_share)
    ) - min(LATENESS_CAP, avg_days_late / LATENESS_DIVISOR)
    return round(max(raw, 0.0), 1)


def _due(on: datetime.date) -> Q:
    """Due assignments: done by `on`, or whose effective due date is on or before it."""
    return Q(timeliness__in=[Timeliness.ON_TIME, Timeliness.LATE]) | Q(effective_due_date__lte=on)


def scorecard_aggregates(on: datetime.date) -> dict:
    """The aggregates of a scorecard, for values("unit").annotate() over with_timeliness(on)."""
    return {
        **timeliness_aggregates(),
        "due": CountRows(filter=_due(on)),
        "open": CountRows(
            filter=Q(timeliness__in=[Timeliness.IN_PROGRESS, Timeliness.OVERDUE],
                     is_awaiting=False),
        ),
        # Days late of the late and overdue assignments (the one definition), summed per unit.
        "days_late": Sum(
            Case(
                When(timeliness__in=[Timeliness.LATE, Timeliness.OVERDUE],
                     then=days_late_expression(on)),
                output_field=DurationField(),
            )
        ),
    }


def _share(count: int, of: int) -> float | None:
    return count / of if of else None


def _percent(fraction: float | None) -> float | None:
    return None if fraction is None else round(100 * fraction, 1)


@dataclass
class Scorecard:
    """One unit's figures in a plan, as of a date, with its score and rank in its group."""

    unit_id: int
    name: str
    short_name: str
    code: str
    kind: str
    figures: Figures
    due: int = 0
    open: int = 0
    days_late_total: float = 0.0  # summed over the late and overdue assignments
    rank: int | None = None
    group_size: int = 0

    @classmethod
    def from_row(cls, row: dict) -> "Scorecard":
        days_late = row.get("days_late") or datetime.timedelta(0)
        return cls(
            unit_id=row["unit"],
            name=row["unit__name"],
            short_name=row["unit__short_name"],
            code=row["unit__code"],
            kind=row["unit__kind"],
            figures=Figures.from_row(row, label=row["unit__name"], filter={"unit": row["unit"]}),
            due=row.get("due") or 0,
            open=row.get("open") or 0,
            days_late_total=days_late.total_seconds() / 86400,
        )

    @classmethod
    def empty(cls, unit: Unit) -> "Scorecard":
        return cls(unit_id=unit.pk, name=unit.name, short_name=unit.short_name, code=unit.code,
                   kind=unit.kind, figures=Figures(label=unit.name, filter={"unit": unit.pk}))

    @property
    def label(self) -> str:
        return self.short_name or self.name

    @property
    def group(self) -> str:
        return group_of(self.kind)

    @property
    def total(self) -> int:
        return self.figures.total

    @property
    def on_time(self) -> int:
        return self.figures.on_time

    @property
    def late(self) -> int:
        return self.figures.late

    @property
    def overdue(self) -> int:
        return self.figures.overdue

    @property
    def stale(self) -> int:
        return self.figures.stale

    @property
    def reported(self) -> int:
        """Open assignments with a report (or assigned) in the last STALE_DAYS."""
        return self.open - self.stale

    # Fractions (0..1) of the due assignments; None while nothing is due.
    @property
    def on_time_share(self) -> float | None:
        return _share(self.on_time, self.due)

    @property
    def late_share(self) -> float | None:
        return _share(self.late, self.due)

    @property
    def overdue_share(self) -> float | None:
        return _share(self.overdue, self.due)

    @property
    def compliance(self) -> float:
        return _share(self.reported, self.open) if self.open else 1.0

    @property
    def avg_days_late(self) -> float:
        counted = self.late + self.overdue
        return self.days_late_total / counted if counted else 0.0

    # Percentages for display, one decimal.
    @property
    def on_time_pct(self) -> float | None:
        return _percent(self.on_time_share)

    @property
    def late_pct(self) -> float | None:
        return _percent(self.late_share)

    @property
    def overdue_pct(self) -> float | None:
        return _percent(self.overdue_share)

    @property
    def compliance_pct(self) -> float:
        return _percent(self.compliance)

    @property
    def score(self) -> float | None:
        if not self.due:
            return None
        return compute_score(
            on_time_share=self.on_time_share,
            compliance=self.compliance,
            overdue_share=self.overdue_share,
            avg_days_late=self.avg_days_late,
        )

    def sort_key(self) -> tuple:
        score = self.score
        return (score is None, -(score or 0), self.overdue, fold(self.name), self.name)


@dataclass
class RankingGroup:
    key: str
    label: str
    cards: list[Scorecard] = field(default_factory=list)
    page: Page | None = None  # the cards a page shows (insight.unit_views), and its query parameter
    page_param: str = "page"

    @property
    def scored(self) -> int:
        return sum(1 for card in self.cards if card.rank is not None)


def _on(on: datetime.date | None) -> datetime.date:
    return on or timezone.localdate()


def _unit_rows(base: QuerySet, on: datetime.date) -> list[dict]:
    return list(
        base.values("unit", "unit__name", "unit__short_name", "unit__code", "unit__kind")
        .annotate(**scorecard_aggregates(on))
        .order_by()
    )


def rank(cards: list[Scorecard]) -> list[Scorecard]:
    """Best first; ranks 1..n for the scored units, none for those with nothing due yet."""
    cards = sorted(cards, key=Scorecard.sort_key)
    scored = [card for card in cards if card.score is not None]
    for position, card in enumerate(cards, start=1):
        card.rank = position if card.score is not None else None
        card.group_size = len(scored)
    return cards


def ranking(user, plan: Plan, on: datetime.date | None = None) -> list[RankingGroup]:
    """The units the person may see, by group, best first: one query.

    Provincial agencies and localities always appear (perhaps empty); "other" units only when
    there are some.
    """
    on = _on(on)
    by_group: dict[str, list[Scorecard]] = {key: [] for key in GROUPS}
    for row in _unit_rows(plan_assignments(user, plan, on), on):
        card = Scorecard.from_row(row)
        by_group[card.group].append(card)
    return [
        RankingGroup(key=key, label=group_label(key, {c.kind for c in cards}), cards=rank(cards))
        for key, cards in by_group.items()
        if cards or key != "other"
    ]


def unit_scorecard(user, plan: Plan, unit: Unit, on: datetime.date | None = None) -> Scorecard:
    """One unit's scorecard with its rank among the units of its group the person may see.

    One query: the group's aggregate (ranking needs the others' scores anyway).
    """
    on = _on(on)
    base = plan_assignments(user, plan, on).filter(unit__kind__in=GROUPS[group_of(unit.kind)])
    cards = rank([Scorecard.from_row(row) for row in _unit_rows(base, on)])
    for card in cards:
        if card.unit_id == unit.pk:
            return card
    card = Scorecard.empty(unit)
    card.group_size = sum(1 for c in cards if c.rank is not None)
    return card


# --- Heatmap: units x reform areas, coloured by share overdue ---------------------------------


@dataclass
class HeatmapCell:
    """A unit's assignments in one area; the share overdue is of the due ones, as in the score."""

    assigned: int = 0
    due: int = 0
    overdue: int = 0

    @property
    def share(self) -> float | None:
        """Percent of the cell's due assignments that are overdue; None when nothing is due."""
        return round(100 * self.overdue / self.due, 1) if self.due else None


@dataclass
class HeatmapRow:
    unit_id: int
    name: str
    label: str
    cells: list[HeatmapCell]

    @property
    def heat_label(self) -> str:
        """The full name when it fits the heatmap's label column, else the short name."""
        return self.name if len(self.name) <= 32 else self.label

    @property
    def due(self) -> int:
        return sum(c.due for c in self.cells)

    @property
    def overdue(self) -> int:
        return sum(c.overdue for c in self.cells)

    @property
    def share(self) -> float:
        return 100 * self.overdue / self.due if self.due else 0.0


@dataclass
class Heatmap:
    group: str
    label: str
    areas: list[ReformArea]
    rows: list[HeatmapRow]
    unit_count: int  # before HEATMAP_MAX_ROWS cut the rows

    @property
    def truncated(self) -> bool:
        return self.unit_count > len(self.rows)

    PHONE_AREAS = 3  # a phone lists each unit with its few worst areas instead of the grid

    @property
    def phone_rows(self) -> list[tuple["HeatmapRow", list[tuple[ReformArea, HeatmapCell]]]]:
        """Each row with its areas that have overdue work, highest share first."""
        result = []
        for row in self.rows:
            worst = sorted(((area, cell) for area, cell in zip(self.areas, row.cells)
                            if cell.overdue), key=lambda pair: (-pair[1].share, -pair[1].overdue))
            result.append((row, worst[:self.PHONE_AREAS]))
        return result


def area_heatmap(user, plan: Plan, group: str, on: datetime.date | None = None,
                 limit: int = HEATMAP_MAX_ROWS) -> Heatmap:
    """Overdue share of the due assignments per (unit, area) for a group of units: one query
    (plus the plan's areas, once per plan object).

    Rows worst first (highest overall overdue share, then most overdue, then name), at most
    `limit` of them.
    """
    on = _on(on)
    kinds = kinds_of(group)
    areas = plan_areas(plan)
    column = {area.pk: i for i, area in enumerate(areas)}
    rows: dict[int, HeatmapRow] = {}
    cells = list(
        plan_assignments(user, plan, on)
        .filter(unit__kind__in=kinds)
        .values("unit", "unit__name", "unit__short_name", "unit__kind", "task__area")
        .annotate(assigned=CountRows(), due=CountRows(filter=_due(on)),
                  overdue=CountRows(filter=Q(timeliness=Timeliness.OVERDUE)))
        .order_by()
    )
    for cell in cells:
        row = rows.get(cell["unit"])
        if row is None:
            row = rows[cell["unit"]] = HeatmapRow(
                unit_id=cell["unit"], name=cell["unit__name"],
                label=cell["unit__short_name"] or cell["unit__name"],
                cells=[HeatmapCell() for _ in areas],
            )
        i = column.get(cell["task__area"])
        if i is not None:  # tasks' areas belong to the plan (checked); be safe anyway
            row.cells[i] = HeatmapCell(assigned=cell["assigned"], due=cell["due"],
                                       overdue=cell["overdue"])
    ordered = sorted(rows.values(), key=lambda r: (-r.share, -r.overdue, fold(r.name), r.name))
    present = {cell["unit__kind"] for cell in cells}  # the rows already read, no query
    label = group_label(group, present)
    return Heatmap(group=group, label=label, areas=areas, rows=ordered[:limit],
                   unit_count=len(ordered))
