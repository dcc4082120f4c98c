"""The index's demo: the appraiser account, the criteria sets' structure, the 2025 campaign
published for every demo unit, the current year's in self-assessment; idempotent."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Avg

from demo import index as demo_index
from index.models import Assessment, Campaign, Correction, CriteriaSet, Node, Phase
from demo.loader import load_demo
from units.access import APPRAISERS_GROUP

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    today = datetime.date(2026, 12, 8)
    load_demo(today=today, password="demo-pass-2024")
    return today


def test_the_demo_runs_a_published_and_a_current_campaign(loaded):
    appraiser = get_user_model().objects.get(username="appraiser")
    assert appraiser.check_password("demo-pass-2024")
    assert appraiser.groups.filter(name=APPRAISERS_GROUP).exists()
    shapes = {(s.year, s.unit_kind): (s.nodes.filter(level=Node.Level.AREA).count(),
                                      s.nodes.filter(level=Node.Level.CRITERION).count(),
                                      s.components().count(), s.maxima_total())
              for s in CriteriaSet.objects.all()}
    assert shapes[(2025, "provincial")] == (7, 48, 89, 100)
    assert shapes[(2025, "commune")] == (7, 49, 94, 100)
    assert shapes[(2026, "provincial")] == shapes[(2025, "provincial")]  # copied
    published = Campaign.objects.filter(phase=Phase.PUBLISHED)
    assert published.count() == 2
    for campaign in published:
        rows = list(Assessment.objects.filter(campaign=campaign).with_totals())
        assert rows and all(a.submitted_at for a in rows)
        assert campaign.assessments.filter(final_scores__isnull=True).count() == 0
        # units score themselves a little higher than the final
        self_avg = sum(a.self_total for a in rows) / len(rows)
        final_avg = sum(a.final_total for a in rows) / len(rows)
        assert 0 < self_avg - final_avg < 10
    current = Campaign.objects.get(phase=Phase.SELF, criteria_set__unit_kind="provincial")
    tuphap = current.assessments.get(unit__code="STP")
    scored = tuphap.lines.filter(self_score__isnull=False).count()
    assert 0 < scored < tuphap.lines.count() and not tuphap.is_submitted
    assert current.assessments.filter(submitted_at__isnull=False).count() == 1
    exempt = Assessment.objects.get(campaign__in=published, unit__code="TTR")
    assert exempt.exempt and exempt.max_total < 100
    # One reasoned correction after publication in each published campaign
    corrections = Correction.objects.filter(assessment__campaign__in=published)
    assert sorted(corrections.values_list("assessment__campaign_id", flat=True)) == sorted(
        published.values_list("pk", flat=True))
    assert all(c.score > c.old_score and c.reason for c in corrections)


def test_a_second_run_creates_nothing(loaded):
    counts = (CriteriaSet.objects.count(), Campaign.objects.count(), Assessment.objects.count())
    created = demo_index.load(today=loaded, password="demo-pass-2024")
    assert created == {"criteria sets": 0, "campaigns": 0}
    assert (CriteriaSet.objects.count(), Campaign.objects.count(),
            Assessment.objects.count()) == counts
    assert Assessment.objects.aggregate(a=Avg("max_total"))["a"] > 90
