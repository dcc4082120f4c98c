"""The index's rules held by the database itself (constraints and PostgreSQL triggers): a
write that bypasses the services is refused too."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.utils import DatabaseError
from django.utils import translation

from index import services
from index.models import Assessment, Campaign, FinalScore, Line, ScoreEntry
from tests.index_world import add_document, advance, make_set, node, open_campaign, score_self


@pytest.fixture
def campaign(unit_a, unit_b):
    return open_campaign(make_set(), [unit_a, unit_b])


def _line(campaign, unit, number):
    return Line.objects.get(assessment__campaign=campaign, assessment__unit=unit,
                            node__number=number)


def _refused(write) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        write()


@pytest.mark.parametrize("number, score", [
    ("1.1", "25"),    # above the maximum of 20
    ("1.1", "-1"),    # negative
    ("1.1", "10"),    # yes/no: 0 or 20 only
    ("1.2", "15"),    # levels: 0, 10 or 20 only
    ("1.3", "20.01"),
])
def test_a_score_outside_its_line_is_refused(campaign, unit_a, number, score):
    line = _line(campaign, unit_a, number)
    _refused(lambda: Line.objects.filter(pk=line.pk).update(self_score=Decimal(score)))


def test_an_allowed_score_is_stored(campaign, unit_a):
    line = _line(campaign, unit_a, "1.2")
    Line.objects.filter(pk=line.pk).update(self_score=Decimal("10"))
    line.refresh_from_db()
    assert line.self_score == Decimal("10")


def test_one_assessment_per_unit_and_campaign(campaign, unit_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(campaign=campaign, unit=unit_a, max_total=Decimal("100"))


def test_phases_only_move_forward_one_step(campaign, coordinator):
    advance(campaign, coordinator, 3)
    _refused(lambda: Campaign.objects.filter(pk=campaign.pk).update(phase=2))
    _refused(lambda: Campaign.objects.filter(pk=campaign.pk).update(phase=5))
    with pytest.raises(services.RuleError):
        services.campaign_advance(campaign=campaign, user=coordinator, expected_phase=2)
    campaign.refresh_from_db()
    assert campaign.phase == 3


def test_campaign_dates_in_order(unit_a):
    criteria_set = make_set(year=2024)
    day = datetime.date(2025, 1, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.create(criteria_set=criteria_set, self_until=day,
                                appraisal_until=day - datetime.timedelta(1),
                                explanation_until=day, council_until=day)


def test_score_history_is_append_only(campaign, unit_a, staff_a):
    assessment = Assessment.objects.get(campaign=campaign, unit=unit_a)
    score_self(assessment, staff_a, {"1.2": "10"})
    entry = ScoreEntry.objects.get()
    assert (entry.old_score, entry.new_score, entry.author) == (None, Decimal("10"), staff_a)
    _refused(lambda: ScoreEntry.objects.filter(pk=entry.pk).update(new_score=Decimal("20")))
    _refused(lambda: ScoreEntry.objects.filter(pk=entry.pk).delete())


def test_a_submitted_self_assessment_is_immutable(campaign, unit_a, head_a):
    assessment = Assessment.objects.get(campaign=campaign, unit=unit_a)
    score_self(assessment, head_a, {"1.1": "20", "1.2": "10", "1.3": "10", "2.1": "0",
                                    "2.2": "5"})
    add_document(assessment, head_a)
    services.assessment_submit(assessment=assessment, user=head_a)
    line = _line(campaign, unit_a, "1.2")
    _refused(lambda: Line.objects.filter(pk=line.pk).update(self_score=Decimal("20")))
    _refused(lambda: Assessment.objects.filter(pk=assessment.pk).update(submitted_at=None,
                                                                        submitted_by=None))
    with pytest.raises(services.RuleError):
        score_self(assessment, head_a, {"1.2": "20"})


def test_one_final_score_per_line_and_it_never_changes(campaign, unit_a, coordinator):
    assessment = Assessment.objects.get(campaign=campaign, unit=unit_a)
    advance(campaign, coordinator, 4)
    n = node(campaign, "1.2")
    services.assessment_decide(assessment=assessment, user=coordinator, inputs={
        n.pk: services.DecisionInput(Decimal("10"), "Hội đồng quyết định")})
    with pytest.raises(IntegrityError), transaction.atomic():
        FinalScore.objects.create(line=Line.objects.get(assessment=assessment, node=n),
                                  assessment=assessment, node=n, area=n.area, score=0,
                                  decided_by=coordinator)
    with pytest.raises(services.RuleError, match="decided already"), translation.override("en"):
        services.assessment_decide(assessment=assessment, user=coordinator, inputs={
            n.pk: services.DecisionInput(Decimal("20"), "Lần hai")})
    final = FinalScore.objects.get()
    _refused(lambda: FinalScore.objects.filter(pk=final.pk).update(score=Decimal("20")))
    # publication fills the other lines from the appraised (here the unit's own) scores
    advance(campaign, coordinator, 5)
    assert FinalScore.objects.filter(assessment=assessment).count() == 5


def test_a_council_decision_needs_a_reason(campaign, unit_a, coordinator):
    assessment = Assessment.objects.get(campaign=campaign, unit=unit_a)
    n = node(campaign, "1.2")
    with pytest.raises(IntegrityError), transaction.atomic():
        FinalScore.objects.create(line=Line.objects.get(assessment=assessment, node=n),
                                  assessment=assessment, node=n, area=n.area, score=10,
                                  by_council=True, decided_by=coordinator)


def test_criteria_set_thresholds_and_sums(db):
    with pytest.raises(services.RuleError, match="add up"), translation.override("en"):
        services.criteria_set_create(year=2030, unit_kind="provincial", name="Sai",
                                     areas=make_bad_tree(), total_points=Decimal("100"))


def make_bad_tree():
    from tests.index_world import small_tree

    tree = small_tree()
    tree[0].children[0].children[0].max_points = Decimal("25")  # 1.1 now 25: 1 sums to 65
    return tree


def test_an_exempt_unit_has_no_procedure_lines(unit_a, unit_b):
    campaign = open_campaign(make_set(year=2023, exempt=[unit_b]), [unit_a, unit_b])
    b = Assessment.objects.get(campaign=campaign, unit=unit_b)
    assert (b.exempt, b.max_total, b.lines.count()) == (True, Decimal("70"), 4)
    assert not b.lines.filter(node__number="2.1").exists()
