"""Server-drawn SVG charts for templates: {% load charts %}.

    {% completion_chart plan user %}              planned vs done by month, today marked
    {% completion_chart plan user series=s %}     the same from a series already computed
                                                  (the dashboard's: insight.dashboard.dashboard)
    {% area_bars plan user %}                     a stacked bar per reform area
    {% area_bars plan user rows=by_area %}        the same from Figures already computed
    {% heatmap heatmap plan %}                    units x areas, coloured by share overdue, from
                                                  insight.scorecards.area_heatmap()

The first two take an optional on=<date> (the as-of date; today by default) and read only what
`user` may see. Queries per tag: one (completion; none with series=), two (areas: the areas once
per plan object, and one aggregate; none with rows=), none (heatmap) - whatever the data size.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from insight import charts
from insight.dashboard import plan_assignments

register = template.Library()


@register.simple_tag
def completion_chart(plan, user, on=None, series=None):
    if plan is None:
        return ""
    if series is None:
        series = charts.completion_series(plan_assignments(user, plan, on), plan, on)
    return charts.completion_figure(series, prefix=f"completion-{plan.pk}")


@register.simple_tag
def area_bars(plan, user, rows=None, on=None):
    if plan is None:
        return ""
    if rows is None:
        rows = charts.area_figures(plan_assignments(user, plan, on), plan)
    return charts.area_bars_figure(rows, prefix=f"areas-{plan.pk}")


@register.simple_tag
def heatmap(heatmap, plan):
    """A heatmap already computed (insight.scorecards.area_heatmap) of the plan."""
    return charts.heatmap_figure(heatmap, prefix=f"heatmap-{plan.pk}-{heatmap.group}")


@register.simple_tag
def stacked_bar(figures, decorative=False):
    """A Figures row as a stacked bar in SVG, its counts in words for screen readers.

    decorative: in a table row, whose cells say the same counts, the bar is hidden from screen
    readers instead (and the page carries no second copy of every row's figures).
    No inline style and no script (the CSP allows neither); the colours come from the classes,
    the empty part is the bar's background. Coordinates are never localised (Vietnamese
    writes 1,5)."""
    segments = "".join(
        f'<rect class="seg--{cls}" x="{offset!r}" width="{share!r}" height="10"/>'
        for cls, count, share, offset in figures.segments if count
    )
    if decorative:
        return format_html(
            '<svg class="stackbar" viewBox="0 0 100 10" preserveAspectRatio="none" '
            'aria-hidden="true">{}</svg>', mark_safe(segments))
    label = gettext(
        "%(on_time)s done on time, %(late)s done late, %(in_progress)s in progress, "
        "%(overdue)s overdue"
    ) % {"on_time": figures.on_time, "late": figures.late,
         "in_progress": figures.in_progress, "overdue": figures.overdue}
    return format_html(
        '<svg class="stackbar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
        'aria-label="{}">{}</svg>',
        label, mark_safe(segments),
    )
