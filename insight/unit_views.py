from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from insight.dashboard import plan_assignments, sorted_unit_rows, unit_figures
from plans.models import Plan
from plans.access import plan_from_query
from insight import scorecards
from insight.cache import cached_figures
from solutions.models import reporting_compliance_for
from units.access import get_unit, is_coordinator


def formula_context() -> dict:
    """The numbers the score's explanation quotes (insight/_score_formula.html)."""
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


PAGE_SIZE = 50  # rows of the unit list
# Rows of each group of the ranking (each group pages alone): three groups of ten columns on
# one page stay under the page-weight budget.
RANKING_PAGE_SIZE = 30


@require_safe
def unit_list(request: HttpRequest) -> HttpResponse:
    """Every unit the person may see with its figures in the plan, worst first."""
    return render(request, "insight/unit_list.html", _unit_list_context(request))


def _unit_list_context(request: HttpRequest) -> dict:
    plan = plan_from_query(request)
    rows = (sorted_unit_rows(request.user, plan_assignments(request.user, plan))
            if plan else [])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = unit_figures(page.object_list)  # Figures of this page's rows only
    return {"plan": plan, "page": page}


def _with_page(request, group: scorecards.RankingGroup) -> scorecards.RankingGroup:
    """The group with one page of its ranked cards (?page_<group>=n; each group pages alone)."""
    group.page_param = f"page_{group.key}"
    group.page = Paginator(group.cards, RANKING_PAGE_SIZE).get_page(
        request.GET.get(group.page_param))
    return group


@require_safe
def unit_ranking(request: HttpRequest) -> HttpResponse:
    """Scorecards of the units the person may see, departments and localities apart, best first."""
    return render(request, "insight/unit_ranking.html", _ranking_context(request))


def _ranking_context(request: HttpRequest) -> dict:
    plan = plan_from_query(request)
    today = timezone.localdate()
    return {
        "plan": plan,
        "plans": Plan.objects.all(),
        "as_of": today,
        "groups": [
            _with_page(request, group)
            for group in (cached_figures(request.user, plan, today, "ranking",
                                         lambda: scorecards.ranking(request.user, plan, today))
                          if plan else [])
        ],
        **formula_context(),
    }


@require_safe
def unit_heatmap(request: HttpRequest) -> HttpResponse:
    """Units x reform areas, coloured by share overdue: one heatmap per group of units."""
    return render(request, "insight/unit_heatmap.html", _heatmap_context(request))


def _heatmap_context(request: HttpRequest) -> dict:
    plan = plan_from_query(request)
    today = timezone.localdate()
    heatmaps = []
    if plan is not None:
        heatmaps = cached_figures(request.user, plan, today, "heatmap", lambda: [
            heatmap for group in scorecards.GROUPS
            if (heatmap := scorecards.area_heatmap(request.user, plan, group, today)).rows
            or group != "other"
        ])
    return {"plan": plan, "plans": Plan.objects.all(), "as_of": today, "heatmaps": heatmaps,
            "max_rows": scorecards.HEATMAP_MAX_ROWS}


@require_safe
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit(request.user, pk)
    plan = plan_from_query(request)
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
               "group_label": scorecards.group_label(scorecards.group_of(unit.kind), {unit.kind}),
               **formula_context()}
    context["compliance"] = reporting_compliance_for(request.user, plan, unit=unit) if plan else None
    context["can_remind"] = is_coordinator(request.user)
    context["contacts"] = unit.memberships.filter(is_contact=True).select_related("user__profile")
    return render(request, "insight/unit_detail.html", context)
