"""The period page shows the official report's links only to those the report's views let in
(reports.access, the one rule): each role sees exactly the links it may follow."""

import re

import pytest
from django.urls import reverse

from reports import pdf
from tests import official_world

OFFICIAL = ("reports:report-docx", "reports:report-pdf", "reports:report-xlsx",
            "reports:narrative-edit")


@pytest.fixture
def world(unit_a, unit_b, coordinator):
    return official_world.build(unit_a=unit_a, unit_b=unit_b, coordinator=coordinator)


def _official_links(client, period) -> set[str]:
    page = client.get(reverse("insight:period-report", args=[period.pk]))
    assert page.status_code == 200
    return set(re.findall(r'href="([^"]*/official/[^"]*)"', page.content.decode()))


@pytest.mark.parametrize("role, sees", [
    ("as_coordinator", True), ("as_leader", True), ("as_staff_a", False), ("as_head_a", False),
])
@pytest.mark.parametrize("closed", [True, False])
def test_each_role_sees_exactly_the_links_it_may_follow(request, role, sees, closed, world):
    client = request.getfixturevalue(role)
    period = world.period if closed else world.open_period
    shown = _official_links(client, period)
    every = {reverse(name, args=[period.pk]) for name in OFFICIAL}
    if not pdf.soffice():
        every.discard(reverse("reports:report-pdf", args=[period.pk]))
    assert shown == (every if sees else set())
    for name in OFFICIAL:
        url = reverse(name, args=[period.pk])
        if name == "reports:report-pdf" and (url not in shown or not closed):
            continue  # one LibreOffice conversion is enough for this test
        status = client.get(url).status_code
        assert status == (200 if url in shown else 403), (role, url, status)


def test_the_text_link_says_what_the_reader_may_do(as_coordinator, as_leader, world):
    url = reverse("insight:period-report", args=[world.period.pk])
    coordinator = as_coordinator.get(url).content.decode()
    leader = as_leader.get(url).content.decode()
    assert "Sửa nội dung báo cáo định kỳ" in coordinator
    assert "Sửa nội dung báo cáo định kỳ" not in leader and "Nội dung báo cáo định kỳ" in leader
