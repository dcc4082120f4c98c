"""Who sees and does what in the index, by role and by phase (beyond the access matrix):
a unit sees only its own assessment before publication, appraisers see all, nobody acts
outside the phase that allows it."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from index import access, services
from index.models import Assessment, Line, Phase
from tests.conftest import _client_for, _user
from tests.index_world import add_document, advance, make_set, node, open_campaign, score_self
from units.access import APPRAISERS_GROUP, is_appraiser


@pytest.fixture
def appraiser(db):
    return _user("appraiser", groups=[APPRAISERS_GROUP])


@pytest.fixture
def as_appraiser(appraiser):
    return _client_for(appraiser)


@pytest.fixture
def campaign(unit_a, unit_b):
    return open_campaign(make_set(), [unit_a, unit_b])


def _assessment(campaign, unit):
    return Assessment.objects.get(campaign=campaign, unit=unit)


def _url(name, assessment):
    return reverse(f"index:{name}", args=[assessment.pk])


def test_is_appraiser_reads_the_group(appraiser, coordinator):
    assert is_appraiser(appraiser) and not is_appraiser(coordinator)


def test_before_publication_a_unit_sees_only_its_own(campaign, unit_a, unit_b, as_staff_a):
    own, other = _assessment(campaign, unit_a), _assessment(campaign, unit_b)
    assert as_staff_a.get(_url("assessment-detail", own)).status_code == 200
    assert as_staff_a.get(_url("assessment-detail", other)).status_code == 404
    assert as_staff_a.get(_url("assessment-xlsx", _assessment(campaign, unit_b))).status_code == 404
    results = reverse("index:campaign-results", args=[campaign.pk])
    assert as_staff_a.get(results).status_code == 404


def test_appraisers_leaders_and_coordinators_see_all(campaign, unit_b, as_appraiser, as_leader,
                                                      as_coordinator):
    url = _url("assessment-detail", _assessment(campaign, unit_b))
    for client in (as_appraiser, as_leader, as_coordinator):
        assert client.get(url).status_code == 200
    results = reverse("index:campaign-results", args=[campaign.pk])
    assert as_appraiser.get(results).status_code == 200


def test_after_publication_everyone_reads_every_result(campaign, unit_b, as_staff_a, coordinator):
    advance(campaign, coordinator, Phase.PUBLISHED)
    other = _assessment(campaign, unit_b)
    assert as_staff_a.get(_url("assessment-detail", other)).status_code == 200
    assert as_staff_a.get(reverse("index:campaign-results", args=[campaign.pk])).status_code == 200


def test_self_assessment_only_by_the_unit_in_its_phase(campaign, unit_a, as_staff_a,
                                                      as_coordinator, as_appraiser,
                                                      coordinator):
    url = _url("assessment-self", _assessment(campaign, unit_a))
    assert as_staff_a.get(url).status_code == 200
    assert as_coordinator.get(url).status_code == 403
    assert as_appraiser.get(url).status_code == 403
    advance(campaign, coordinator, Phase.APPRAISAL)
    assert as_staff_a.get(url).status_code == 403
    assert as_staff_a.post(url, {}).status_code == 403


def test_only_the_head_submits(campaign, unit_a, as_staff_a, as_head_a, head_a):
    assessment = _assessment(campaign, unit_a)
    score_self(assessment, head_a, {"1.1": "20", "1.2": "10", "1.3": "10", "2.1": "30",
                                    "2.2": "5"})
    add_document(assessment, head_a)
    assert as_staff_a.post(_url("assessment-submit", assessment)).status_code == 403
    response = as_head_a.post(_url("assessment-submit", assessment), follow=True)
    assert response.status_code == 200
    assessment.refresh_from_db()
    assert assessment.submitted_by == head_a
    # read-only to the unit afterwards
    assert as_staff_a.get(_url("assessment-self", assessment)).status_code == 403
    # A second submission (another head, another tab) is told so, not refused; staff still are.
    again = as_head_a.post(_url("assessment-submit", assessment), follow=True,
                           headers={"accept-language": "en"})
    assert again.status_code == 200 and "was submitted already" in again.text
    assert as_staff_a.post(_url("assessment-submit", assessment)).status_code == 403


def test_appraisal_by_appraisers_in_the_appraisal_phase(campaign, unit_a, as_appraiser,
                                                       as_staff_a, as_leader, coordinator):
    assessment = _assessment(campaign, unit_a)
    url = _url("assessment-appraise", assessment)
    assert as_appraiser.get(url).status_code == 403  # still self-assessment
    advance(campaign, coordinator, Phase.APPRAISAL)
    assert as_appraiser.get(url).status_code == 200
    assert as_staff_a.get(url).status_code == 403
    assert as_leader.get(url).status_code == 403
    n = node(campaign, "1.2")
    response = as_appraiser.post(url, {f"score-{n.pk}": "10", f"comment-{n.pk}": "Chưa cụ thể"})
    assert response.status_code == 302
    line = Line.objects.get(assessment=assessment, node=n)
    assert line.appraised_score == Decimal("10")
    entry = line.entries.get()
    assert (entry.phase, entry.new_score, entry.comment) == (Phase.APPRAISAL, Decimal("10"),
                                                             "Chưa cụ thể")


def test_a_unit_sees_the_appraised_scores_only_from_the_explanation(
        campaign, unit_a, as_staff_a, coordinator):
    assessment = _assessment(campaign, unit_a)
    advance(campaign, coordinator, Phase.APPRAISAL)
    services.assessment_appraise(assessment=assessment, user=coordinator, inputs={
        node(campaign, "1.2").pk: services.AppraisalInput(Decimal("10"), "Nhận xét bí mật")})
    assert "Nhận xét bí mật" not in as_staff_a.get(_url("assessment-detail", assessment)).text
    advance(campaign, coordinator, Phase.EXPLANATION)
    assert "Nhận xét bí mật" in as_staff_a.get(_url("assessment-detail", assessment)).text


def test_explanation_and_council_in_their_phases(campaign, unit_a, as_staff_a, as_coordinator,
                                                 coordinator):
    assessment = _assessment(campaign, unit_a)
    n = node(campaign, "1.2")
    advance(campaign, coordinator, Phase.EXPLANATION)
    assert as_coordinator.get(_url("assessment-decide", assessment)).status_code == 403
    response = as_staff_a.post(_url("assessment-explain", assessment), {
        f"explain-{n.pk}": "Đã bổ sung kế hoạch chi tiết", f"proposed-{n.pk}": "20"})
    assert response.status_code == 302
    advance(campaign, coordinator, Phase.COUNCIL)
    assert as_staff_a.get(_url("assessment-explain", assessment)).status_code == 403
    page = as_coordinator.get(_url("assessment-decide", assessment))
    assert f'name="final-{n.pk}"' in page.text
    response = as_coordinator.post(_url("assessment-decide", assessment), {
        f"final-{n.pk}": "20", f"reason-{n.pk}": "Chấp nhận giải trình"})
    assert response.status_code == 302
    final = assessment.final_scores.get()
    assert (final.score, final.by_council) == (Decimal("20"), True)


def test_anonymous_is_sent_to_login(campaign, unit_a):
    response = Client().get(_url("assessment-detail", _assessment(campaign, unit_a)))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_helper_refuses_an_unknown_phase_action(campaign, unit_a, staff_a):
    assessment = access.get_assessment(staff_a, _assessment(campaign, unit_a).pk)
    assert access.may(staff_a, assessment, "self", assessment.viewer_role)
    assert not access.may(staff_a, assessment, "submit", assessment.viewer_role)
