from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from plans import dashboard as figures
from plans.models import Plan


def get_plan(request) -> Plan | None:
    """The plan a page shows: ?plan=<id>, else the current one (newest active)."""
    raw = request.GET.get("plan", "")
    if raw:
        if not raw.isdigit():
            return get_object_or_404(Plan, pk=0)
        return get_object_or_404(Plan, pk=int(raw))
    return Plan.objects.current()


@require_safe
def dashboard(request):
    plan = get_plan(request)
    today = timezone.localdate()
    context = {
        "plan": plan,
        "plans": Plan.objects.all(),
        "today": today,
        "due_soon_days": settings.DUE_SOON_DAYS,
        "stale_days": settings.STALE_DAYS,
    }
    if plan is not None:
        context |= figures.dashboard(request.user, plan, today)
    return render(request, "plans/dashboard.html", context)
