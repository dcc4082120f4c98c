from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from plans.dashboard import Figures, plan_assignments, units_worst_first
from plans.views import get_plan
from solutions.models import timeliness_aggregates
from units.models import Unit


@require_safe
def unit_list(request):
    """Every unit the person may see with its figures in the plan, worst first."""
    plan = get_plan(request)
    figures = units_worst_first(plan_assignments(request.user, plan)) if plan else []
    return render(request, "units/unit_list.html", {"plan": plan, "figures": figures})


@require_safe
def unit_detail(request, pk):
    unit = get_object_or_404(
        Unit.objects.for_user(request.user).select_related("parent", "successor"), pk=pk
    )
    plan = get_plan(request)
    assignments = plan_assignments(request.user, plan).filter(unit=unit) if plan else None
    totals = Figures.from_row(assignments.aggregate(**timeliness_aggregates())) if plan else None
    page = None
    if plan:
        page = Paginator(
            assignments.select_related("task").by_urgency(), 50
        ).get_page(request.GET.get("page"))
    return render(
        request,
        "units/unit_detail.html",
        {"unit": unit, "plan": plan, "totals": totals, "page": page},
    )
