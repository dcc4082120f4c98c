"""Survey pages by role: results, comments, paper entry, exports, questionnaires; query counts."""

import csv
import io
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from openpyxl import load_workbook

from surveys.models import Campaign, Question, Questionnaire, Response
from surveys.results import Share
from surveys.services import Schema, response_submit
from tests.factories import UnitFactory
from tests.test_surveys_flow import campaign, full_answers, questionnaire, schema  # noqa: F401


def results_url(campaign, unit=None):
    if unit is None:
        return reverse("surveys:campaign-results", args=[campaign.pk])
    return reverse("surveys:unit-results", args=[campaign.pk, unit.pk])


@pytest.fixture
def answered(campaign, unit_a, unit_b, schema):
    response_submit(campaign=campaign, unit=unit_a, schema=schema,
                    answers=full_answers(schema, improve=(1, 2)), comment="Cán bộ rất tận tình")
    response_submit(campaign=campaign, unit=unit_a, schema=schema,
                    answers=full_answers(schema, level=2, improve=(2,)))
    response_submit(campaign=campaign, unit=unit_b, schema=schema,
                    answers=full_answers(schema, level=4), comment="Phòng chờ chật")
    return campaign


def test_staff_see_their_unit_only(as_staff_a, answered, unit_a, unit_b):
    page = as_staff_a.get(results_url(answered, unit_a))
    assert page.status_code == 200
    assert "Cán bộ rất tận tình" in page.content.decode()  # the unit reads its comments
    assert "Phòng chờ chật" not in page.content.decode()
    assert as_staff_a.get(results_url(answered, unit_b)).status_code == 404
    assert as_staff_a.get(results_url(answered)).status_code == 404
    assert as_staff_a.get(reverse("surveys:campaign-results-csv",
                                  args=[answered.pk])).status_code == 404


def test_leader_reads_results_but_not_comments(as_leader, answered, unit_a):
    page = as_leader.get(results_url(answered, unit_a)).content.decode()
    assert "50,00 %" in page  # one satisfied of two
    assert "Cán bộ rất tận tình" not in page
    province = as_leader.get(results_url(answered))
    assert province.status_code == 200
    assert "dưới chỉ tiêu" in province.content.decode()  # unit A at 50% < 90%


def test_coordinator_reads_comments(as_coordinator, answered, unit_b):
    assert "Phòng chờ chật" in as_coordinator.get(results_url(answered, unit_b)).content.decode()


def test_results_query_counts_do_not_grow(as_coordinator, campaign, unit_a, schema,
                                          django_assert_num_queries):
    def count(url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert as_coordinator.get(url).status_code == 200
        return len(queries)

    response_submit(campaign=campaign, unit=unit_a, schema=schema, answers=full_answers(schema))
    as_coordinator.get(results_url(campaign))  # the first request renews the session: not counted
    small = (count(results_url(campaign)), count(results_url(campaign, unit_a)))
    for n in range(20):
        unit = UnitFactory()
        campaign.campaign_units.create(unit=unit, short_code=f"t{n:05d}")
        response_submit(campaign=campaign, unit=unit, schema=schema,
                        answers=full_answers(schema, level=1 + n % 5))
    assert (count(results_url(campaign)), count(results_url(campaign, unit_a))) == small
    # The province page: session, person, groups, campaign, previous campaign, questions,
    # options, campaign tallies (this one's; none before), unit tallies, covered units, unit
    # names.
    with django_assert_num_queries(small[0]):
        as_coordinator.get(results_url(campaign))


def test_paper_entry_by_staff(as_staff_a, as_staff_b, campaign, unit_a, schema, staff_a):
    url = reverse("surveys:paper-entry", args=[campaign.pk, unit_a.pk])
    assert as_staff_b.get(url).status_code == 404
    data = {f"r0-{q.code}": "4" for q in schema.questions if q.is_scaled}
    data |= {f"r1-{q.code}": "2" for q in schema.questions if q.is_scaled}
    data |= {"r0-TTHC": "1", "r0-CAITHIEN": ["1", "3"], "r1-comment": "Chờ lâu"}
    response = as_staff_a.post(url, data)
    assert response.status_code == 302
    stored = list(Response.objects.order_by("pk"))
    assert [r.channel for r in stored] == ["paper", "paper"]
    assert stored[0].entered_by == staff_a and stored[0].land_sector
    assert stored[0].answers["CAITHIEN"] == [1, 3]


def test_paper_entry_refuses_a_bad_row_and_saves_nothing(as_staff_a, campaign, unit_a, schema):
    url = reverse("surveys:paper-entry", args=[campaign.pk, unit_a.pk])
    data = {f"r0-{q.code}": "4" for q in schema.questions if q.is_scaled}
    data |= {f"r1-{q.code}": "9" for q in schema.questions if q.is_scaled}  # out of scale
    response = as_staff_a.post(url, data)
    assert response.status_code == 200
    assert "từ 1 đến 5" in response.content.decode()
    data = {"r0-A1": "4"}  # required answers missing
    assert "Thiếu câu trả lời bắt buộc" in as_staff_a.post(url, data).content.decode()
    assert not Response.objects.exists()


def test_leader_may_not_enter_paper_forms(as_leader, campaign, unit_a):
    url = reverse("surveys:paper-entry", args=[campaign.pk, unit_a.pk])
    assert as_leader.get(url).status_code == 403


def test_exports_count_several_choices_per_option(as_coordinator, answered, unit_a):
    body = b"".join(as_coordinator.get(reverse("surveys:campaign-results-csv",
                                               args=[answered.pk])).streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "Mã đơn vị"
    whole = {(r[2], r[4]): int(r[6]) for r in rows[1:] if r[0] == ""}
    # Options chosen: (1, 2), (2,) and (1, 3): counted per option, never per combination.
    assert [whole[("CAITHIEN", v)] for v in "123"] == [2, 2, 1]
    assert whole[("HL", "5")] == 1 and whole[("N", "0")] == 3
    unit_rows = {(r[2], r[4]): int(r[6]) for r in rows[1:] if r[0] == unit_a.code}
    assert unit_rows[("CAITHIEN", "2")] == 2
    xlsx = as_coordinator.get(reverse("surveys:campaign-results-xlsx", args=[answered.pk]))
    book = load_workbook(io.BytesIO(xlsx.content))
    sheet = book["Câu hỏi"]
    counts = {(r[0], r[2]): (r[4], r[5]) for r in sheet.iter_rows(min_row=5, values_only=True)}
    assert counts[("CAITHIEN", 2)] == (2, 66.67)  # two of three responses chose it
    units = {r[0]: r for r in book["Đơn vị"].iter_rows(min_row=2, values_only=True)}
    assert units[unit_a.code][2:5] == (2, 2, 50.0) and units[unit_a.code][6] == "x"


def test_coordinator_creates_a_campaign(as_coordinator, questionnaire, unit_a, unit_b, today):
    response = as_coordinator.post(reverse("surveys:campaign-create"), {
        "title": "Khảo sát 6 tháng cuối năm", "code": "quan-ly",
        "start_date": today.strftime("%d/%m/%Y"), "end_date": today.strftime("%d/%m/%Y"),
        "questionnaire": questionnaire.pk, "target": "90", "land_target": "85",
    })
    assert "dành riêng" in response.content.decode()  # a reserved code: a form error
    response = as_coordinator.post(reverse("surveys:campaign-create"), {
        "title": "Khảo sát 6 tháng cuối năm", "code": "2026-h2",
        "start_date": today.strftime("%d/%m/%Y"), "end_date": today.strftime("%d/%m/%Y"),
        "questionnaire": questionnaire.pk, "target": "90", "land_target": "85",
        "units": [unit_a.pk, unit_b.pk],
    })
    assert response.status_code == 302
    campaign = Campaign.objects.get(code="2026-h2")
    assert sorted(campaign.campaign_units.values_list("unit__code", flat=True)) == ["A01", "B01"]
    assert len({cu.short_code for cu in campaign.campaign_units.all()}) == 2


def test_questionnaire_edit_refused_once_answered(as_coordinator, answered, questionnaire):
    url = reverse("surveys:questionnaire-edit", args=[questionnaire.pk])
    data = {}
    for q in questionnaire.questions.all():
        data |= {f"q{q.pk}-text_vi": "Đổi", f"q{q.pk}-required": "on"}
    for f in questionnaire.factors.all():
        data |= {f"f{f.pk}-title_vi": f.title_vi}
    response = as_coordinator.post(url, data)
    assert response.status_code == 200
    assert "không thể sửa" in response.content.decode()
    assert not Question.objects.filter(text_vi="Đổi").exists()
    copy = as_coordinator.post(reverse("surveys:questionnaire-copy", args=[questionnaire.pk]))
    new = Questionnaire.objects.get(version=2)
    assert copy["Location"] == reverse("surveys:questionnaire-edit", args=[new.pk])
    assert new.questions.count() == questionnaire.questions.count() == 38
    assert Schema.of(new).land_positions() == {1, 2, 3}


def test_default_questionnaire_is_sipas(questionnaire):
    kinds = list(questionnaire.questions.values_list("kind", flat=True))
    assert questionnaire.factors.count() == 5
    assert kinds.count("criterion") == 22
    assert kinds.count("factor_satisfaction") == kinds.count("expectation") == 5
    assert kinds.count("overall") == 1 and kinds.count("multiple") == 1
    assert all(q.text_en for q in questionnaire.questions.all())


def test_share_tag_and_signed_filter():
    from django.utils import translation

    with translation.override("vi"):
        rendered = Template("{% load surveys %}{% share s %}|{% share none %}|{{ g|signed }}").render(
            Context({"s": Share(n=4, satisfied=3), "none": None, "g": Decimal("0.25")}))
    assert rendered == ('<strong>75,00 %</strong> <small class="muted">± 42,4 · n = 4</small>'
                        '|<span class="muted">–</span>|+0,25')


def test_demo_loads_twice_without_new_answers(db, today):
    from demo.loader import load_demo

    load_demo(today=today)
    count = Response.objects.count()
    assert count > 2000
    load_demo(today=today)
    assert Response.objects.count() == count
    campaigns = list(Campaign.objects.order_by("start_date"))
    assert campaigns[0].closed_at is not None and campaigns[-1].is_open()
