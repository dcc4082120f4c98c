"""Who may read and write a period's official report.

Periods belong to the plan, not to units: a missing period is a 404 for everyone. The official
report is the province's: coordinators and leaders read it; unit staff get 403; only
coordinators (Sở Nội vụ) edit its narrative.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from plans.models import ReportingPeriod
from units.access import can_read_all, is_coordinator


def can_read_report(user) -> bool:
    """The one rule for reading the official report (its page, DOCX, PDF and annexes); the
    period page asks it too before it shows the links."""
    return can_read_all(user)


def can_edit_report(user) -> bool:
    """The one rule for editing the report's narrative."""
    return is_coordinator(user)


def _period(pk: int) -> ReportingPeriod:
    return get_object_or_404(ReportingPeriod.objects.select_related("plan"), pk=pk)


def get_report_period(request: HttpRequest, pk: int) -> ReportingPeriod:
    period = _period(pk)
    if not can_read_report(request.user):
        raise PermissionDenied
    return period


def get_report_period_rw(request: HttpRequest, pk: int) -> ReportingPeriod:
    period = get_report_period(request, pk)
    if not can_edit_report(request.user):
        raise PermissionDenied
    return period
