"""Lines computed from the portal's own data: every source in this one module.

A source gives a measured value (a percentage) for a unit and a year; the line's formula turns
it into points ("83% -> 4.15 of 5 points"). The index reads indicators through here (the surveys
app feeds a satisfaction indicator) without importing the apps that write them.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from index.models import Node, points
from plans.models import IndicatorValue, ReportingPeriod
from solutions.models import Assignment, ProgressEntry


@dataclass(frozen=True)
class Computed:
    value: Decimal
    score: Decimal
    explanation: str


def _as_of(year: int) -> datetime.date:
    return min(datetime.date(year, 12, 31), timezone.localdate())


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return points(Decimal(part) * 100 / whole)


def _assignments(unit, year: int):
    return Assignment.objects.filter(unit=unit, task__plan__year=year)


def tasks_on_time(unit, year: int, param: str = "") -> Decimal | None:
    """Share of the unit's lead assignments of the year's plan, due by now, done on time."""
    rows = (_assignments(unit, year).filter(role=Assignment.Role.LEAD)
            .with_timeliness(_as_of(year)))
    counts = rows.aggregate(
        due=Count("pk", filter=Q(is_on_time=True) | Q(is_late=True) | Q(is_overdue=True)),
        on_time=Count("pk", filter=Q(is_on_time=True)),
    )
    return _share(counts["on_time"], counts["due"])


def reports_in_time(unit, year: int, param: str = "") -> Decimal | None:
    """Share of the unit's assignments due by now with a progress report by their due date."""
    as_of = _as_of(year)
    rows = _assignments(unit, year).with_timeliness(as_of).filter(effective_due_date__lte=as_of)
    reported = ProgressEntry.objects.filter(
        assignment=OuterRef("pk"), reported_at__date__lte=OuterRef("effective_due_date"))
    rows = rows.annotate(reported=Exists(reported))
    whole = rows.count()
    return _share(rows.filter(reported=True).count(), whole)


def indicator(unit, year: int, param: str = "") -> Decimal | None:
    """An indicator's actual value for the year (the year period's, else the latest period's):
    param is the indicator's name in the year's plan."""
    values = (IndicatorValue.objects.filter(indicator__plan__year=year, indicator__name=param)
              .select_related("period").order_by("-period__end_date"))
    value = values.filter(period__kind=ReportingPeriod.Kind.YEAR).first() or values.first()
    return value.actual if value else None


SOURCES = {
    "tasks_on_time": (_("Share of the plan's tasks of this unit done on time"), tasks_on_time),
    "reports_in_time": (_("Share of assignments reported by their due date"), reports_in_time),
    "indicator": (_("An indicator's actual value for the year"), indicator),
}
SOURCE_CHOICES = [(key, label) for key, (label, _f) in SOURCES.items()]


def compute(node: Node, unit, year: int) -> Computed | None:
    """The value and score of a computed line for a unit, or None when there is no data."""
    if node.method != Node.Method.COMPUTED or node.source not in SOURCES:
        return None
    label, function = SOURCES[node.source]
    value = function(unit, year, node.source_param)
    if value is None:
        return None
    score = node.score_of(value)
    name = node.source_param if node.source == "indicator" else label
    return Computed(value, score, _("%(name)s: %(value)s%% → %(score)s of %(max)s points") % {
        "name": name, "value": _fmt(value), "score": _fmt(score), "max": _fmt(node.max_points)})


def _fmt(value: Decimal) -> str:
    """2 places at most, trailing zeros dropped, in the language's decimal separator."""
    text = f"{points(value):f}".rstrip("0").rstrip(".")
    return formats.number_format(Decimal(text))
