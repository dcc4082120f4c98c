from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from plans import caching
from plans.dashboard import plan_assignments, sorted_unit_rows, unit_figures
from plans.models import Plan
from plans.views import get_plan
from units import scorecards
from units.models import Unit


def _formula_context() -> dict:
    """The numbers the score's explanation quotes (units/_score_formula.html)."""
    return {
        "stale_days": settings.STALE_DAYS,
        "weights": {
            "on_time": scorecards.WEIGHT_ON_TIME,
            "compliance": scorecards.WEIGHT_COMPLIANCE,
            "not_overdue": scorecards.WEIGHT_NOT_OVERDUE,
            "divisor": scorecards.LATENESS_DIVISOR,
            "cap": scorecards.LATENESS_CAP,
        },
    }


PAGE_SIZE = 50  # rows of the unit list, and of each group of the ranking


@require_safe
def unit_list(request):
    """Every unit the person may see with its figures in the plan, worst first."""
    return caching.render_cached(request, "units/unit_list.html", _unit_list_context)


def _unit_list_context(request) -> dict:
    plan = get_plan(request)
    rows = (sorted_unit_rows(request.user, plan_assignments(request.user, plan))
            if plan else [])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = unit_figures(page.object_list)  # Figures of this page's rows only
    return {"plan": plan, "page": page}


def _with_page(request, group: scorecards.RankingGroup) -> scorecards.RankingGroup:
    """The group with one page of its ranked cards (?page_<group>=n; each group pages alone)."""
    group.page_param = f"page_{group.key}"
    group.page = Paginator(group.cards, PAGE_SIZE).get_page(request.GET.get(group.page_param))
    return group


@require_safe
def unit_ranking(request):
    """Scorecards of the units the person may see, departments and localities apart, best first."""
    return caching.render_cached(request, "units/unit_ranking.html", _ranking_context)


def _ranking_context(request) -> dict:
    plan = get_plan(request)
    today = timezone.localdate()
    return {
        "plan": plan,
        "plans": Plan.objects.all(),
        "as_of": today,
        "groups": [
            _with_page(request, group)
            for group in (scorecards.ranking(request.user, plan, today) if plan else [])
        ],
        **_formula_context(),
    }


@require_safe
def unit_heatmap(request):
    """Units x reform areas, coloured by share overdue: one heatmap per group of units."""
    return caching.render_cached(request, "units/unit_heatmap.html", _heatmap_context)


def _heatmap_context(request) -> dict:
    plan = get_plan(request)
    today = timezone.localdate()
    heatmaps = []
    if plan is not None:
        for group in scorecards.GROUPS:
            heatmap = scorecards.area_heatmap(request.user, plan, group, today)
            if heatmap.rows or group != "other":
                heatmaps.append(heatmap)
    return {"plan": plan, "plans": Plan.objects.all(), "as_of": today, "heatmaps": heatmaps,
            "max_rows": scorecards.HEATMAP_MAX_ROWS}


@require_safe
def unit_detail(request, pk):
    unit = get_object_or_404(
        Unit.objects.for_user(request.user).select_related("parent", "successor"), pk=pk
    )
    plan = get_plan(request)
    today = timezone.localdate()
    card = totals = page = None
    if plan:
        # The scorecard's aggregate also gives the unit's counts by class (totals).
        card = scorecards.unit_scorecard(request.user, plan, unit, today)
        totals = card.figures
        assignments = plan_assignments(request.user, plan, today).filter(unit=unit)
        page = Paginator(
            assignments.select_related("task").by_urgency(), 50
        ).get_page(request.GET.get("page"))
    context = {"unit": unit, "plan": plan, "totals": totals, "page": page, "card": card,
               "as_of": today,
               "group_label": scorecards.GROUP_LABELS[scorecards.group_of(unit.kind)],
               **_formula_context()}
    # --- Reporting compliance and "Nhắc việc" for the unit (issue 11; moves with this view)
    from solutions.models import reporting_compliance_for
    from units.access import is_coordinator

    context["compliance"] = reporting_compliance_for(request.user, plan, unit=unit) if plan else None
    context["can_remind"] = is_coordinator(request.user)
    context["contacts"] = unit.memberships.filter(is_contact=True).select_related("user__profile")
    # --- end of issue 11
    return render(request, "units/unit_detail.html", context)
