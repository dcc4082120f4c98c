"""Satisfaction surveys: the public form, anti-abuse, paper entry, results, the plan's feed."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from plans.models import Indicator, IndicatorValue
from plans.services import ensure_periods
from surveys.forms import make_token
from surveys.models import (
    Campaign,
    CampaignTally,
    Question,
    Refusal,
    Response,
    UnitTally,
)
from surveys.results import build, campaign_counts, share, unit_counts
from surveys.services import (
    Schema,
    campaign_close,
    campaign_rebuild_tallies,
    campaign_recompute,
    campaign_save,
    purge_ended_campaigns,
    questionnaire_default,
    questionnaire_update,
    response_submit,
)


@pytest.fixture
def questionnaire(db):
    return questionnaire_default()


@pytest.fixture
def schema(questionnaire):
    return Schema.of(questionnaire)


@pytest.fixture
def campaign(plan, questionnaire, unit_a, unit_b, today):
    ensure_periods(plan)
    overall = Indicator.objects.create(plan=plan, name="Mức độ hài lòng", target=Decimal(90))
    land = Indicator.objects.create(plan=plan, name="Hài lòng đất đai", target=Decimal(85))
    return campaign_save(campaign=Campaign(
        code="dot-1", title="Khảo sát mức độ hài lòng thử", questionnaire=questionnaire,
        start_date=today - datetime.timedelta(days=5), end_date=today + datetime.timedelta(days=5),
        period=plan.periods.get(kind="year"), overall_indicator=overall, land_indicator=land,
    ), units=[unit_a, unit_b])


def full_answers(schema, level=5, procedure=4, improve=(1, 3)) -> dict:
    answers = {}
    for q in schema.questions:
        if q.is_scaled:
            answers[q.code] = level
        elif q.kind == Question.Kind.PROCEDURE:
            answers[q.code] = procedure
        elif q.kind == Question.Kind.MULTIPLE and improve:
            answers[q.code] = list(improve)
    return answers


def post_data(campaign, unit, answers, **extra) -> dict:
    data = {"token": make_token(campaign, unit), "comment": "", "website": ""}
    for code, value in answers.items():
        data[code] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data | extra


def form_url(campaign, unit, kiosk=False):
    return reverse("surveys:kiosk-form" if kiosk else "surveys:response-form",
                   args=[campaign.code, unit.code])


# --- The public form ---------------------------------------------------------------------------


def test_anonymous_answers_and_sees_only_thanks(anonymous, campaign, unit_a, schema):
    page = anonymous.get(form_url(campaign, unit_a))
    assert page.status_code == 200
    assert "Rất hài lòng" in page.content.decode()
    response = anonymous.post(form_url(campaign, unit_a), post_data(campaign, unit_a,
                                                                     full_answers(schema)))
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:response-thanks",
                                           args=[campaign.code, unit_a.code])
    stored = Response.objects.get()
    assert stored.channel == "web" and stored.overall == 5 and stored.unit == unit_a
    assert stored.address_hash and "127.0.0.1" not in stored.address_hash
    thanks = anonymous.get(response["Location"]).content.decode()
    assert "Cảm ơn" in thanks or "Thank you" in thanks
    assert "%" not in thanks  # nothing of others' answers


def test_kiosk_thanks_resets_with_meta_refresh(anonymous, campaign, unit_a, schema):
    response = anonymous.post(form_url(campaign, unit_a, kiosk=True),
                              post_data(campaign, unit_a, full_answers(schema)))
    assert Response.objects.get().channel == "kiosk"
    page = anonymous.get(response["Location"]).content.decode()
    kiosk = form_url(campaign, unit_a, kiosk=True)
    assert f'http-equiv="refresh" content="8;url={kiosk}"' in page
    assert "<script" not in page


def test_several_choices_count_per_option(anonymous, campaign, unit_a, schema):
    anonymous.post(form_url(campaign, unit_a),
                   post_data(campaign, unit_a, full_answers(schema, improve=(1, 3))))
    anonymous.post(form_url(campaign, unit_a),
                   post_data(campaign, unit_a, full_answers(schema, level=4, improve=(3,))))
    counts = campaign_counts(campaign)
    assert counts["CAITHIEN"] == {1: 1, 3: 2}
    results = build(schema, counts)
    improve = next(c for c in results.choices if c.question.code == "CAITHIEN")
    assert [(o.count, o.percent) for o in improve.options][:3] == [
        (1, Decimal("50.0")), (0, Decimal("0.0")), (2, Decimal("100.0"))]


@pytest.mark.parametrize("change, message", [
    (lambda d: d.pop("HL"), "Vui lòng trả lời câu hỏi này"),
    (lambda d: d.update(HL="7"), "Hãy chọn một trong các câu trả lời"),
    (lambda d: d.update(comment="x" * 1_000_000), "2000"),
    (lambda d: d.update(comment="<script>alert(1)</script>"), "&lt;"),
])
def test_bad_input_is_refused_with_a_message(anonymous, campaign, unit_a, schema, change,
                                             message):
    data = post_data(campaign, unit_a, full_answers(schema))
    change(data)
    response = anonymous.post(form_url(campaign, unit_a), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Response.objects.exists()
    assert Refusal.objects.get(reason="invalid").count == 1


def test_nul_bytes_and_forged_codes(anonymous, campaign, unit_a, unit_c_factory, schema):
    data = post_data(campaign, unit_a, full_answers(schema), comment="a\x00b")
    assert anonymous.post(form_url(campaign, unit_a), data).status_code == 400
    other = unit_c_factory()  # a unit the campaign does not cover
    forged = anonymous.post(reverse("surveys:response-form", args=[campaign.code, other.code]),
                            post_data(campaign, unit_a, full_answers(schema)))
    assert forged.status_code == 404
    assert "không tồn tại" in forged.content.decode()
    # A token of unit A sent to unit B's form: refused, counted.
    stolen = anonymous.post(form_url(campaign, other) if False else
                            reverse("surveys:response-form", args=[campaign.code, "B01"]),
                            post_data(campaign, unit_a, full_answers(schema)))
    assert stolen.status_code == 400
    assert not Response.objects.exists()
    reasons = dict(Refusal.objects.values_list("reason", "count"))
    assert reasons == {"unknown_form": 1, "expired": 1}


@pytest.fixture
def unit_c_factory(db):
    from tests.factories import UnitFactory

    return lambda: UnitFactory(code="C99", name="Xã khác")


def test_honeypot_pretends_and_counts(anonymous, campaign, unit_a, schema):
    response = anonymous.post(form_url(campaign, unit_a),
                              post_data(campaign, unit_a, full_answers(schema), website="x"))
    assert response.status_code == 302
    assert not Response.objects.exists()
    assert Refusal.objects.get(reason="honeypot").count == 1


def test_duplicates_are_refused_and_counted(anonymous, campaign, unit_a, schema):
    data = post_data(campaign, unit_a, full_answers(schema))
    anonymous.post(form_url(campaign, unit_a), data)
    again = anonymous.post(form_url(campaign, unit_a), data)  # the same token: a replay
    assert again.status_code == 302
    # The same answers from the same address with a fresh token, within the window.
    anonymous.post(form_url(campaign, unit_a), post_data(campaign, unit_a, full_answers(schema)))
    assert Response.objects.count() == 1
    assert Refusal.objects.get(reason="duplicate").count == 2


def test_rate_limit_per_address_and_unit(anonymous, campaign, unit_a, schema, settings):
    settings.SURVEY_RATE_PER_ADDRESS = "3/h"
    statuses = [anonymous.post(form_url(campaign, unit_a), post_data(
        campaign, unit_a, full_answers(schema, level=1 + n % 5, procedure=1 + n))).status_code
        for n in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    assert Response.objects.count() == 3
    assert Refusal.objects.get(reason="rate_limited").count == 2


def test_closed_campaign_refuses(anonymous, campaign, unit_a, schema, coordinator):
    campaign_close(campaign=campaign, user=coordinator)
    assert anonymous.get(form_url(campaign, unit_a)).status_code == 410
    response = anonymous.post(form_url(campaign, unit_a),
                              post_data(campaign, unit_a, full_answers(schema)))
    assert response.status_code == 410
    assert Refusal.objects.get(reason="closed").count == 1


def test_short_link_redirects_to_the_form(anonymous, campaign, unit_a):
    short = campaign.campaign_units.get(unit=unit_a).short_code
    response = anonymous.get(reverse("surveys:short-link", args=[short]))
    assert response["Location"] == form_url(campaign, unit_a)
    assert anonymous.get(reverse("surveys:short-link", args=["nope"])).status_code == 404


@hsettings(max_examples=25, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(st.sampled_from(["HL", "A1", "TTHC", "CAITHIEN", "comment", "token",
                                             "website", "GIOI"]),
                            st.text(max_size=50).filter(lambda s: "\x00" not in s)))
def test_any_input_never_500(anonymous, campaign, unit_a, data):
    response = anonymous.post(form_url(campaign, unit_a), data)
    assert response.status_code in (302, 400)
    assert not Response.objects.exists() or response.status_code == 302


# --- Questionnaire frozen once answered -----------------------------------------------------


def test_questionnaire_frozen_once_answered(campaign, unit_a, schema, questionnaire):
    from django.core.exceptions import ValidationError

    question = questionnaire.questions.get(code="A1")
    questionnaire_update(questionnaire=questionnaire, intro={},
                         questions={question.pk: {"text_vi": "Mới"}}, factors={})
    response_submit(campaign=campaign, unit=unit_a, schema=schema, answers=full_answers(schema))
    with pytest.raises(ValidationError):
        questionnaire_update(questionnaire=questionnaire, intro={},
                             questions={question.pk: {"text_vi": "Mới hơn"}}, factors={})
    with pytest.raises(IntegrityError), transaction.atomic():
        type(question).objects.filter(pk=question.pk).update(text_vi="Qua cơ sở dữ liệu")
    with pytest.raises(IntegrityError), transaction.atomic():
        question.options.model.objects.filter(question__questionnaire=questionnaire).delete()
    other = questionnaire_default().__class__.objects.create(name="Khác")
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(questionnaire=other)
    assert connection.vendor == "postgresql"


# --- Tallies, results, the plan's feed, purge ------------------------------------------------


def test_tallies_match_a_rebuild_from_the_responses(campaign, unit_a, unit_b, schema):
    for n in range(12):
        answers = full_answers(schema, level=1 + n % 5, procedure=1 + n % 7,
                               improve=(1 + n % 5,) if n % 3 else ())
        response_submit(campaign=campaign, unit=unit_a if n % 2 else unit_b, schema=schema,
                        answers=answers)
    before_units = sorted(UnitTally.objects.values_list("unit_id", "item", "value", "count"))
    before = campaign_counts(campaign)
    campaign_rebuild_tallies(campaign=campaign)
    assert sorted(UnitTally.objects.values_list("unit_id", "item", "value", "count")) == \
        before_units
    assert campaign_counts(campaign) == before
    assert sum(CampaignTally.objects.filter(item="N").values_list("count", flat=True)) == 12
    results = build(schema, unit_counts(campaign, unit_a.pk))
    assert results.responses == 6


def test_share_and_margin_of_error():
    figure = share({5: 30, 4: 50, 3: 15, 1: 5})
    assert figure.n == 100 and figure.percent == Decimal("80.00")
    assert figure.margin == Decimal("7.8")  # 1.96 * sqrt(.8 * .2 / 100) = 0.0784
    assert share({}).percent is None


def test_closing_feeds_the_plan_and_purges(campaign, unit_a, schema, coordinator, today):
    for n in range(10):
        response_submit(campaign=campaign, unit=unit_a, schema=schema,
                        answers=full_answers(schema, level=5 if n < 8 else 2,
                                             procedure=1 if n < 4 else 4),
                        address=f"10.0.0.{n}")
    assert Response.objects.filter(address_hash__isnull=False).count() == 10
    campaign_close(campaign=campaign, user=coordinator)
    values = {v.indicator.name: v for v in IndicatorValue.objects.select_related("indicator")}
    assert values["Mức độ hài lòng"].actual == Decimal("80.00")
    assert values["Mức độ hài lòng"].note == "Khảo sát mức độ hài lòng thử: 10 phiếu"
    assert values["Hài lòng đất đai"].actual == Decimal("100.00")  # the 4 land files: all 5
    assert not Response.objects.filter(address_hash__isnull=False).exists()
    campaign.refresh_from_db()
    assert campaign.salt == ""


def test_recompute_updates_the_value(campaign, unit_a, schema, coordinator):
    response_submit(campaign=campaign, unit=unit_a, schema=schema, answers=full_answers(schema))
    campaign_recompute(campaign=campaign, user=coordinator)
    response_submit(campaign=campaign, unit=unit_a, schema=schema,
                    answers=full_answers(schema, level=1))
    campaign_recompute(campaign=campaign, user=coordinator)
    value = IndicatorValue.objects.get(indicator=campaign.overall_indicator)
    assert value.actual == Decimal("50.00") and value.note.endswith("2 phiếu")


def test_purge_command_erases_ended_campaigns_only(campaign, unit_a, schema, today):
    from django.core.management import call_command

    response_submit(campaign=campaign, unit=unit_a, schema=schema, answers=full_answers(schema),
                    address="10.1.1.1")
    assert purge_ended_campaigns(today=today) == {}
    assert purge_ended_campaigns(today=campaign.end_date + datetime.timedelta(days=1),
                                 dry_run=True) == {"dot-1": 1}
    assert Response.objects.filter(address_hash__isnull=False).count() == 1
    Campaign.objects.filter(pk=campaign.pk).update(end_date=today - datetime.timedelta(days=1),
                                                   start_date=today - datetime.timedelta(days=9))
    call_command("purge_survey_addresses", stdout=open("/dev/null", "w"))
    assert not Response.objects.filter(address_hash__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_keep_the_tallies_exact(plan, questionnaire, unit_a, today):
    """Eight people answering at once at one counter: eight responses, counts that add up, no
    deadlock (the upserts take their row locks in one order)."""
    import threading

    from django.db import connections

    schema = Schema.of(questionnaire)
    campaign = campaign_save(campaign=Campaign(
        code="dong-thoi", title="Khảo sát đồng thời", questionnaire=questionnaire,
        start_date=today, end_date=today), units=[unit_a])
    errors = []

    def answer(n):
        try:
            response_submit(campaign=campaign, unit=unit_a, schema=schema,
                            answers=full_answers(schema, level=1 + n % 5))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    counts = campaign_counts(campaign)
    assert sum(counts["HL"].values()) == 8 == sum(unit_counts(campaign, unit_a.pk)["N"].values())
    assert counts["HL"] == {1: 2, 2: 2, 3: 2, 4: 1, 5: 1}


def test_closing_twice_gives_one_result_and_a_message(as_coordinator, campaign):
    url = reverse("surveys:campaign-close", args=[campaign.pk])
    as_coordinator.post(url)
    response = as_coordinator.post(url, follow=True)
    assert "đã được kết thúc" in response.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).closed_at is not None
