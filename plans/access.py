"""One access helper per model of a plan: read by everyone logged in, written by coordinators.

Plans, periods and targets belong to the province, not to a unit: every signed-in person may
read them (what they see inside a period's report is scoped by insight.reports.report_for()),
and only coordinators (Sở Nội vụ) change them. A write by anyone else is a 403; a missing
object, or one of another plan, a 404.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from plans.models import Indicator, Plan, ReportingPeriod
from units.access import is_coordinator


def require_coordinator(user) -> None:
    """Pages that act on the whole plan: anyone else signed in gets 403."""
    if not is_coordinator(user):
        raise PermissionDenied


def query_pk(raw: str) -> int:
    """A primary key from the query string; anything else is a 404, never a 500."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        raise Http404
    return int(raw)


def plan_from_query(request: HttpRequest) -> Plan | None:
    """The plan a page shows: ?plan=<id>, else the current one (newest active)."""
    raw = request.GET.get("plan", "")
    if raw:
        return get_object_or_404(Plan, pk=query_pk(raw))
    return Plan.objects.current()


def period_from_query(plan: Plan, raw: str) -> ReportingPeriod | None:
    """?period=<id> of the plan shown; another plan's period is a 404 like a missing one."""
    if not raw:
        return None
    return get_object_or_404(ReportingPeriod, plan=plan, pk=query_pk(raw))


def get_plan(user, pk: int, *, for_write: bool = False) -> Plan:
    plan = get_object_or_404(Plan, pk=pk)
    if for_write:
        require_coordinator(user)
    return plan


def get_period(user, pk: int, *, for_write: bool = False) -> ReportingPeriod:
    period = get_object_or_404(
        ReportingPeriod.objects.select_related("plan", "closed_by", "snapshot"), pk=pk
    )
    if for_write:
        require_coordinator(user)
    return period


def get_indicator(user, pk: int, *, for_write: bool = False) -> Indicator:
    indicator = get_object_or_404(Indicator.objects.select_related("plan"), pk=pk)
    if for_write:
        require_coordinator(user)
    return indicator
