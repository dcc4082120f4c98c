"""Server-drawn SVG charts for templates: {% load charts %}.

    {% completion_chart plan user %}              planned vs done by month, today marked
    {% completion_chart plan user series=s %}     the same from a series already computed
                                                  (the dashboard's: plans.dashboard.dashboard)
    {% area_bars plan user %}                     a stacked bar per reform area
    {% area_bars plan user rows=by_area %}        the same from Figures already computed
    {% heatmap heatmap plan %}                    units x areas, coloured by share overdue, from
                                                  units.scorecards.area_heatmap()

The first two take an optional on=<date> (the as-of date; today by default) and read only what
`user` may see. Queries per tag: one (completion; none with series=), two (areas: the areas once
per plan object, and one aggregate; none with rows=), none (heatmap) - whatever the data size.
"""

from django import template

from plans import charts
from plans.caching import cached_figures, drawn
from plans.dashboard import CLASSES, plan_assignments

register = template.Library()


@register.simple_tag
def completion_chart(plan, user, on=None, series=None):
    if plan is None:
        return ""
    if series is None:
        series = cached_figures(
            user, plan, on, "completion",
            lambda: charts.completion_series(plan_assignments(user, plan, on), plan, on),
        )
    prefix = f"completion-{plan.pk}"
    return drawn("completion", (series, prefix),
                 lambda: charts.completion_figure(series, prefix=prefix))


@register.simple_tag
def area_bars(plan, user, rows=None, on=None):
    if plan is None:
        return ""
    if rows is None:
        rows = charts.area_figures(plan_assignments(user, plan, on), plan)
    prefix = f"areas-{plan.pk}"
    drawn_data = [(row.label, row.total, *(getattr(row, cls) for cls in CLASSES)) for row in rows]
    return drawn("areas", (drawn_data, prefix),
                 lambda: charts.area_bars_figure(rows, prefix=prefix))


@register.simple_tag
def heatmap(heatmap, plan):
    """A heatmap already computed (units.scorecards.area_heatmap) of the plan."""
    return charts.heatmap_figure(heatmap, prefix=f"heatmap-{plan.pk}-{heatmap.group}")
