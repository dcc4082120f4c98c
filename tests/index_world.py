"""A small criteria set and campaign for the index tests (100 points, two areas):

I  (60)  1  (60)  1.1 yes/no 20 (evidence required) · 1.2 levels 0;10;20 · 1.3 formula 20 (50..100)
II (40)  2  (40)  2.1 yes/no 30 (procedures only)   · 2.2 computed tasks_on_time 10 (0..100)
"""

import datetime
from decimal import Decimal

from index import services
from index.models import Assessment, Campaign, Line, Node
from units.models import Unit

D = Decimal


def small_tree() -> list[services.NodeSpec]:
    S = services.NodeSpec
    C = Node.Level.COMPONENT
    return [
        S("I", "Công tác chỉ đạo, điều hành CCHC", D(60), Node.Level.AREA, children=[
            S("1", "Kế hoạch CCHC", D(60), Node.Level.CRITERION, children=[
                S("1.1", "Ban hành kế hoạch đúng hạn", D(20), C, method=Node.Method.YES_NO,
                  evidence_required=True),
                S("1.2", "Mức độ cụ thể của kế hoạch", D(20), C, method=Node.Method.LEVELS,
                  levels="0;10;20"),
                S("1.3", "Tỷ lệ nhiệm vụ hoàn thành", D(20), C, method=Node.Method.FORMULA,
                  lower_bound=D(50), upper_bound=D(100)),
            ]),
        ]),
        S("II", "Cải cách thủ tục hành chính", D(40), Node.Level.AREA, children=[
            S("2", "Giải quyết TTHC", D(40), Node.Level.CRITERION, children=[
                S("2.1", "Công khai TTHC", D(30), C, method=Node.Method.YES_NO,
                  procedures_only=True),
                S("2.2", "Nhiệm vụ đúng hạn trên Cổng", D(10), C, method=Node.Method.COMPUTED,
                  source="tasks_on_time"),
            ]),
        ]),
    ]


def make_set(year: int = 2025, kind=Unit.Kind.PROVINCIAL, exempt=()):
    return services.criteria_set_create(year=year, unit_kind=kind, name=f"Bộ chỉ số {year}",
                                        areas=small_tree(), exempt_units=list(exempt))


def open_campaign(criteria_set, units) -> Campaign:
    day = datetime.date(criteria_set.year + 1, 1, 15)
    return services.campaign_open(
        criteria_set=criteria_set, self_until=day, appraisal_until=day + datetime.timedelta(20),
        explanation_until=day + datetime.timedelta(30),
        council_until=day + datetime.timedelta(40), units=units)


def node(campaign: Campaign, number: str) -> Node:
    return campaign.criteria_set.nodes.get(number=number)


def score_self(assessment: Assessment, user, scores: dict[str, str]) -> None:
    nodes = {n.number: n for n in assessment.campaign.criteria_set.components()}
    services.assessment_save_self(assessment=assessment, user=user, inputs={
        nodes[number].pk: services.SelfInput(score=D(score)) for number, score in scores.items()
    })


def add_document(assessment: Assessment, user, number: str = "1.1") -> None:
    line = Line.objects.get(assessment=assessment, node__number=number)
    services.evidence_link(line=line, user=user, document_number="Quyết định số 12/QĐ-STP")


def advance(campaign: Campaign, user, to: int) -> Campaign:
    campaign.refresh_from_db()
    while campaign.phase < to:
        campaign = services.campaign_advance(campaign=campaign, user=user,
                                             expected_phase=campaign.phase)
    return campaign

