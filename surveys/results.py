"""Results of a campaign, from the tallies: shares satisfied with their margin of error.

Share satisfied: answers "Hài lòng" (4) or "Rất hài lòng" (5) over all answers to the item.
Margin of error at 95%, normal approximation: 1.96 × √(p(1 − p) / n), in percentage points.
Counts are summed in SQL; shares are Decimals computed from those integers.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce

from surveys.models import (
    LAND_SUFFIX,
    RESPONSES_ITEM,
    SATISFIED_FROM,
    Campaign,
    CampaignTally,
    Question,
    UnitTally,
)
from surveys.services import Schema

Z95 = Decimal("1.96")
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
TENTH = Decimal("0.1")

Counts = dict[str, dict[int, int]]  # {item: {value: count}}


@dataclass(frozen=True)
class Share:
    n: int
    satisfied: int
    total: int = 0  # sum of value × count, for the mean

    @property
    def percent(self) -> Decimal | None:
        if not self.n:
            return None
        return (Decimal(self.satisfied) * HUNDRED / self.n).quantize(CENT, ROUND_HALF_UP)

    @property
    def margin(self) -> Decimal | None:
        """Half-width of the 95% interval, in percentage points."""
        if not self.n:
            return None
        p = Decimal(self.satisfied) / self.n
        return (Z95 * (p * (1 - p) / self.n).sqrt() * HUNDRED).quantize(TENTH, ROUND_HALF_UP)

    @property
    def mean(self) -> Decimal | None:
        if not self.n:
            return None
        return (Decimal(self.total) / self.n).quantize(CENT, ROUND_HALF_UP)


def share(values: dict[int, int]) -> Share:
    return Share(
        n=sum(values.values()),
        satisfied=sum(c for v, c in values.items() if v >= SATISFIED_FROM),
        total=sum(v * c for v, c in values.items()),
    )


def _counts(rows) -> Counts:
    counts: Counts = defaultdict(dict)
    for item, value, count in rows:
        counts[item][value] = count
    return counts


def campaign_counts(campaign: Campaign) -> Counts:
    """The whole campaign's counts (one query over BUCKETS rows per item and value)."""
    return _counts(CampaignTally.objects.filter(campaign=campaign)
                   .values("item", "value").annotate(n=Sum("count"))
                   .values_list("item", "value", "n"))


def unit_counts(campaign: Campaign, unit_id: int) -> Counts:
    return _counts(UnitTally.objects.filter(campaign=campaign, unit_id=unit_id)
                   .values_list("item", "value", "count"))


@dataclass
class CriterionRow:
    question: Question
    share: Share
    previous: Share | None = None


@dataclass
class FactorRow:
    factor: object
    criteria: list[CriterionRow] = field(default_factory=list)
    rating: Share | None = None  # all the factor's criteria answers together
    satisfaction: Share | None = None
    expectation: Share | None = None
    previous: Share | None = None

    @property
    def gap(self) -> Decimal | None:
        """Rating minus expectation, on the 1-5 scale: below zero, the service falls short."""
        if not self.rating or not self.expectation or self.rating.mean is None \
                or self.expectation.mean is None:
            return None
        return self.rating.mean - self.expectation.mean


@dataclass
class OptionRow:
    option: object
    count: int
    percent: Decimal | None


@dataclass
class ChoiceRow:
    question: Question
    answered: int
    options: list[OptionRow]


@dataclass
class Results:
    responses: int
    overall: Share
    land: Share
    factors: list[FactorRow]
    choices: list[ChoiceRow]
    previous_overall: Share | None = None


def _merge(counts: Counts, items: list[str]) -> Share:
    merged: dict[int, int] = defaultdict(int)
    for item in items:
        for value, count in counts.get(item, {}).items():
            merged[value] += count
    return share(merged)


def build(schema: Schema, counts: Counts, previous: Counts | None = None) -> Results:
    """Results by factor, criterion and choice (no query: the schema and counts are read)."""
    factors: dict[int, FactorRow] = {}
    choices = []
    overall_code = None
    responses = sum(counts.get(RESPONSES_ITEM, {}).values())
    for q in schema.questions:
        if q.kind in Question.IN_FACTOR:
            row = factors.setdefault(q.factor_id, FactorRow(factor=q.factor))
            figure = share(counts.get(q.code, {}))
            if q.kind == Question.Kind.CRITERION:
                row.criteria.append(CriterionRow(
                    q, figure, share(previous.get(q.code, {})) if previous is not None else None))
            elif q.kind == Question.Kind.FACTOR_SATISFACTION:
                row.satisfaction = figure
                if previous is not None:
                    row.previous = share(previous.get(q.code, {}))
            else:
                row.expectation = figure
        elif q.kind == Question.Kind.OVERALL:
            overall_code = q.code
        else:
            values = counts.get(q.code, {})
            # Several choices: each option over the responses (shares may add past 100%).
            base = responses if q.kind == Question.Kind.MULTIPLE else sum(values.values())
            choices.append(ChoiceRow(q, sum(values.values()) if q.kind != Question.Kind.MULTIPLE
                                     else base, [
                OptionRow(o, values.get(o.position, 0),
                          (Decimal(values.get(o.position, 0)) * HUNDRED / base).quantize(
                              TENTH, ROUND_HALF_UP) if base else None)
                for o in q.options.all()
            ]))
    for row in factors.values():
        row.rating = _merge(counts, [c.question.code for c in row.criteria])
    empty = Share(0, 0)
    return Results(
        responses=responses,
        overall=share(counts.get(overall_code, {})) if overall_code else empty,
        land=share(counts.get(f"{overall_code}{LAND_SUFFIX}", {})) if overall_code else empty,
        factors=list(factors.values()),
        choices=choices,
        previous_overall=(share(previous.get(overall_code, {}))
                          if previous is not None and overall_code else None),
    )


@dataclass
class UnitRow:
    unit: object
    share: Share
    responses: int
    below: bool
    previous: Share | None = None


def unit_overall_rows(campaign: Campaign, overall_code: str) -> dict[int, tuple[Share, int]]:
    """{unit id: (overall share, responses)} for every unit with answers: one query, grouped in
    SQL (one row per unit, whatever the number of answers)."""
    satisfied = Q(item=overall_code, value__gte=SATISFIED_FROM)
    rows = (UnitTally.objects.filter(campaign=campaign, item__in=[overall_code, RESPONSES_ITEM])
            .values("unit_id")
            .annotate(n=Coalesce(Sum("count", filter=Q(item=overall_code)), 0),
                      sat=Coalesce(Sum("count", filter=satisfied), 0),
                      total=Coalesce(Sum(F("count") * F("value"), filter=Q(item=overall_code)), 0),
                      responses=Coalesce(Sum("count", filter=Q(item=RESPONSES_ITEM)), 0))
            .order_by()
            .values_list("unit_id", "n", "sat", "total", "responses"))
    return {unit_id: (Share(n=n, satisfied=sat, total=total), responses)
            for unit_id, n, sat, total, responses in rows}
