from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from insight import cache, exports, reports
from insight import dashboard as figures
from plans.models import Plan, ReportingPeriod
from insight.services import close_period
from plans.services import ensure_periods
from plans import access
from plans.access import period_from_query, plan_from_query
from plans.views import indicator_summary
from solutions.models import current_reporting_window, reporting_compliance_for
from units.access import is_coordinator


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "insight/dashboard.html", _dashboard_context(request))


def _dashboard_context(request: HttpRequest) -> dict:
    plan = plan_from_query(request)
    today = timezone.localdate()
    context = {
        "plan": plan,
        "plans": Plan.objects.all(),
        "today": today,
        "as_of": today,
        "period": None,
        "periods": [],
        "due_soon_days": settings.DUE_SOON_DAYS,
        "stale_days": settings.STALE_DAYS,
    }
    if plan is not None:
        # The figures as of a period's end: what the report of that period would say.
        period = period_from_query(plan, request.GET.get("period", ""))
        as_of = period.judged_on(today) if period else today
        context |= {"period": period, "periods": plan.periods.all(), "as_of": as_of}
        context |= figures.dashboard(request.user, plan, as_of)
        context["indicators"] = indicator_summary(plan, period)
        context["compliance"] = _compliance(request.user, plan, today)
    return context


def _compliance(user, plan: Plan, today) -> dict | None:
    """Reporting compliance in the current window, cached like the figures: an aggregate over
    every open assignment of the plan, under the window's dates and the data version."""
    window = current_reporting_window(plan, today)
    if window is None:
        return None
    since, cutoff, _period = window
    return cache.cached_figures(user, plan, today, f"compliance:{since}:{cutoff}",
                                lambda: reporting_compliance_for(user, plan, on=today))


# --- Reporting periods --------------------------------------------------------------------------


class ClosePeriodForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand the figures will be frozen"),
        help_text=gettext_lazy(
            "The report will keep today's figures for good: later progress reports, "
            "verifications and deadline changes will not change it."
        ),
        error_messages={"required": gettext_lazy("Tick the box to confirm.")},
    )


@require_safe
def period_list(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = access.get_plan(request.user, plan_pk)
    ensure_periods(plan)
    periods = plan.periods.select_related("closed_by")
    return render(request, "insight/period_list.html", {
        "plan": plan,
        "periods": periods,
        "today": timezone.localdate(),
        "can_close": is_coordinator(request.user),
    })


# The page shows the worst rows; the XLSX and CSV carry every row.
PAGE_UNITS, PAGE_OVERDUE = 30, 50


def _report_data(period: ReportingPeriod, user) -> dict:
    """The period's report for this person: a closed period's frozen figures as they are, an
    open period's computed and cached like the dashboard's, with today's names."""
    if period.is_closed:
        return reports.report_for(period, user)
    data = cache.cached_figures(
        user, period.plan, period.end_date, f"period:{period.pk}",
        lambda: reports.report_for(period, user),
    )
    return reports.with_current_names(data, period)


def _export_data(period: ReportingPeriod, user) -> dict:
    """The report for a file: the page's, with every overdue row (an open period's figures
    keep the first rows only; a closed period's snapshot has them all)."""
    report = reports.for_display(_report_data(period, user))
    if not period.is_closed:
        report["overdue"] = reports.all_overdue(period, user)
    return report


@require_safe
def period_report(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "insight/period_report.html", _period_report_context(request, pk))


def _period_report_context(request: HttpRequest, pk: int) -> dict:
    period = access.get_period(request.user, pk)
    return {
        "plan": period.plan,
        "period": period,
        "report": reports.for_display(_report_data(period, request.user)),
        "page_units": PAGE_UNITS,
        "csv_tables": exports.csv_tables(),
        "page_overdue": PAGE_OVERDUE,
        "can_close": is_coordinator(request.user) and not period.is_closed,
        "has_ended": timezone.localdate() > period.end_date,
    }


@require_safe
def period_report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    period = access.get_period(request.user, pk)
    report = _export_data(period, request.user)
    return _attachment(exports.xlsx_bytes(period, report), exports.XLSX_CONTENT_TYPE,
                       exports.filename(report, "xlsx"))


@require_safe
def period_report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary table for Excel set to Vietnamese: the page's first CSV link."""
    return period_table_csv(request, pk, exports.TABLE_SLUGS[0], excel_vn=True)


@require_safe
def period_table_csv(request: HttpRequest, pk: int, table: str,
                     excel_vn: bool = False) -> HttpResponse:
    """One table of the report as CSV, plain UTF-8 or for Excel set to Vietnamese."""
    period = access.get_period(request.user, pk)
    if table not in exports.TABLE_SLUGS:
        raise Http404
    report = _export_data(period, request.user)
    name = exports.filename(report, "csv", table + ("-excel" if excel_vn else ""))
    return _attachment(exports.csv_bytes(report, table, excel_vn=excel_vn),
                       exports.CSV_CONTENT_TYPE, name)


@require_safe
def period_table_csv_excel(request: HttpRequest, pk: int, table: str) -> HttpResponse:
    return period_table_csv(request, pk, table, excel_vn=True)


def _attachment(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # A unit's staff download their units' rows only: no shared cache may keep a copy.
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def period_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a period: GET asks for confirmation, POST (ticked) freezes its report."""
    period = access.get_period(request.user, pk, for_write=True)
    form = ClosePeriodForm(request.POST if request.method == "POST" else None)
    if period.is_closed:
        messages.info(request, _("This period is already closed."))
        return redirect("insight:period-report", pk=period.pk)
    if form.is_valid():
        try:
            close_period(period=period, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The period is closed: its report is frozen."))
        return redirect("insight:period-report", pk=period.pk)
    return render(request, "insight/period_close.html", {
        "plan": period.plan,
        "period": period,
        "form": form,
        "has_ended": timezone.localdate() > period.end_date,
    })


@require_safe
def period_current(request: HttpRequest) -> HttpResponse:
    """The menu's "Reporting periods": those of the plan shown (?plan= or the current one)."""
    plan = plan_from_query(request)
    if plan is None:
        return redirect("insight:dashboard")
    return redirect("insight:period-list", plan.pk)


@require_safe
def glossary(request: HttpRequest) -> HttpResponse:
    """What each status, flag and figure means, and how each score is computed: the words of
    the portal, defined once for everyone who reads its pages."""
    from insight.unit_views import formula_context

    return render(request, "insight/glossary.html", {
        **formula_context(),
        "as_of": timezone.localdate(),
        "due_soon_days": settings.DUE_SOON_DAYS,
        "coordinating_agency": settings.COORDINATING_AGENCY,
    })
