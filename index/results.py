"""What the pages and exports show: a campaign's summary table and one assessment's detail,
each in a fixed number of queries whatever the number of units and lines.

Totals, ranks and classes come from AssessmentQuerySet.with_totals() (the one place they are
computed); the sums by area are raw points (not rescaled), the columns of the official table.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import formats
from django.db.models.functions import Coalesce

from index.models import (
    Assessment,
    Campaign,
    Correction,
    CriteriaSet,
    FinalScore,
    Line,
    Node,
    Phase,
)


@dataclass
class Row:
    assessment: Assessment
    area_self: dict = field(default_factory=dict)
    area_appraised: dict = field(default_factory=dict)
    area_final: dict = field(default_factory=dict)
    cells: list = field(default_factory=list)  # per area: final, else appraised (text)
    totals: list = field(default_factory=list)  # self, appraised, final (text)
    corrected: bool = False  # a final score of it was corrected after the decision

    def __getattr__(self, name):
        return getattr(self.__dict__["assessment"], name)


@dataclass
class Summary:
    campaign: Campaign
    areas: list[Node]
    rows: list[Row]


def areas_of(criteria_set: CriteriaSet) -> list[Node]:
    return list(criteria_set.nodes.filter(level=Node.Level.AREA).order_by("position"))


def summary(campaign: Campaign) -> Summary:
    """Every unit's totals, rank and class, and its points by area. Four queries: the areas,
    the assessments with their totals, the sums of lines by area, the final sums by area."""
    areas = areas_of(campaign.criteria_set)
    assessments = (Assessment.objects.filter(campaign=campaign).with_totals()
                   .select_related("unit").order_by("rank", "unit__code"))
    rows = {a.pk: Row(a) for a in assessments}
    sums = (Line.objects.filter(assessment__campaign=campaign).order_by()
            .values_list("assessment_id", "node__area_id")
            .annotate(s=Sum("self_score"), a=Sum(Coalesce("appraised_score", "self_score"))))
    for assessment_id, area_id, self_sum, appraised_sum in sums:
        rows[assessment_id].area_self[area_id] = self_sum
        rows[assessment_id].area_appraised[area_id] = appraised_sum
    if campaign.phase >= Phase.COUNCIL:
        # A line's final score: its latest correction's, else the decided one (as in
        # with_totals).
        finals = (Line.objects.filter(assessment__campaign=campaign, final__isnull=False)
                  .order_by().values_list("assessment_id", "node__area_id")
                  .annotate(s=Sum(Coalesce("corrected_score", "final__score")),
                            corrected=Count("corrected_score")))
        for assessment_id, area_id, final_sum, corrected in finals:
            rows[assessment_id].area_final[area_id] = final_sum
            rows[assessment_id].corrected |= bool(corrected)
    # Formatted here, once per figure: the template's floatformat costs more than the query.
    separator = formats.get_format("DECIMAL_SEPARATOR")
    for row in rows.values():
        shown = row.area_final if row.area_final else row.area_appraised
        row.cells = [fixed2(shown.get(area.pk), separator) for area in areas]
        row.totals = [fixed2(getattr(row.assessment, name), separator)
                      for name in ("self_total", "appraised_total", "final_total")]
    return Summary(campaign, areas, list(rows.values()))


def fixed2(value: Decimal | None, separator: str = ".") -> str:
    """A number with two decimals in the language's separator ("" for none)."""
    return "" if value is None else f"{value:.2f}".replace(".", separator)


@dataclass
class Item:
    node: Node
    line: Line | None = None
    final: Decimal | None = None  # the effective final score: the latest correction's
    final_by_council: bool = False
    decided: Decimal | None = None  # the score decided (council or publication)
    corrections: list = field(default_factory=list)
    computed: object = None
    history: list = field(default_factory=list)


@dataclass
class Bar:
    label: str
    name: str
    maximum: Decimal
    self_points: Decimal
    final_points: Decimal | None
    y: int = 0
    self_width: int = 0
    final_width: int = 0


@dataclass
class Detail:
    assessment: Assessment
    totals: Assessment
    items: list[Item]
    bars: list[Bar]
    gaps: list[Item]
    previous: Assessment | None

    @property
    def chart_height(self) -> int:
        return 40 + 34 * len(self.bars)


CHART_WIDTH = 240  # the bars' full length in the SVG's units (an area's maximum)


def totals_of(assessment: Assessment) -> Assessment:
    """The assessment with its totals, rank (within its campaign) and class."""
    return (Assessment.objects.filter(campaign_id=assessment.campaign_id).with_totals()
            .filter(pk=assessment.pk).get())


def detail(assessment: Assessment, *, with_history: bool = True) -> Detail:
    """The tree with the assessment's lines, its totals, the chart by area, the largest gaps
    between self and final, and last year's result. A fixed number of queries."""
    criteria_set = assessment.campaign.criteria_set
    nodes = list(criteria_set.nodes.order_by("position"))
    lines_qs = Line.objects.filter(assessment=assessment).prefetch_related(
        "evidence__progress_entry", "evidence__assignment__task")
    if with_history:
        lines_qs = lines_qs.prefetch_related("entries__author")
    lines = {line.node_id: line for line in lines_qs}
    finals = {f.node_id: f for f in FinalScore.objects.filter(assessment=assessment)}
    corrections: dict[int, list[Correction]] = {}
    for correction in (Correction.objects.filter(assessment=assessment)
                       .select_related("corrected_by").order_by("pk")):
        corrections.setdefault(correction.node_id, []).append(correction)
    items = []
    for node in nodes:
        item = Item(node, lines.get(node.pk))
        if node.pk in finals:
            item.final = item.decided = finals[node.pk].score
            item.final_by_council = finals[node.pk].by_council
            item.corrections = corrections.get(node.pk, [])
            if item.line is not None and item.line.corrected_score is not None:
                item.final = item.line.corrected_score
        if node.is_component and item.line is None:
            continue  # a line the unit is exempt from
        items.append(item)
    bars = []
    for node in nodes:
        if node.level != Node.Level.AREA:
            continue
        scored = [i for i in items if i.node.area_id == node.pk and i.line]
        self_points = sum((i.line.self_score or 0 for i in scored), Decimal(0))
        final_points = (sum((i.final or 0 for i in scored), Decimal(0)) if finals else None)
        bars.append(Bar(node.number, node.content, node.max_points, self_points, final_points))
    for position, bar in enumerate(bars):
        bar.y = 30 + 34 * position
        scale = CHART_WIDTH / bar.maximum if bar.maximum else 0
        bar.self_width = round(bar.self_points * Decimal(scale))
        bar.final_width = round((bar.final_points or 0) * Decimal(scale))
    gaps = sorted(
        (i for i in items if i.line and i.final is not None
         and (i.line.self_score or 0) != i.final),
        key=lambda i: (-abs((i.line.self_score or 0) - i.final), i.node.position),
    )[:5]
    previous = (Assessment.objects.filter(
        unit_id=assessment.unit_id, campaign__phase=Phase.PUBLISHED,
        campaign__criteria_set__unit_kind=criteria_set.unit_kind,
        campaign__criteria_set__year__lt=criteria_set.year,
    ).order_by("-campaign__criteria_set__year").values_list("campaign_id", "pk").first())
    previous_totals = None
    if previous:
        previous_totals = (Assessment.objects.filter(campaign_id=previous[0]).with_totals()
                           .select_related("campaign__criteria_set").filter(pk=previous[1]).get())
    return Detail(assessment, totals_of(assessment), items, bars, gaps, previous_totals)
