from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from plans import caching, exports, reports
from plans import dashboard as figures
from plans.models import Plan, ReportingPeriod
from plans.services import close_period, ensure_periods
from plans.targets import indicator_summary
from units.access import is_coordinator


def _pk(raw: str) -> int:
    """A primary key from the query string; anything else is a 404, never a 500."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        raise Http404
    return int(raw)


def get_plan(request) -> Plan | None:
    """The plan a page shows: ?plan=<id>, else the current one (newest active)."""
    raw = request.GET.get("plan", "")
    if raw:
        return get_object_or_404(Plan, pk=_pk(raw))
    return Plan.objects.current()


def get_period(plan: Plan, raw: str) -> ReportingPeriod | None:
    """?period=<id> of the plan shown; another plan's period is a 404 like a missing one."""
    if not raw:
        return None
    return get_object_or_404(ReportingPeriod, plan=plan, pk=_pk(raw))


@require_safe
def dashboard(request):
    return caching.render_cached(request, "plans/dashboard.html", _dashboard_context)


def _dashboard_context(request) -> dict:
    plan = get_plan(request)
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
        period = get_period(plan, request.GET.get("period", ""))
        as_of = period.judged_on(today) if period else today
        context |= {"period": period, "periods": plan.periods.all(), "as_of": as_of}
        context |= figures.dashboard(request.user, plan, as_of)
        context["indicators"] = indicator_summary(plan, period)
    return context


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


def _period(pk: int) -> ReportingPeriod:
    # Periods belong to the plan, not to units: everyone logged in may open one, and what
    # they see inside is scoped by reports.report_for().
    return get_object_or_404(
        ReportingPeriod.objects.select_related("plan", "closed_by", "snapshot"), pk=pk
    )


@require_safe
def period_list(request, plan_pk):
    plan = get_object_or_404(Plan, pk=plan_pk)
    ensure_periods(plan)
    periods = plan.periods.select_related("closed_by")
    return render(request, "plans/period_list.html", {
        "plan": plan,
        "periods": periods,
        "today": timezone.localdate(),
        "can_close": is_coordinator(request.user),
    })


# The page shows the worst rows; the XLSX and CSV carry every row.
PAGE_UNITS, PAGE_OVERDUE = 50, 100


def _report_data(period: ReportingPeriod, user) -> dict:
    """The period's report for this person, cached exactly like the dashboard's figures."""
    return caching.cached_figures(
        user, period.plan, period.end_date, f"period:{period.pk}:{period.closed_at}",
        lambda: reports.report_for(period, user),
    )


@require_safe
def period_report(request, pk):
    return caching.render_cached(
        request, "plans/period_report.html", lambda r: _period_report_context(r, pk),
        parts=("title", "body"),
    )


def _period_report_context(request, pk) -> dict:
    period = _period(pk)
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
def period_report_xlsx(request, pk):
    period = _period(pk)
    report = reports.for_display(_report_data(period, request.user))
    return _attachment(exports.xlsx_bytes(period, report), exports.XLSX_CONTENT_TYPE,
                       exports.filename(report, "xlsx"))


@require_safe
def period_report_csv(request, pk):
    """The summary table for Excel set to Vietnamese: the page's first CSV link."""
    return period_table_csv(request, pk, exports.TABLE_SLUGS[0], excel_vn=True)


@require_safe
def period_table_csv(request, pk, table: str, excel_vn: bool = False):
    """One table of the report as CSV, plain UTF-8 or for Excel set to Vietnamese."""
    period = _period(pk)
    if table not in exports.TABLE_SLUGS:
        raise Http404
    report = reports.for_display(_report_data(period, request.user))
    name = exports.filename(report, "csv", table + ("-excel" if excel_vn else ""))
    return _attachment(exports.csv_bytes(report, table, excel_vn=excel_vn),
                       exports.CSV_CONTENT_TYPE, name)


@require_safe
def period_table_csv_excel(request, pk, table: str):
    return period_table_csv(request, pk, table, excel_vn=True)


def _attachment(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # A unit's staff download their units' rows only: no shared cache may keep a copy.
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def period_close(request, pk):
    """Close a period: GET asks for confirmation, POST (ticked) freezes its report."""
    period = _period(pk)
    if not is_coordinator(request.user):
        raise PermissionDenied
    form = ClosePeriodForm(request.POST if request.method == "POST" else None)
    if period.is_closed:
        messages.info(request, _("This period is already closed."))
        return redirect("plans:period-report", pk=period.pk)
    if form.is_valid():
        try:
            close_period(period=period, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The period is closed: its report is frozen."))
        return redirect("plans:period-report", pk=period.pk)
    return render(request, "plans/period_close.html", {
        "plan": period.plan,
        "period": period,
        "form": form,
        "has_ended": timezone.localdate() > period.end_date,
    })
