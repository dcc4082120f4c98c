"""Who manages publication: coordinators (Sở Nội vụ). The public pages need no helper: they
show published periods only, and anything else is a 404."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from plans.models import ReportingPeriod
from units.access import is_coordinator


def get_period_to_publish(request: HttpRequest, pk: int) -> ReportingPeriod:
    period = get_object_or_404(ReportingPeriod.objects.select_related("plan"), pk=pk)
    if not is_coordinator(request.user):
        raise PermissionDenied
    return period


def require_coordinator(request: HttpRequest) -> None:
    if not is_coordinator(request.user):
        raise PermissionDenied
