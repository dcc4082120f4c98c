"""Plan targets (chỉ tiêu): indicators, their actuals per period, and the dashboard's summary.

Everyone logged in reads them; coordinators add, change, delete and enter actuals; leaders and
unit staff get 403 on every write; anonymous people are sent to the login page.
"""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from plans.models import Indicator, IndicatorValue, ReportingPeriod
from plans.services import ensure_periods
from plans.views import format_figure, indicator_summary, target_text
from tests.factories import PlanFactory

LOGIN = "/accounts/login/"


@pytest.fixture
def periods(plan):
    ensure_periods(plan)
    return {p.kind: p for p in plan.periods.all()}


@pytest.fixture
def on_time(plan):
    return Indicator.objects.create(
        plan=plan, name="Hồ sơ giải quyết đúng hạn", comparison="gte", target=Decimal("95"),
        unit_of_measure="%",
    )


@pytest.fixture
def sipas(plan):
    return Indicator.objects.create(
        plan=plan, name="Chỉ số SIPAS", comparison="gt", target=Decimal("86"), position=1,
    )


def actual(indicator, period, value, user):
    return IndicatorValue.objects.create(
        indicator=indicator, period=period, actual=Decimal(value), entered_by=user
    )


# --- is_met ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("comparison, target, value, met", [
    ("gte", "95", "95", True),
    ("gte", "95", "96.5", True),
    ("gte", "95", "94.99", False),
    ("gt", "86", "86", False),
    ("gt", "86", "86.01", True),
    ("gt", "86", "80", False),
    ("lte", "5", "5", True),
    ("lte", "5", "4", True),
    ("lte", "5", "5.01", False),
    ("gte", "95", None, False),
])
def test_is_met_for_each_comparison(comparison, target, value, met):
    indicator = Indicator(name="x", comparison=comparison, target=Decimal(target))
    assert indicator.is_met(None if value is None else Decimal(value)) is met


@pytest.mark.parametrize("comparison, target, unit, language, text", [
    ("gte", "95.00", "%", "en", "≥ 95 %"),
    ("gt", "86.50", "%", "vi", "> 86,5 %"),
    ("gt", "86.50", "%", "en", "> 86.5 %"),
    ("lte", "100.00", "ngày", "en", "≤ 100 ngày"),
])
def test_target_text(comparison, target, unit, language, text):
    indicator = Indicator(name="x", comparison=comparison, target=Decimal(target),
                          unit_of_measure=unit)
    with translation.override(language):
        assert target_text(indicator) == text


def test_format_figure_drops_trailing_zeros():
    with translation.override("en"):
        assert format_figure(Decimal("100.00"), "%") == "100 %"
        assert format_figure(Decimal("0.50"), "") == "0.5"


# --- Reading: everyone logged in; anonymous to the login page -----------------------------------


@pytest.mark.parametrize("client_name", ["as_coordinator", "as_leader", "as_staff_a"])
def test_everyone_logged_in_reads_the_targets(request, client_name, plan, periods, on_time,
                                              coordinator):
    actual(on_time, periods["h1"], "96.20", coordinator)
    client = request.getfixturevalue(client_name)
    with translation.override("en"):
        response = client.get(reverse("plans:indicator-list", args=[plan.pk]),
                              HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hồ sơ giải quyết đúng hạn" in html
    assert "≥ 95 %" in html and "96.2 %" in html
    # Only coordinators see the forms.
    has_forms = reverse("plans:indicator-create", args=[plan.pk]) in html
    assert has_forms is (client_name == "as_coordinator")


def test_anonymous_is_sent_to_the_login_page(anonymous, plan, on_time):
    for url in (
        reverse("plans:indicator-list", args=[plan.pk]),
        reverse("plans:indicator-create", args=[plan.pk]),
        reverse("plans:indicator-value", args=[plan.pk]),
        reverse("plans:indicator-edit", args=[on_time.pk]),
        reverse("plans:indicator-delete", args=[on_time.pk]),
    ):
        response = anonymous.post(url, {"name": "x", "target": "1"})
        assert response.status_code == 302 and response["Location"].startswith(f"{LOGIN}?next=")
    assert Indicator.objects.count() == 1


def test_a_missing_plan_is_a_404(as_coordinator, db):
    assert as_coordinator.get(reverse("plans:indicator-list", args=[999999])).status_code == 404


def test_the_list_runs_a_bounded_number_of_queries(as_coordinator, plan, periods, coordinator,
                                                   django_assert_max_num_queries):
    for n in range(12):
        indicator = Indicator.objects.create(plan=plan, name=f"Chỉ tiêu {n}", target=50)
        for period in periods.values():
            actual(indicator, period, str(40 + n), coordinator)
    with django_assert_max_num_queries(15):  # the bell's unread count among them
        response = as_coordinator.get(reverse("plans:indicator-list", args=[plan.pk]))
    assert response.status_code == 200


# --- Writing: coordinators only -------------------------------------------------------------------


NEW = {"name": "Mức độ hài lòng (đất đai, xây dựng, đầu tư)", "comparison": "gte",
       "target": "85", "unit_of_measure": "%"}


def test_a_coordinator_adds_an_indicator(as_coordinator, plan):
    response = as_coordinator.post(reverse("plans:indicator-create", args=[plan.pk]), NEW)
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:indicator-list", args=[plan.pk])
    indicator = Indicator.objects.get(plan=plan)
    assert (indicator.name, indicator.comparison, indicator.target, indicator.unit_of_measure) \
        == (NEW["name"], "gte", Decimal("85"), "%")


@pytest.mark.parametrize("client_name", ["as_leader", "as_staff_a", "as_head_a"])
def test_read_only_people_get_403_on_every_write(request, client_name, plan, periods, on_time):
    client = request.getfixturevalue(client_name)
    attempts = [
        (reverse("plans:indicator-create", args=[plan.pk]), NEW),
        (reverse("plans:indicator-edit", args=[on_time.pk]), {**NEW, "target": "10"}),
        (reverse("plans:indicator-delete", args=[on_time.pk]), {}),
        (reverse("plans:indicator-value", args=[plan.pk]),
         {"indicator": on_time.pk, "period": periods["q1"].pk, "actual": "99"}),
    ]
    for url, data in attempts:
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
    assert list(Indicator.objects.values_list("name", "target")) == [
        ("Hồ sơ giải quyết đúng hạn", Decimal("95.00"))]
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize("data, field, message", [
    ({"target": "chín lăm"}, "target", "Enter a number"),
    ({"target": ""}, "target", "This field is required"),
    ({"target": "120"}, "target", "A percentage is between 0 and 100."),
    ({"target": "-1"}, "target", "A percentage is between 0 and 100."),
    ({"target": "95.555"}, "target", "decimal places"),
    ({"target": "12345678901"}, "target", "digits"),
    ({"comparison": "eq"}, "comparison", "Select a valid choice"),
    ({"name": "  "}, "name", "This field is required"),
])
def test_bad_input_is_a_form_error_never_a_500(as_coordinator, plan, data, field, message):
    with translation.override("en"):
        response = as_coordinator.post(reverse("plans:indicator-create", args=[plan.pk]),
                                       {**NEW, **data}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert message in " ".join(response.context["form"].errors[field])
    assert not Indicator.objects.exists()


def test_any_number_when_the_unit_is_not_a_percentage(as_coordinator, plan):
    data = {**NEW, "name": "Thời gian giải quyết trung bình", "comparison": "lte",
            "target": "-2,5", "unit_of_measure": "ngày"}
    assert as_coordinator.post(reverse("plans:indicator-create", args=[plan.pk]),
                               data).status_code == 302
    assert Indicator.objects.get().target == Decimal("-2.5")


def test_a_name_is_unique_in_its_plan(as_coordinator, plan, on_time):
    data = {**NEW, "name": "hồ sơ giải quyết  đúng hạn"}
    with translation.override("en"):
        response = as_coordinator.post(reverse("plans:indicator-create", args=[plan.pk]), data,
                                       HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert response.context["form"].errors["name"] == [
            "This plan already has an indicator with this name."]
    # Another plan may use the same name.
    other = PlanFactory(year=plan.year + 1)
    assert as_coordinator.post(reverse("plans:indicator-create", args=[other.pk]),
                               {**NEW, "name": on_time.name}).status_code == 302


def test_a_coordinator_edits_and_deletes_an_indicator(as_coordinator, plan, periods, on_time,
                                                      coordinator):
    actual(on_time, periods["q1"], "90", coordinator)
    edit = reverse("plans:indicator-edit", args=[on_time.pk])
    assert as_coordinator.get(edit).status_code == 200
    response = as_coordinator.post(edit, {"name": on_time.name, "comparison": "gt",
                                          "target": "96", "unit_of_measure": "%"})
    assert response.status_code == 302
    on_time.refresh_from_db()
    assert (on_time.comparison, on_time.target) == ("gt", Decimal("96"))

    # With an actual entered, deleting is refused with a message (issue 10's probe): the
    # actuals are part of the record.
    delete = reverse("plans:indicator-delete", args=[on_time.pk])
    assert as_coordinator.get(delete).status_code == 200
    response = as_coordinator.post(delete, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "cannot be deleted" in response.content.decode()
    assert Indicator.objects.count() == 1 and IndicatorValue.objects.count() == 1
    # Without actuals it goes.
    IndicatorValue.objects.all().delete()
    assert as_coordinator.post(delete).status_code == 302
    assert not Indicator.objects.exists()


def test_a_coordinator_enters_then_corrects_an_actual(as_coordinator, coordinator, plan, periods,
                                                      on_time):
    url = reverse("plans:indicator-value", args=[plan.pk])
    data = {"indicator": on_time.pk, "period": periods["h1"].pk, "actual": "93,4",
            "note": "Báo cáo số 45/BC-SNV"}
    assert as_coordinator.post(url, data).status_code == 302
    value = IndicatorValue.objects.get()
    assert (value.actual, value.note, value.entered_by) == (Decimal("93.4"), data["note"],
                                                             coordinator)
    # The form opens on the figure already entered.
    page = as_coordinator.get(f"{url}?indicator={on_time.pk}&period={periods['h1'].pk}")
    assert page.context["form"].initial["actual"] == Decimal("93.40")
    assert as_coordinator.post(url, {**data, "actual": "95.1"}).status_code == 302
    assert IndicatorValue.objects.get().actual == Decimal("95.1")
    assert IndicatorValue.objects.count() == 1


@pytest.mark.parametrize("change, field", [
    ({"actual": "abc"}, "actual"),
    ({"actual": "100.5"}, "actual"),
    ({"actual": ""}, "actual"),
    ({"period": "999999"}, "period"),
    ({"indicator": "nope"}, "indicator"),
])
def test_a_bad_actual_is_a_form_error(as_coordinator, plan, periods, on_time, change, field):
    url = reverse("plans:indicator-value", args=[plan.pk])
    data = {"indicator": on_time.pk, "period": periods["h1"].pk, "actual": "90", **change}
    response = as_coordinator.post(url, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not IndicatorValue.objects.exists()


def test_another_plans_indicator_or_period_is_refused(as_coordinator, plan, periods, on_time,
                                                      coordinator):
    other = PlanFactory(year=plan.year + 1)
    ensure_periods(other)
    foreign = Indicator.objects.create(plan=other, name="Khác", target=1)
    url = reverse("plans:indicator-value", args=[plan.pk])
    for data in (
        {"indicator": foreign.pk, "period": periods["h1"].pk, "actual": "1"},
        {"indicator": on_time.pk, "period": other.periods.first().pk, "actual": "1"},
    ):
        response = as_coordinator.post(url, data)
        assert response.status_code == 200 and response.context["form"].errors
    # GET with another plan's ids preselects nothing that leaks.
    assert as_coordinator.get(f"{url}?indicator={foreign.pk}&period=abc").status_code == 200
    assert not IndicatorValue.objects.exists()


# --- The dashboard's summary ------------------------------------------------------------------


def test_the_summary_shows_each_indicator_latest_actual(plan, periods, on_time, sipas,
                                                        coordinator,
                                                        django_assert_num_queries):
    actual(on_time, periods["q1"], "97", coordinator)
    actual(on_time, periods["h1"], "94.5", coordinator)  # later period: this one counts
    actual(sipas, periods["q1"], "87.2", coordinator)
    with translation.override("en"), django_assert_num_queries(2):
        rows = indicator_summary(plan)
    assert [(r.name, r.target, r.latest.text, r.latest.met, r.latest.period.kind)
            for r in rows] == [
        ("Hồ sơ giải quyết đúng hạn", "≥ 95 %", "94.5 %", False, "h1"),
        ("Chỉ số SIPAS", "> 86 %", "87.2 %", True, "q1"),
    ]


def test_the_summary_as_of_a_period_ignores_later_figures(plan, periods, on_time, coordinator):
    actual(on_time, periods["q1"], "97", coordinator)
    actual(on_time, periods["year"], "90", coordinator)
    [row] = indicator_summary(plan, period=periods["h1"])
    assert (row.latest.period.kind, row.latest.met) == ("q1", True)


def test_the_summary_query_count_does_not_grow(plan, periods, coordinator,
                                               django_assert_num_queries):
    for n in range(30):
        indicator = Indicator.objects.create(plan=plan, name=f"Chỉ tiêu {n}", target=n)
        for period in periods.values():
            actual(indicator, period, str(n), coordinator)
    with django_assert_num_queries(2):
        rows = indicator_summary(plan)
    assert len(rows) == 30 and all(r.latest.period.kind == "year" for r in rows)


def test_the_summary_of_no_plan_or_no_indicator_is_empty(plan, django_assert_num_queries):
    assert indicator_summary(None) == []
    with django_assert_num_queries(1):
        assert indicator_summary(plan) == []


def test_the_partial_says_met_and_not_met_in_words(plan, periods, on_time, sipas, coordinator):
    actual(on_time, periods["h1"], "96", coordinator)
    actual(sipas, periods["h1"], "85", coordinator)
    Indicator.objects.create(plan=plan, name="Văn bản xin lỗi hồ sơ trễ hạn", target=100,
                             position=2)
    with translation.override("en"):
        html = render_to_string("includes/_indicators.html",
                                {"indicators": indicator_summary(plan), "plan": plan})
    assert html.count("badge--on_time") == 1 and ">Met<" in html
    assert html.count("badge--overdue") == 1 and ">Not met<" in html
    assert "No figure yet" in html
    assert "≥ 95 %" in html and "&gt; 86 %" in html
    assert reverse("plans:indicator-list", args=[plan.pk]) in html
    assert "style=" not in html


def test_the_partial_without_indicators(plan):
    with translation.override("en"):
        html = render_to_string("includes/_indicators.html", {"indicators": [], "plan": plan})
    assert "No targets have been set for this plan yet." in html


def test_periods_are_created_for_the_value_form(as_coordinator, plan):
    assert not ReportingPeriod.objects.filter(plan=plan).exists()
    Indicator.objects.create(plan=plan, name="x", target=1)
    response = as_coordinator.get(reverse("plans:indicator-list", args=[plan.pk]))
    assert response.status_code == 200 and "value_form" in response.context
    assert plan.periods.count() == 4
    assert periods_end(plan) == datetime.date(plan.year, 12, 14)


def periods_end(plan):
    return plan.periods.order_by("-end_date").first().end_date


# --- Admin ---------------------------------------------------------------------------------------


def test_the_admin_edits_an_indicator_and_its_actuals(as_admin, admin_user, plan, periods,
                                                      on_time, coordinator):
    actual(on_time, periods["q1"], "90", coordinator)
    url = reverse("admin:plans_indicator_change", args=[on_time.pk])
    page = as_admin.get(url)
    assert page.status_code == 200
    # Only this plan's periods are offered.
    other = PlanFactory(year=plan.year + 1)
    ensure_periods(other)
    choices = page.context["inline_admin_formsets"][0].formset.forms[0].fields["period"].queryset
    assert set(choices) == set(periods.values())
    value = on_time.values.get()
    data = {
        "name": on_time.name, "comparison": "gte", "target": "95", "unit_of_measure": "%",
        "position": "0",
        "values-TOTAL_FORMS": "2", "values-INITIAL_FORMS": "1", "values-MIN_NUM_FORMS": "0",
        "values-MAX_NUM_FORMS": "1000",
        "values-0-id": value.pk, "values-0-indicator": on_time.pk,
        "values-0-period": periods["q1"].pk, "values-0-actual": "91", "values-0-note": "",
        "values-1-indicator": on_time.pk, "values-1-period": periods["h1"].pk,
        "values-1-actual": "92", "values-1-note": "Báo cáo 6 tháng",
        "_save": "Save",
    }
    response = as_admin.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    assert sorted(on_time.values.values_list("period__kind", "actual", "entered_by")) == [
        ("h1", Decimal("92"), admin_user.pk), ("q1", Decimal("91"), admin_user.pk)]


# --- Two tabs at once (issue 10's probe) ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_indicators_of_one_name_at_once_give_a_form_message():
    """The form's check passes in both tabs; the database refuses the second: a message."""
    import threading
    import time

    from django.db import connection, transaction
    from django.test import Client

    from tests.factories import UserFactory
    from units.access import COORDINATORS_GROUP
    from django.contrib.auth.models import Group

    plan = PlanFactory(year=2025)
    coordinator = UserFactory()
    coordinator.groups.add(Group.objects.get_or_create(name=COORDINATORS_GROUP)[0])
    data = {"name": "Chỉ số SIPAS", "comparison": "gt", "target": "86", "unit_of_measure": "%"}
    outcome = {}

    def second_tab():
        try:
            client = Client(HTTP_ACCEPT_LANGUAGE="en")
            client.force_login(coordinator)
            response = client.post(reverse("plans:indicator-create", args=[plan.pk]), data)
            outcome["status"] = response.status_code
            outcome["errors"] = response.context["form"].errors.get("name")
        finally:
            connection.close()

    with transaction.atomic():
        Indicator.objects.create(plan=plan, name="Chỉ số SIPAS", comparison="gt",
                                 target=Decimal("86"))
        thread = threading.Thread(target=second_tab)
        thread.start()
        time.sleep(0.5)
    thread.join(10)
    assert outcome["status"] == 200
    assert outcome["errors"] == ["This plan already has an indicator with this name."]
    assert Indicator.objects.filter(plan=plan).count() == 1


# --- History and closed periods (issue 10's probe) --------------------------------------------


def _close(period, coordinator):
    from django.utils import timezone

    ReportingPeriod.objects.filter(pk=period.pk).update(closed_at=timezone.now(),
                                                        closed_by=coordinator)
    period.refresh_from_db()


def test_a_closed_periods_actual_is_corrected_with_a_reason_kept_in_history(
    as_coordinator, coordinator, plan, periods, on_time
):
    url = reverse("plans:indicator-value", args=[plan.pk])
    data = {"indicator": on_time.pk, "period": periods["q1"].pk, "actual": "90", "note": ""}
    assert as_coordinator.post(url, data).status_code == 302
    _close(periods["q1"], coordinator)

    # Without a reason: a form message, nothing overwritten.
    response = as_coordinator.post(url, {**data, "actual": "92"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "say why" in response.context["form"].errors["reason"][0]
    assert IndicatorValue.objects.get().actual == Decimal("90")

    # With one: a recorded change, the reason and both versions kept.
    reason = "Sở Nội vụ rà soát lại số liệu theo Báo cáo 12/BC-SNV"
    assert as_coordinator.post(url, {**data, "actual": "92", "reason": reason}).status_code == 302
    value = IndicatorValue.objects.get()
    assert value.actual == Decimal("92") and value.correction_reason == reason
    versions = list(value.history.order_by("history_date").values_list(
        "actual", "correction_reason", "history_user"))
    assert versions == [(Decimal("90"), "", coordinator.pk), (Decimal("92"), reason,
                                                              coordinator.pk)]


def test_the_database_refuses_a_silent_change_of_a_closed_periods_actual(
    plan, periods, on_time, coordinator
):
    from django.db import IntegrityError, transaction

    value = actual(on_time, periods["q1"], "90", coordinator)
    _close(periods["q1"], coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.filter(pk=value.pk).update(actual=Decimal("99"))
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.filter(pk=value.pk).delete()
    IndicatorValue.objects.filter(pk=value.pk).update(actual=Decimal("91"),
                                                      correction_reason="Sửa lỗi nhập")
    assert IndicatorValue.objects.get(pk=value.pk).actual == Decimal("91")


def test_an_open_periods_actual_is_replaced_and_its_history_kept(
    as_coordinator, plan, periods, on_time
):
    url = reverse("plans:indicator-value", args=[plan.pk])
    data = {"indicator": on_time.pk, "period": periods["h1"].pk, "actual": "90", "note": ""}
    as_coordinator.post(url, data)
    as_coordinator.post(url, {**data, "actual": "91"})
    assert IndicatorValue.objects.get().history.count() == 2
    assert on_time.history.count() == 1
