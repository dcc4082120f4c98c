"""Plan targets (chỉ tiêu): indicators with a target and the actual figure of each period.

E.g. at least 95% of administrative files settled on time, SIPAS above 86%. Everyone logged in
reads them; coordinators (Sở Nội vụ) add, change and delete indicators and enter the actuals.
indicator_summary() feeds the dashboard's partial, templates/includes/_indicators.html.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from plans import access
from plans.forms import IndicatorForm, IndicatorValueForm
from plans.models import Indicator, IndicatorValue, Plan, ReportingPeriod
from plans import services
from units.access import is_coordinator

SYMBOLS = {
    Indicator.Comparison.AT_LEAST: "≥",
    Indicator.Comparison.ABOVE: ">",
    Indicator.Comparison.AT_MOST: "≤",
}


def format_figure(value: Decimal, unit_of_measure: str = "") -> str:
    """95.00 -> "95 %", 86.50 -> "86,5 %" in Vietnamese (86.5 in English)."""
    number = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    text = formats.number_format(number, use_l10n=True)
    return f"{text} {unit_of_measure}".strip()


def target_text(indicator: Indicator) -> str:
    """ "≥ 95 %" """
    figure = format_figure(indicator.target, indicator.unit_of_measure)
    return f"{SYMBOLS[indicator.comparison]} {figure}"


@dataclass
class Figure:
    """An indicator's actual in a period, judged against its target (None: not entered yet)."""

    period: ReportingPeriod | None
    value: IndicatorValue | None
    text: str = ""
    met: bool | None = None


def _figure(indicator: Indicator, period: ReportingPeriod | None,
            value: IndicatorValue | None) -> Figure:
    if value is None:
        return Figure(period=period, value=None)
    return Figure(period=period, value=value,
                  text=format_figure(value.actual, indicator.unit_of_measure),
                  met=indicator.is_met(value.actual))


@dataclass
class IndicatorRow:
    indicator: Indicator
    target: str
    latest: Figure
    figures: list[Figure]

    @property
    def name(self) -> str:
        return self.indicator.name


def indicator_summary(
    plan: Plan | None, period: ReportingPeriod | None = None
) -> list[IndicatorRow]:
    """The plan's indicators, each with its latest actual (two queries, whatever the data).

    With a period (the dashboard as of a period's end), the latest actual of a period that ended
    by then: a figure entered for a later period is not known yet on that date.
    """
    if plan is None:
        return []
    indicators = list(plan.indicators.all())
    if not indicators:
        return []
    values = (
        IndicatorValue.objects.filter(indicator__plan=plan)
        .select_related("period")
        .order_by("-period__end_date", "-period__start_date", "-pk")
    )
    if period is not None:
        values = values.filter(period__end_date__lte=period.end_date)
    latest: dict[int, IndicatorValue] = {}
    for value in values:
        latest.setdefault(value.indicator_id, value)
    rows = []
    for indicator in indicators:
        value = latest.get(indicator.pk)
        rows.append(IndicatorRow(
            indicator=indicator, target=target_text(indicator),
            latest=_figure(indicator, value.period if value else None, value), figures=[],
        ))
    return rows


def indicator_table(plan: Plan) -> tuple[list[ReportingPeriod], list[IndicatorRow]]:
    """Every indicator with its actual in every period of the plan (three queries)."""
    periods = list(plan.periods.all())
    values = {
        (v.indicator_id, v.period_id): v
        for v in IndicatorValue.objects.filter(indicator__plan=plan).select_related("entered_by")
    }
    rows = []
    for indicator in plan.indicators.all():
        figures = [_figure(indicator, p, values.get((indicator.pk, p.pk))) for p in periods]
        known = [f for f in figures if f.value is not None]
        rows.append(IndicatorRow(
            indicator=indicator, target=target_text(indicator),
            latest=known[-1] if known else Figure(period=None, value=None), figures=figures,
        ))
    return periods, rows


# --- Views ----------------------------------------------------------------------------------------


def _list_url(plan: Plan) -> str:
    return reverse("plans:indicator-list", args=[plan.pk])


@require_safe
def indicator_list(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = access.get_plan(request.user, plan_pk)
    coordinator = is_coordinator(request.user)
    if coordinator:
        services.ensure_periods(plan)  # actuals are entered per period
    periods, rows = indicator_table(plan)
    context = {"plan": plan, "periods": periods, "rows": rows, "is_coordinator": coordinator}
    if coordinator:
        context["form"] = IndicatorForm(plan=plan)
        if rows and periods:
            context["value_form"] = IndicatorValueForm(plan=plan)
    return render(request, "plans/indicator_list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def indicator_create(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = access.get_plan(request.user, plan_pk, for_write=True)
    form = IndicatorForm(request.POST if request.method == "POST" else None, plan=plan)
    if form.is_bound and form.is_valid():
        try:
            with transaction.atomic():
                indicator = form.save()
        except IntegrityError:
            # Added by someone else between the form's check and this save (two tabs).
            form.add_error("name", _("This plan already has an indicator with this name."))
        else:
            messages.success(request, _("The indicator “%(name)s” was added.")
                             % {"name": indicator})
            return redirect(_list_url(plan))
    return render(request, "plans/indicator_form.html",
                  {"plan": plan, "form": form, "indicator": None})


@require_http_methods(["GET", "HEAD", "POST"])
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = access.get_indicator(request.user, pk, for_write=True)
    plan = indicator.plan
    form = IndicatorForm(request.POST if request.method == "POST" else None,
                         instance=indicator, plan=plan)
    if form.is_bound and form.is_valid():
        try:
            with transaction.atomic():
                form.save()
        except IntegrityError:
            form.add_error("name", _("This plan already has an indicator with this name."))
        else:
            messages.success(request, _("The indicator “%(name)s” was saved.")
                             % {"name": indicator})
            return redirect(_list_url(plan))
    return render(request, "plans/indicator_form.html",
                  {"plan": plan, "form": form, "indicator": indicator})


@require_http_methods(["GET", "HEAD", "POST"])
def indicator_delete(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = access.get_indicator(request.user, pk, for_write=True)
    plan = indicator.plan
    if request.method == "POST":
        name = str(indicator)
        try:
            services.indicator_delete(indicator=indicator, user=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The indicator “%(name)s” was deleted.")
                             % {"name": name})
        return redirect(_list_url(plan))
    return render(request, "plans/indicator_confirm_delete.html", {
        "plan": plan, "indicator": indicator, "value_count": indicator.values.count(),
    })


def _int(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 18 else None


@require_http_methods(["GET", "HEAD", "POST"])
def indicator_value(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """Enter or correct the actual of an indicator for a period (?indicator=&period= preselect)."""
    plan = access.get_plan(request.user, plan_pk, for_write=True)
    services.ensure_periods(plan)
    if request.method == "POST":
        form = IndicatorValueForm(request.POST, plan=plan)
        if form.is_valid():
            try:
                value = form.save(user=request.user)
            except ValidationError as error:  # the period was closed meanwhile
                form.add_error("reason", error)
                return render(request, "plans/indicator_value_form.html",
                              {"plan": plan, "form": form})
            messages.success(request, _("The actual of “%(indicator)s” for %(period)s was saved.")
                             % {"indicator": value.indicator, "period": value.period})
            return redirect(_list_url(plan))
    else:
        initial = {}
        indicator_id = _int(request.GET.get("indicator", ""))
        period_id = _int(request.GET.get("period", ""))
        if indicator_id and period_id:
            existing = IndicatorValue.objects.filter(
                indicator__plan=plan, indicator_id=indicator_id, period_id=period_id
            ).first()
            if existing is not None:
                initial = {"actual": existing.actual, "note": existing.note}
        initial |= {"indicator": indicator_id, "period": period_id}
        form = IndicatorValueForm(initial=initial, plan=plan)
    return render(request, "plans/indicator_value_form.html", {"plan": plan, "form": form})
