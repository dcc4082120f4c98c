"""Query counts of the index's pages, constant in the number of units and lines: each page is
tried at two sizes of a published campaign (demo.index_scale) and must issue the same queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from demo.index_scale import build

SIZES = [(3, 10, 2090), (9, 31, 2091)]


def _count(client, url) -> tuple[int, list[str]]:
    client.get(reverse("index:criteria-set-list"))  # the session's first request does more
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries), [q["sql"] for q in queries]


@pytest.fixture
def campaigns(coordinator):
    return [build(units=u, components=c, year=y, user=coordinator) for u, c, y in SIZES]


# name -> (URL of a campaign, expected queries)
PAGES = {
    # session, the person, the person's groups, the bell's unread count, the campaign, the
    # areas, the assessments with totals and ranks, the sums by area of lines, of final scores
    # (corrected where corrected)
    "index:campaign-results": 9,
    "index:campaign-summary-xlsx": 7,
    # session, the person, the person's groups, the bell's unread count, the campaign, the
    # assessments with their counts
    "index:campaign-detail": 6,
}


@pytest.mark.parametrize("name", PAGES)
def test_campaign_pages_issue_a_fixed_number_of_queries(name, campaigns, as_leader):
    counts = [_count(as_leader, reverse(name, args=[c.pk]))[0] for c in campaigns]
    assert counts == [PAGES[name]] * 2, counts


def test_an_assessments_page_is_constant_in_its_lines(campaigns, as_leader):
    # session, user, groups, the assessment with its campaign and unit, the viewer's role,
    # the nodes, the lines with their evidence (3 prefetches) and history (2 prefetches), the
    # final scores, the corrections, the totals and rank, last year's assessment
    counts = []
    for campaign in campaigns:
        assessment = campaign.assessments.order_by("pk").first()
        counts.append(_count(as_leader, reverse("index:assessment-detail",
                                                args=[assessment.pk]))[0])
    assert counts[0] == counts[1], counts
    assert counts[0] <= 14, counts


def test_the_campaign_list_is_constant(campaigns, as_staff_a):
    # session, the person, the person's groups, the bell's unread count, the campaigns with
    # their counts, the person's assessments
    count, sql = _count(as_staff_a, reverse("index:campaign-list"))
    assert count == 6, sql
