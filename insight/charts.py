"""Charts drawn on the server as SVG: no JavaScript, no external request, readable in print.

Two halves:
- data: a few aggregate queries per chart, whatever the data size (completion_series,
  area_figures, plan_areas; the units x areas heatmap's data is insight.scorecards.area_heatmap);
- drawing: pure functions from that data to markup (completion_svg, area_bars_svg,
  heatmap_svg, and *_figure() which add a caption and the data table).

Markup is built by format_html and by _el()/_join(), which escape every value and text the
same way, so every text that came from users (unit and area names) is escaped, and the SVG is
well-formed XML. No style="..." attribute (the CSP forbids inline
styles): colours are presentation attributes (fill="#...") plus class names for the stylesheet.
Each chart is role="img" with a <title> and a <desc> (a text summary) and comes with the numbers
as a table: the text alternative, and the numbers are also written on the chart so that it reads
without colour (in print, in black and white).
"""

import calendar
import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, DateField, F, Q, QuerySet, When
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from insight.figures import CLASSES, Figures
from plans.models import Plan, ReformArea
from solutions.models import CountRows, Timeliness, timeliness_aggregates

SVG_NS = "http://www.w3.org/2000/svg"
INK, MUTED, LINE, WHITE = "#1c2430", "#5b6472", "#dfe3ea", "#ffffff"
# The site's colours for the four classes (static/css/portal.css), with a text colour that
# reads on each.
CLASS_FILL = {
    Timeliness.ON_TIME: "#1f7a3d",
    Timeliness.LATE: "#d89a2b",
    Timeliness.IN_PROGRESS: "#6f9fd8",
    Timeliness.OVERDUE: "#b3261e",
}
CLASS_TEXT = {
    Timeliness.ON_TIME: WHITE,
    Timeliness.LATE: INK,
    Timeliness.IN_PROGRESS: INK,
    Timeliness.OVERDUE: WHITE,
}
PLANNED_COLOUR = "#0b3a6e"
DONE_COLOUR = "#1f7a3d"
TODAY_COLOUR = "#b3261e"
# Share overdue, pale to deep red, in steps: (upper bound in percent, fill, text colour).
HEAT_STEPS = [
    (0, "#fbf3f2", INK),
    (20, "#f6d2cd", INK),
    (40, "#eea39a", INK),
    (60, "#e0695d", INK),
    (80, "#c0392b", WHITE),
    (100, "#8c1d14", WHITE),
]
NUM_CLASS = mark_safe(' class="num"')  # a constant: no user text in it
MAX_EXTRA_MONTHS = 12  # deadlines extended past the plan's end widen the axis this far at most


# --- Data ---------------------------------------------------------------------------------------


def plan_areas(plan: Plan) -> list[ReformArea]:
    """The plan's areas, read once per plan object (several charts on a page share them)."""
    if not hasattr(plan, "_chart_areas"):
        plan._chart_areas = list(plan.areas.all())
    return plan._chart_areas


def area_figures(assignments: QuerySet, plan: Plan) -> list[Figures]:
    """The four classes per reform area (the dashboard's by-area rows): one query + the areas."""
    rows = {
        row["task__area"]: row
        for row in assignments.values("task__area").annotate(**timeliness_aggregates()).order_by()
    }
    return [
        Figures.from_row(rows.get(area.pk, {}), label=str(area), filter={"area": area.pk})
        for area in plan_areas(plan)
    ]


def _month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _add_months(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass
class MonthPoint:
    month: datetime.date  # the first day of the month
    planned: int  # cumulative: assignments due by the month's end
    done: int | None  # cumulative: completed by the month's end (by `on` this month); None ahead

    @property
    def end(self) -> datetime.date:
        return _month_end(self.month)


@dataclass
class CompletionSeries:
    points: list[MonthPoint]
    on: datetime.date
    planned_before: int = 0  # due before the first month shown
    done_before: int = 0

    @property
    def start(self) -> datetime.date:
        return self.points[0].month

    @property
    def end(self) -> datetime.date:
        return self.points[-1].end

    @property
    def total(self) -> int:
        return self.points[-1].planned if self.points else 0

    @property
    def done_by_on(self) -> int:
        values = [p.done for p in self.points if p.done is not None]
        return values[-1] if values else self.done_before

    @property
    def planned_by_on(self) -> int:
        """Due by the end of the as-of date's month (the monthly resolution of the data)."""
        values = [p.planned for p in self.points if p.month <= self.on]
        return values[-1] if values else self.planned_before

    @property
    def shows_on(self) -> bool:
        return bool(self.points) and self.start <= self.on <= self.end


def completion_series(assignments: QuerySet | None, plan: Plan,
                      on: datetime.date | None = None,
                      month_rows: list[dict] | None = None) -> CompletionSeries:
    """Planned vs done by month over the plan's months: one aggregate query, or none when
    `month_rows` are given (rows of "due_month", "done_month" and "total" counted on
    with_months(assignments, on), e.g. by insight.grouping.counts_by with other figures).

    `assignments` comes from with_timeliness() (its effective due date: the extended one, an
    ongoing task's plan end). Planned = cumulative count due by each month's end; done =
    cumulative count completed (verified) by each month's end, up to `on` (today by default).
    """
    on = on or timezone.localdate()
    if month_rows is None:
        month_rows = list(with_months(assignments, on).values("due_month", "done_month")
                          .annotate(total=CountRows()).order_by())
    planned_by_month, done_by_month = _by_month(month_rows)
    first, last = _month(plan.start_date), _month(plan.end_date)
    data_months = [m for m in (*planned_by_month, *done_by_month) if m is not None]
    if data_months:
        last = max(last, min(max(data_months), _add_months(last, MAX_EXTRA_MONTHS)))

    def before(counts):
        return sum(n for m, n in counts.items() if m is not None and m < first)

    def after(counts):
        return sum(n for m, n in counts.items() if m is not None and m > last)

    series = CompletionSeries(points=[], on=on, planned_before=before(planned_by_month),
                              done_before=before(done_by_month))
    planned, done = series.planned_before, series.done_before
    month = first
    while month <= last:
        planned += planned_by_month.get(month, 0)
        done += done_by_month.get(month, 0)
        if month == last:  # beyond MAX_EXTRA_MONTHS: counted in the last month shown
            planned += after(planned_by_month)
            done += after(done_by_month)
        series.points.append(MonthPoint(month=month, planned=planned,
                                        done=done if month <= on else None))
        month = _add_months(month, 1)
    return series


class MonthOf(TruncMonth):
    """The first day of a date's month. On PostgreSQL, DATE_TRUNC of a date goes through
    timestamp with time zone, a time-zone conversion per row; through a plain timestamp the
    completion chart's scan of 100,000 assignments costs a fifth less."""

    output_field = DateField()

    def as_postgresql(self, compiler, connection):
        sql, params = compiler.compile(self.lhs)
        return f"DATE_TRUNC('month', ({sql})::timestamp)::date", params


def with_months(assignments: QuerySet, on: datetime.date) -> QuerySet:
    """The month each assignment is due, and the month it was completed (by `on`, else null)."""
    done = Q(completed_on__isnull=False, completed_on__lte=on)
    return assignments.annotate(
        due_month=MonthOf("effective_due_date"),
        done_month=MonthOf(Case(When(done, then=F("completed_on")))),
    )


def _by_month(rows: list[dict]) -> tuple[dict, dict]:
    """Counts by month due, and by month completed, from rows grouped by both."""
    planned: dict[datetime.date | None, int] = {}
    completed: dict[datetime.date | None, int] = {}
    for row in rows:
        planned[row["due_month"]] = planned.get(row["due_month"], 0) + row["total"]
        if row["done_month"] is not None:
            completed[row["done_month"]] = completed.get(row["done_month"], 0) + row["total"]
    return planned, completed


# --- Drawing helpers ----------------------------------------------------------------------------


def _join(parts: Iterable) -> SafeString:
    """Concatenate markup: SafeStrings pass as they are, anything else is escaped."""
    return mark_safe("".join(conditional_escape(part) for part in parts))


def _f(x: float) -> str:
    """A coordinate for an attribute: never localised (Vietnamese writes 1,5)."""
    return f"{x:.1f}".removesuffix(".0")


def _date(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _truncate(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _el(tag: str, content=None, **attrs) -> SafeString:
    """An element; attribute names from keywords (font_size -> font-size, class_ -> class),
    None or "" values left out, every value and the content escaped.

    Plain string building (a chart has thousands of elements): format_html() costs several
    times as much for the same escaping."""
    attributes = "".join(
        f' {name.rstrip("_").replace("_", "-")}="{conditional_escape(value)}"'
        for name, value in attrs.items() if value is not None and value != ""
    )
    if content is None:
        return mark_safe(f"<{tag}{attributes}/>")
    return mark_safe(f"<{tag}{attributes}>{conditional_escape(content)}</{tag}>")


def _svg(*, prefix: str, width: int, height: int, title: str, desc: str, body: SafeString,
         css_class: str) -> SafeString:
    # fill and font-size on the root are inherited: elements only say where they differ.
    return format_html(
        '<svg xmlns="{}" class="chart__svg {}" viewBox="0 0 {} {}" width="{}" height="{}" '
        'role="img" aria-labelledby="{}-title" aria-describedby="{}-desc" font-size="12" '
        'fill="{}"><title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}{}</svg>',
        SVG_NS, css_class, width, height, width, height, prefix, prefix, INK,
        prefix, title, prefix, desc,
        _el("rect", class_="chart__bg", width=width, height=height, fill=WHITE), body,
    )


def _text(x: float, y: float, text, *, anchor: str | None = None, size: int | None = None,
          fill: str | None = None, weight: str | None = None,
          css_class: str | None = None) -> SafeString:
    return _el("text", text, x=_f(x), y=_f(y), text_anchor=anchor, font_size=size,
               fill=None if fill == INK else fill, font_weight=weight, class_=css_class)


def _rect(x: float, y: float, w: float, h: float, fill: str, *, css_class: str | None = None,
          stroke: str | None = None) -> SafeString:
    return _el("rect", x=_f(x), y=_f(y), width=_f(max(w, 0)), height=_f(max(h, 0)), fill=fill,
               stroke=stroke, class_=css_class)


def _line(x1, y1, x2, y2, stroke: str, *, width: float = 1, dash: str | None = None,
          css_class: str | None = None) -> SafeString:
    return _el("line", x1=_f(x1), y1=_f(y1), x2=_f(x2), y2=_f(y2), stroke=stroke,
               stroke_width=None if width == 1 else _f(width), stroke_dasharray=dash,
               class_=css_class)


def nice_ticks(maximum: int, count: int = 5) -> list[int]:
    """0, step, 2 step ... covering maximum, with a 1-2-5 step and at most count + 1 ticks."""
    maximum = max(maximum, 1)
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(s * magnitude for s in (1, 2, 5, 10) if s * magnitude >= raw)
    step = max(int(step), 1)
    return list(range(0, (math.ceil(maximum / step) * step) + 1, step))


def _table(caption: str, headers: list[str], rows: list[list], *, row_headers: bool = True
           ) -> SafeString:
    head = _join(format_html('<th scope="col"{}>{}</th>', "" if i == 0 else
                             NUM_CLASS, h) for i, h in enumerate(headers))
    body = _join(
        format_html(
            "<tr>{}</tr>",
            _join(
                format_html('<th scope="row">{}</th>', cell) if i == 0 and row_headers
                else format_html('<td{}>{}</td>', "" if i == 0 else NUM_CLASS,
                                 cell)
                for i, cell in enumerate(row)
            ),
        )
        for row in rows
    )
    return format_html(
        '<table class="chart-table"><caption>{}</caption><thead><tr>{}</tr></thead>'
        "<tbody>{}</tbody></table>",
        caption, head, body,
    )


def figure(svg: SafeString, *, caption: str, table: SafeString, css_class: str,
           extra: SafeString | str = "") -> SafeString:
    """The chart, a visible caption, and its numbers as a table (open on demand)."""
    return format_html(
        '<figure class="chart {}">{}<figcaption class="chart__caption">{}</figcaption>{}'
        '<details class="chart__data"><summary>{}</summary><div class="table-scroll">{}</div>'
        "</details></figure>",
        css_class, svg, caption, extra, _("The figures as a table"), table,
    )


# --- Completion over time: planned vs done ------------------------------------------------------


def completion_svg(series: CompletionSeries, *, prefix: str = "completion") -> SafeString:
    """Two cumulative lines over the plan's months, with the as-of date (today) marked."""
    width, height = 720, 300
    left, right, top, bottom = 52, 24, 56, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    title = _("Completion over time: planned and done")
    if not series.points:
        return _svg(prefix=prefix, width=width, height=80, title=title, desc=_("No data."),
                    body=_text(12, 40, _("No data.")), css_class="chart--completion")
    ticks = nice_ticks(max(series.total, series.done_by_on))
    y_max = ticks[-1] or 1
    axis_start, axis_end = series.start, series.end + datetime.timedelta(days=1)
    span = (axis_end - axis_start).days

    def x(day: datetime.date) -> float:
        return left + plot_w * (day - axis_start).days / span

    def y(value: float) -> float:
        return top + plot_h - plot_h * value / y_max

    parts = []
    for tick in ticks:  # horizontal grid with the counts
        parts.append(_line(left, y(tick), left + plot_w, y(tick), LINE))
        parts.append(_text(left - 6, y(tick) + 4, number_format(tick), anchor="end", size=11,
                           fill=MUTED))
    every = max(1, math.ceil(len(series.points) / 12))
    for i, point in enumerate(series.points):  # month boundaries and labels
        parts.append(_line(x(point.month), top + plot_h, x(point.month), top + plot_h + 5, MUTED))
        if i % every == 0:
            middle = x(point.month) + (x(point.end) - x(point.month)) / 2
            parts.append(_text(middle, top + plot_h + 18, point.month.strftime("%m/%Y"),
                               anchor="middle", size=10, fill=MUTED))
    parts.append(_line(left, top + plot_h, left + plot_w, top + plot_h, MUTED))

    # Planned: a dashed line with square markers; done: a solid line with round markers.
    planned = [(x(axis_start), y(series.planned_before))] + [
        (x(p.end + datetime.timedelta(days=1)), y(p.planned)) for p in series.points
    ]
    done_points = [p for p in series.points if p.done is not None]
    done = [(x(axis_start), y(series.done_before))] + [
        (x(min(p.end, series.on) + datetime.timedelta(days=1)), y(p.done)) for p in done_points
    ]
    parts.append(_polyline(planned, PLANNED_COLOUR, dash="7 4", css_class="line--planned"))
    parts.extend(_square(px, py, PLANNED_COLOUR) for px, py in planned[1:])
    if done_points:
        parts.append(_polyline(done, DONE_COLOUR, css_class="line--done"))
        parts.extend(_circle(px, py, DONE_COLOUR) for px, py in done[1:])
    # The numbers at the ends of the lines, so the chart reads without colour.
    last_x, last_y = planned[-1]
    parts.append(_text(last_x - 4, last_y - 8, number_format(series.total), anchor="end",
                       size=11, fill=PLANNED_COLOUR, weight="bold"))
    if done_points:
        dx, dy = done[-1]
        parts.append(_text(dx + 6, dy + 14, number_format(series.done_by_on), size=11,
                           fill=DONE_COLOUR, weight="bold"))

    if series.shows_on:
        # Today, or the as-of date of a period's report.
        marker = _("Today %(date)s") if series.on == timezone.localdate() else _("As of %(date)s")
        tx = x(series.on) + plot_w / span / 2  # the middle of the day
        parts.append(_line(tx, top - 4, tx, top + plot_h, TODAY_COLOUR, width=1.5, dash="3 3",
                           css_class="line--today"))
        anchor = "end" if tx > left + plot_w * 0.75 else "start"
        parts.append(_text(tx + (-4 if anchor == "end" else 4), top + 8,
                           marker % {"date": _date(series.on)}, anchor=anchor,
                           size=11, fill=TODAY_COLOUR, weight="bold"))

    # Legend along the top, one line per series (translations may be long).
    parts.append(_line(left, 12, left + 28, 12, PLANNED_COLOUR, width=2.5, dash="7 4"))
    parts.append(_square(left + 14, 12, PLANNED_COLOUR))
    parts.append(_text(left + 36, 16, _("Planned: due by the end of the month (cumulative)")))
    parts.append(_line(left, 30, left + 28, 30, DONE_COLOUR, width=2.5))
    parts.append(_circle(left + 14, 30, DONE_COLOUR))
    parts.append(_text(left + 36, 34, _("Done (cumulative)")))

    return _svg(prefix=prefix, width=width, height=height, title=title,
                desc=completion_summary(series), body=_join(parts), css_class="chart--completion")


def _polyline(points: list[tuple[float, float]], colour: str, *, dash: str | None = None,
              css_class: str | None = None) -> SafeString:
    return _el("polyline", points=" ".join(f"{_f(px)},{_f(py)}" for px, py in points),
               fill="none", stroke=colour, stroke_width="2.5", stroke_linejoin="round",
               stroke_dasharray=dash, class_=css_class)


def _square(cx: float, cy: float, colour: str) -> SafeString:
    return _rect(cx - 3.5, cy - 3.5, 7, 7, colour)


def _circle(cx: float, cy: float, colour: str) -> SafeString:
    return _el("circle", cx=_f(cx), cy=_f(cy), r="4", fill=colour, stroke=WHITE,
               stroke_width="1.5")


def completion_summary(series: CompletionSeries) -> str:
    if not series.points:
        return _("No data.")
    text = _(
        "Planned: %(total)s assignments due from %(start)s to %(end)s. "
        "Done by %(on)s: %(done)s, against %(planned)s due by the end of that month."
    ) % {
        "total": series.total, "start": _date(series.start), "end": _date(series.end),
        "on": _date(min(series.on, series.end)), "done": series.done_by_on,
        "planned": series.planned_by_on,
    }
    return text


def completion_figure(series: CompletionSeries, *, prefix: str = "completion") -> SafeString:
    rows = [
        [point.month.strftime("%m/%Y"), number_format(point.planned),
         "–" if point.done is None else number_format(point.done)]
        for point in series.points
    ]
    table = _table(
        _("Planned and done by month (cumulative)"),
        [_("Month"), _("Planned (due by month end)"), _("Done by month end")], rows,
    )
    caption = _("Cumulative assignments due (planned) and completed (done) at the end of each "
                "month; the done line stops at %(date)s.") % {
        "date": _date(min(series.on, series.end) if series.points else series.on)}
    return figure(completion_svg(series, prefix=prefix), caption=caption, table=table,
                  css_class="chart--completion")


# --- A stacked bar per reform area --------------------------------------------------------------


def class_labels() -> dict[str, str]:
    return {cls.value: str(cls.label) for cls in Timeliness}


def area_bars_svg(rows: list[Figures], *, prefix: str = "areas") -> SafeString:
    """One stacked bar per area: the four classes, bar length by the area's assignments."""
    width = 720
    left, right, top, row_h, bar_h = 12, 48, 44, 46, 20
    plot_w = width - left - right
    height = top + row_h * max(len(rows), 1) + 8
    labels = class_labels()
    biggest = max((r.total for r in rows), default=0) or 1
    parts = []
    x = left  # legend
    for cls in CLASSES:
        parts.append(_rect(x, 10, 12, 12, CLASS_FILL[cls], css_class=f"seg--{cls}"))
        parts.append(_text(x + 17, 21, labels[cls]))
        x += 30 + 7.2 * len(labels[cls])
    for i, row in enumerate(rows):
        y0 = top + i * row_h
        parts.append(_text(left, y0 + 12, _truncate(row.label, 70), weight="bold"))
        bar_y = y0 + 18
        parts.append(_rect(left, bar_y, plot_w, bar_h, "#f1f3f6", css_class="seg--empty"))
        offset, untold = left, []
        for cls in CLASSES:
            count = getattr(row, cls)
            if not count:
                continue
            seg_w = plot_w * count / biggest
            parts.append(_rect(offset, bar_y, seg_w, bar_h, CLASS_FILL[cls],
                               css_class=f"seg--{cls}"))
            if seg_w >= 8 * len(str(count)) + 6:  # the count inside, when it fits
                parts.append(_text(offset + seg_w / 2, bar_y + 14, number_format(count),
                                   anchor="middle", size=11, fill=CLASS_TEXT[cls],
                                   weight="bold"))
            else:  # too narrow: said in words on the label's line
                untold.append(f"{labels[cls]}: {number_format(count)}")
            offset += seg_w
        if untold:
            parts.append(_text(left + plot_w, y0 + 12, " · ".join(untold), anchor="end",
                               size=11, fill=MUTED))
        parts.append(_text(offset + 6, bar_y + 14, number_format(row.total), size=12,
                           weight="bold"))
    if not rows:
        parts.append(_text(left, top + 20, _("No reform area in this plan."), fill=MUTED))
    return _svg(prefix=prefix, width=width, height=height,
                title=_("Assignments by reform area and status"),
                desc=area_summary(rows), body=_join(parts), css_class="chart--areas")


def area_summary(rows: list[Figures]) -> str:
    if not rows:
        return _("No reform area in this plan.")
    return " ".join(
        _("%(area)s: %(total)s assignments, %(on_time)s done on time, %(late)s done late, "
          "%(in_progress)s in progress, %(overdue)s overdue.") % {
            "area": row.label, "total": row.total, "on_time": row.on_time, "late": row.late,
            "in_progress": row.in_progress, "overdue": row.overdue,
        }
        for row in rows
    )


def area_bars_figure(rows: list[Figures], *, prefix: str = "areas") -> SafeString:
    labels = class_labels()
    table = _table(
        _("Assignments by reform area"),
        [_("Reform area"), _("Total"), *(labels[c] for c in CLASSES)],
        [[row.label, row.total, *(getattr(row, c) for c in CLASSES)] for row in rows],
    )
    caption = _("Each bar is one reform area; its length is the number of assignments, split "
                "into the four classes (the number of each is written in its segment).")
    return figure(area_bars_svg(rows, prefix=prefix), caption=caption, table=table,
                  css_class="chart--areas")


# --- Heatmap: units x reform areas, coloured by share overdue ----------------------------------


def heat_step(share: float | None) -> tuple[str, str]:
    """(fill, text colour) for a share overdue in percent; an empty cell is white."""
    if share is None:
        return WHITE, MUTED
    for bound, fill, text in HEAT_STEPS:
        if share <= bound:
            return fill, text
    return HEAT_STEPS[-1][1], HEAT_STEPS[-1][2]


def _percent_text(share: float, overdue: int) -> str:
    # A cell with any overdue never reads "0%".
    value = max(1, round(share)) if overdue else round(share)
    return f"{value}%"


def heatmap_svg(heatmap, *, prefix: str = "heatmap") -> SafeString:
    """Rows = units, columns = the plan's areas; colour and number = share overdue.

    `heatmap` is a insight.scorecards.Heatmap (areas, rows of cells with due and overdue counts).
    """
    areas, rows = heatmap.areas, heatmap.rows
    label_w, cell_w, cell_h, top, legend_h = 230, 66, 34, 30, 54
    width = max(label_w + cell_w * max(len(areas), 1) + 10, 720)  # the legend's width
    height = top + cell_h * max(len(rows), 1) + legend_h
    # The area numbers head the columns; their names are tooltips and listed under the chart.
    headers = _join(
        _el("text", _join([_("Area %(number)s") % {"number": area.number},
                           _el("title", str(area))]),
            x=_f(label_w + cell_w * j + cell_w / 2), y=top - 10)
        for j, area in enumerate(areas)
    )
    parts = [_el("g", headers, text_anchor="middle", font_size=11, font_weight="bold")]
    # Markup is kept lean (a page may hold two heatmaps of 20 units): one group per row, the
    # attributes the cells share set once on the groups.
    for i, row in enumerate(rows):
        shown = _truncate(row.heat_label, 32)
        label = _el("text", _join([shown, _el("title", row.name) if shown != row.name else ""]),
                    x=label_w - 8, y=cell_h // 2 + 4, text_anchor="end")
        squares: dict[str, list[str]] = {}  # fill -> the cells of that colour, one path each
        shares, counts, dashes = [], [], []
        for j, cell in enumerate(row.cells):
            cx = label_w + cell_w * j + cell_w / 2
            fill, ink = heat_step(cell.share)
            squares.setdefault(fill, []).append(
                f"M{label_w + cell_w * j + 1} 1h{cell_w - 2}v{cell_h - 2}h-{cell_w - 2}z")
            if cell.due:
                ink = None if ink == INK else ink
                shares.append(_el("text", _percent_text(cell.share, cell.overdue), x=_f(cx),
                                  y=15, fill=ink))
                counts.append(_el("text", f"{cell.overdue}/{cell.due}", x=_f(cx), y=28,
                                  fill=ink))
            else:
                dashes.append(_el("text", "–", x=_f(cx), y=cell_h // 2 + 4))
        parts.append(_el(
            "g",
            _join([label,
                   _el("g", _join(_el("path", fill=fill, d="".join(d))
                                  for fill, d in squares.items()), stroke=LINE, class_="heat"),
                   _el("g", _join(shares), font_weight="bold", text_anchor="middle"),
                   _el("g", _join(counts), font_size=9, text_anchor="middle"),
                   _el("g", _join(dashes), fill=MUTED, font_size=12, text_anchor="middle")]),
            transform=f"translate(0 {top + cell_h * i})",
        ))
    if not rows:
        parts.append(_text(label_w - 8, top + 20, _("No assignment."), anchor="end", fill=MUTED))
    # Legend: the colour steps with their ranges, and how to read a cell.
    ly = top + cell_h * max(len(rows), 1) + 14
    parts.append(_text(8, ly + 12, _("Share overdue:"), size=11, fill=MUTED))
    x = 100
    previous = None
    for bound, fill, ink in HEAT_STEPS:
        label = "0%" if previous is None else f"{previous + 1}–{bound}%"
        parts.append(_rect(x, ly, 22, 16, fill, stroke=LINE))
        parts.append(_text(x + 26, ly + 12, label, size=11, fill=INK))
        x += 34 + 7 * len(label)
        previous = bound
    parts.append(_rect(x, ly, 22, 16, WHITE, stroke=LINE))
    parts.append(_text(x + 11, ly + 12, "–", anchor="middle", size=11, fill=MUTED))
    parts.append(_text(x + 26, ly + 12, _("nothing due"), size=11, fill=INK))
    parts.append(_text(8, ly + 34,
                       _("In each cell: share overdue, then overdue / due assignments."),
                       size=11, fill=MUTED))
    title = _("Share of due assignments overdue, by unit and reform area: %(group)s") % {
        "group": heatmap.label}
    return _svg(prefix=prefix, width=width, height=height, title=title,
                desc=heatmap_summary(heatmap), body=_join(parts), css_class="chart--heatmap")


def heatmap_summary(heatmap) -> str:
    if not heatmap.rows:
        return _("No assignment.")
    cells = [(cell, row, area) for row in heatmap.rows
             for cell, area in zip(row.cells, heatmap.areas) if cell.due]
    overdue_cells = [c for c in cells if c[0].overdue]
    text = ngettext(
        "%(units)s unit (rows) by %(areas)s reform areas (columns).",
        "%(units)s units (rows) by %(areas)s reform areas (columns).",
        len(heatmap.rows),
    ) % {"units": len(heatmap.rows), "areas": len(heatmap.areas)}
    if not overdue_cells:
        return text + " " + _("No assignment is overdue.")
    cell, row, area = max(overdue_cells, key=lambda c: (c[0].share, c[0].overdue))
    worst = _("Highest share overdue: %(unit)s in %(area)s, %(overdue)s of %(total)s "
              "(%(share)s%%).") % {
        "unit": row.name, "area": str(area), "overdue": cell.overdue, "total": cell.due,
        "share": number_format(cell.share, 1),
    }
    count = ngettext("%(n)s cell has overdue assignments.",
                     "%(n)s cells have overdue assignments.",
                     len(overdue_cells)) % {"n": len(overdue_cells)}
    return f"{text} {worst} {count}"


def heatmap_figure(heatmap, *, prefix: str = "heatmap") -> SafeString:
    def cell_text(cell):
        if not cell.due:
            return "–"
        return f"{cell.overdue}/{cell.due} ({number_format(cell.share, 1)}%)"

    table = _table(
        _("Overdue / due assignments by unit and reform area: %(group)s")
        % {"group": heatmap.label},
        [_("Unit"), *(str(area) for area in heatmap.areas)],
        [[row.name, *(cell_text(c) for c in row.cells)] for row in heatmap.rows],
    )
    caption = _("Rows: units, the most overdue first. Columns: reform areas. A cell's colour and "
                "number give the share of that unit's due assignments in that area that are "
                "overdue; – when nothing is due there yet.")
    extra = ""
    if heatmap.truncated:
        extra = format_html(
            '<p class="chart__note">{}</p>',
            _("Showing the %(shown)s units with the highest share overdue, of %(all)s.") % {
                "shown": len(heatmap.rows), "all": heatmap.unit_count},
        )
    areas = format_html(
        '<ul class="chart__areas">{}</ul>',
        _join(format_html("<li>{}</li>", _("Area %(number)s: %(name)s") % {
            "number": a.number, "name": a.name}) for a in heatmap.areas),
    )
    return figure(heatmap_svg(heatmap, prefix=prefix), caption=caption, table=table,
                  css_class="chart--heatmap", extra=_join([areas, extra]))
