"""Totals, ranks and classes (AssessmentQuerySet.with_totals) against a hand-computed example.

Four departments on the small set (tests/index_world.py); C and D handle no administrative
procedures, so they are exempt from line 2.1 (30 points) and scored out of 70, rescaled to 100.

        1.1  1.2  1.3    2.1  2.2   raw    final            class  rank
  A      20   10  15.50   30  7.25  82.75  82.75            B      1
  D      20   10  15.50    -  5.00  50.50  50.5×100/70=72.14 C     2
  B       0   20  10      30  10    70.00  70.00            C      3
  C      20   10  12.50    -  6.50  49.00  49×100/70=70.00  C      3 (a tie shares the rank)

Self-assessments: each unit scored 1.2 at 20 and the appraisers brought A, C and D to 10,
so self totals are A 92.75, B 70.00, C (59 raw) 84.29, D (60.5 raw) 86.43.
"""

from decimal import Decimal

import pytest

from index import results, services
from index.models import Assessment, Phase
from tests.factories import UnitFactory
from tests.index_world import add_document, advance, make_set, node, open_campaign, score_self

D = Decimal


@pytest.fixture
def published(coordinator, admin_user):
    units = {code: UnitFactory(code=code, name=f"Sở {code}") for code in "ABCD"}
    criteria_set = make_set(exempt=[units["C"], units["D"]])
    campaign = open_campaign(criteria_set, list(units.values()))
    scores = {
        "A": {"1.1": "20", "1.2": "20", "1.3": "15.5", "2.1": "30", "2.2": "7.25"},
        "B": {"1.1": "0", "1.2": "20", "1.3": "10", "2.1": "30", "2.2": "10"},
        "C": {"1.1": "20", "1.2": "20", "1.3": "12.5", "2.2": "6.5"},
        "D": {"1.1": "20", "1.2": "20", "1.3": "15.5", "2.2": "5"},
    }
    assessments = {}
    for code, unit in units.items():
        assessment = Assessment.objects.get(campaign=campaign, unit=unit)
        score_self(assessment, admin_user, scores[code])
        if scores[code]["1.1"] != "0":
            add_document(assessment, admin_user)
        services.assessment_submit(assessment=assessment, user=admin_user)
        assessments[code] = assessment
    campaign = advance(campaign, coordinator, Phase.APPRAISAL)
    for code in "ACD":
        services.assessment_appraise(
            assessment=assessments[code], user=coordinator,
            inputs={node(campaign, "1.2").pk: services.AppraisalInput(D(10), "Chưa cụ thể")})
    advance(campaign, coordinator, Phase.PUBLISHED)
    return campaign, assessments


def test_totals_ranks_and_classes_match_the_hand_computed_table(published):
    campaign, _ = published
    rows = {a.unit.code: a for a in Assessment.objects.filter(campaign=campaign)
            .with_totals().select_related("unit")}
    got = {code: (a.final_total, a.rank, a.grade) for code, a in rows.items()}
    assert got == {
        "A": (D("82.75"), 1, "B"),
        "D": (D("72.14"), 2, "C"),
        "B": (D("70.00"), 3, "C"),
        "C": (D("70.00"), 3, "C"),
    }
    assert {code: a.self_total for code, a in rows.items()} == {
        "A": D("92.75"), "B": D("70.00"), "C": D("84.29"), "D": D("86.43")}
    assert {code: a.appraised_total for code, a in rows.items()} == {
        "A": D("82.75"), "B": D("70.00"), "C": D("70.00"), "D": D("72.14")}
    # Decimal, exact to two places: never a float
    assert all(isinstance(a.final_total, Decimal) for a in rows.values())
    assert rows["C"].max_total == D("70") and rows["C"].exempt


def test_the_summary_orders_by_rank_and_sums_areas(published):
    campaign, _ = published
    summary = results.summary(campaign)
    assert [r.unit.code for r in summary.rows] == ["A", "D", "B", "C"]
    area_i, area_ii = summary.areas
    a = summary.rows[0]
    assert a.cells == ["45,50", "37,25"] and a.totals == ["92,75", "82,75", "82,75"]  # vi
    assert a.area_self[area_i.pk] == D("55.50")


def test_without_rescaling_an_exempt_unit_keeps_its_raw_points(published):
    campaign, _ = published
    criteria_set = campaign.criteria_set
    criteria_set.rescale_exempt = False
    criteria_set.save()
    c = Assessment.objects.filter(campaign=campaign).with_totals().get(unit__code="C")
    assert c.final_total == D("49.00") and c.grade == "D"


def test_a_unit_detail_has_its_rank_chart_and_gaps(published):
    campaign, assessments = published
    detail = results.detail(assessments["A"])
    assert (detail.totals.rank, detail.totals.final_total) == (1, D("82.75"))
    assert [(b.label, b.self_points, b.final_points) for b in detail.bars] == [
        ("I", D("55.50"), D("45.50")), ("II", D("37.25"), D("37.25"))]
    assert [g.node.number for g in detail.gaps] == ["1.2"]
    assert detail.bars[0].self_width == round(D("55.50") * 240 / 60)
