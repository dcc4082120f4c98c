"""Two people doing the same thing at once get one result and a message, never a 500:
two submits of one self-assessment, two council decisions on one line, two phase moves."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from index import services
from index.models import Assessment, Campaign, FinalScore
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.index_world import add_document, advance, make_set, node, open_campaign, score_self
from units.access import COORDINATORS_GROUP
from units.models import Membership

pytestmark = pytest.mark.django_db(transaction=True)


def _at_once(*calls):
    """Run the calls in threads released together; each thread has its own connection."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except Exception as error:  # noqa: BLE001 - the test asserts what each one got
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.fixture
def ready(settings, tmp_path):
    """A scored self-assessment of unit A, with two heads who may submit it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    unit = UnitFactory(code="A01", name="Sở Tư pháp")
    heads = [UserFactory(username=f"head{i}") for i in range(2)]
    for head in heads:
        MembershipFactory(user=head, unit=unit, role=Membership.Role.HEAD)
    campaign = open_campaign(make_set(), [unit])
    assessment = Assessment.objects.get(campaign=campaign)
    score_self(assessment, heads[0], {"1.1": "20", "1.2": "10", "1.3": "10", "2.1": "30",
                                      "2.2": "5"})
    add_document(assessment, heads[0])
    return campaign, assessment, heads


def test_two_submits_at_once_give_one_submission_and_a_message(ready):
    campaign, assessment, heads = ready
    clients = []
    for head in heads:
        client = Client()
        client.force_login(head)
        clients.append(client)
    url = reverse("index:assessment-submit", args=[assessment.pk])
    responses = _at_once(*[
        (lambda c=c: c.post(url, follow=True, headers={"accept-language": "en"}))
        for c in clients])
    assert [r.status_code for r in responses] == [200, 200]
    texts = [r.text for r in responses]
    assert sum("is submitted to the appraisal team" in t for t in texts) == 1
    assert sum("was submitted already" in t for t in texts) == 1
    assessment.refresh_from_db()
    assert assessment.submitted_by in heads


def test_two_council_decisions_on_one_line_give_one_final_score(ready):
    campaign, assessment, _heads = ready
    coordinators = [UserFactory(username=f"c{i}", groups=[COORDINATORS_GROUP]) for i in range(2)]
    advance(campaign, coordinators[0], 4)
    n = node(campaign, "1.2")
    results = _at_once(*[
        (lambda u=u, s=s: services.assessment_decide(
            assessment=assessment, user=u,
            inputs={n.pk: services.DecisionInput(Decimal(s), "Quyết định của hội đồng")}))
        for u, s in zip(coordinators, ("10", "20"), strict=True)])
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], services.RuleError)
    assert FinalScore.objects.filter(assessment=assessment, node=n).count() == 1


def test_two_phase_moves_at_once_move_one_step(ready):
    campaign, _assessment, heads = ready
    coordinators = [UserFactory(username=f"m{i}", groups=[COORDINATORS_GROUP]) for i in range(2)]
    results = _at_once(*[
        (lambda u=u: services.campaign_advance(campaign=campaign, user=u, expected_phase=1))
        for u in coordinators])
    assert sum(isinstance(r, services.RuleError) for r in results) == 1
    assert Campaign.objects.get(pk=campaign.pk).phase == 2
