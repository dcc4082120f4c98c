"""Server-drawn SVG charts (insight/charts.py) and their template tags (insight/templatetags/charts.py).

The completion data set: the 2024 plan, as of 15/05/2024, unit A's assignments

    due          done        month counted (planned / done)
    20/12/2023   -           before the plan: planned from the start
    20/01/2024   18/01/2024  01 / 01
    10/02/2024   05/03/2024  02 / 03
    31/03/2024   -           03 / -
    30/04/2024   01/06/2024  04 / - (done after the as-of date: not done yet)
    20/05/2024   10/05/2024  05 / 05
    ongoing      -           12 (the plan's end) / -
    10/03/2025   -           03/2025: an extension past the plan's end widens the axis
"""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.template import Context, Template
from django.utils import translation

from insight import charts
from insight.figures import Figures
from solutions.models import Assignment
from tests.factories import (
    AssignmentFactory,
    PlanFactory,
    ReformAreaFactory,
    TaskFactory,
    UnitFactory,
)
from insight import scorecards
from units.access import can_read_all
from units.models import Unit

SVG = "{http://www.w3.org/2000/svg}"
ON = datetime.date(2024, 5, 15)
D = datetime.date
EVIL_UNIT = '<script>alert("x")</script> & Co'
EVIL_AREA = '<b>Cải cách</b> "thể chế" & \'x\''


@pytest.fixture
def plan_2024(db):
    return PlanFactory(year=2024)


@pytest.fixture
def area(plan_2024):
    return ReformAreaFactory(plan=plan_2024, number=1, name="Cải cách thể chế")


def assign(plan, area, unit, due, done=None) -> Assignment:
    task = TaskFactory(plan=plan, area=area, due_date=due)
    fields = {"latest_percent": 100, "completed_on": done} if done else {}
    return AssignmentFactory(task=task, unit=unit, due_date=due, **fields)


@pytest.fixture
def timeline(plan_2024, area, unit_a):
    for due, done in [
        (D(2023, 12, 20), None),
        (D(2024, 1, 20), D(2024, 1, 18)),
        (D(2024, 2, 10), D(2024, 3, 5)),
        (D(2024, 3, 31), None),
        (D(2024, 4, 30), D(2024, 6, 1)),
        (D(2024, 5, 20), D(2024, 5, 10)),
        (None, None),
        (D(2025, 3, 10), None),
    ]:
        assign(plan_2024, area, unit_a, due, done)


def all_assignments(plan, on=ON):
    return Assignment.objects.filter(task__plan=plan).with_timeliness(on)


# --- Completion over time -----------------------------------------------------------------------


def test_completion_numbers_are_cumulative_by_month(timeline, plan_2024,
                                                    django_assert_num_queries):
    with django_assert_num_queries(1):  # one aggregate, by month due and month completed
        series = charts.completion_series(all_assignments(plan_2024), plan_2024, ON)
    months = [p.month.strftime("%m/%Y") for p in series.points]
    assert months[0] == "01/2024" and months[-1] == "03/2025" and len(months) == 15
    assert series.planned_before == 1
    assert [p.planned for p in series.points] == [
        2, 3, 4, 5, 6, 6, 6, 6, 6, 6, 6, 7,  # 2024: the ongoing task counts in December
        7, 7, 8,  # 2025: the extended one
    ]
    assert [p.done for p in series.points] == [1, 1, 2, 2, 3] + [None] * 10
    assert (series.total, series.done_by_on, series.planned_by_on) == (8, 3, 6)
    assert series.shows_on


def test_completion_for_a_plan_seen_after_its_end(timeline, plan_2024):
    series = charts.completion_series(all_assignments(plan_2024, D(2026, 1, 1)), plan_2024,
                                      D(2026, 1, 1))
    assert not series.shows_on
    assert series.done_by_on == 4  # the one done on 01/06/2024 counts now
    svg = charts.completion_svg(series)
    assert "line--today" not in svg


def test_completion_chart_marks_today(timeline, plan_2024):
    series = charts.completion_series(all_assignments(plan_2024), plan_2024, ON)
    with translation.override("en"):
        svg = str(charts.completion_svg(series))
    root = parse(svg)
    today = [e for e in root.iter(f"{SVG}line") if e.get("class") == "line--today"]
    assert len(today) == 1
    assert "As of 15/05/2024" in texts(root)  # a past date: "Today" only for today
    assert {"8", "3"} <= set(texts(root))  # the ends of the lines carry their numbers
    assert "Planned: 8 assignments due from 01/01/2024 to 31/03/2025." in desc(root)


def test_completion_chart_marks_today_as_today(plan, assignment_a, today):
    series = charts.completion_series(all_assignments(plan, today), plan, today)
    with translation.override("en"):
        root = parse(str(charts.completion_svg(series)))
    assert f"Today {today:%d/%m/%Y}" in texts(root)


def test_completion_chart_tag(timeline, plan_2024, leader, django_assert_max_num_queries):
    can_read_all(leader)  # the person's groups are read once per request, not per chart
    template = Template("{% load charts %}{% completion_chart plan user on=on %}")
    # The aggregate by month due and month completed, and the plan's first day of data.
    with django_assert_max_num_queries(2):
        html = template.render(Context({"plan": plan_2024, "user": leader, "on": ON}))
    assert f'id="completion-{plan_2024.pk}-title"' in html
    assert_well_formed_figure(html)


def test_charts_read_only_what_the_person_may_see(timeline, plan_2024, staff_b):
    series = charts.completion_series(
        Assignment.objects.for_user(staff_b).filter(task__plan=plan_2024).with_timeliness(ON),
        plan_2024, ON)
    assert series.total == 0


# --- Bars per area ------------------------------------------------------------------------------


def test_area_bars_from_the_dashboard_figures(timeline, plan_2024, leader):
    ReformAreaFactory(plan=plan_2024, number=2, name="Cải cách thủ tục hành chính")
    rows = charts.area_figures(all_assignments(plan_2024), plan_2024)
    assert [(r.label, r.total, r.on_time, r.late, r.in_progress, r.overdue) for r in rows] == [
        ("1. Cải cách thể chế", 8, 2, 1, 2, 3),
        ("2. Cải cách thủ tục hành chính", 0, 0, 0, 0, 0),
    ]
    with translation.override("en"):
        svg = str(charts.area_bars_svg(rows))
    root = parse(svg)
    assert "1. Cải cách thể chế" in texts(root)
    assert "8" in texts(root)  # the area's total at the end of its bar
    assert "Cải cách thể chế: 8 assignments, 2 done on time" in desc(root)


def test_area_bars_tag_reuses_figures_without_a_query(plan_2024, leader,
                                                       django_assert_num_queries):
    rows = [Figures(total=4, on_time=1, late=1, in_progress=1, overdue=1, label="1. A")]
    template = Template("{% load charts %}{% area_bars plan user rows=rows %}")
    with django_assert_num_queries(0):
        html = template.render(Context({"plan": plan_2024, "user": leader, "rows": rows}))
    assert_well_formed_figure(html)


def test_area_bars_tag_computes_its_rows(timeline, plan_2024, leader,
                                         django_assert_max_num_queries):
    can_read_all(leader)
    template = Template("{% load charts %}{% area_bars plan user on=on %}")
    with django_assert_max_num_queries(2):  # the areas, one aggregate
        html = template.render(Context({"plan": plan_2024, "user": leader, "on": ON}))
    assert f'id="areas-{plan_2024.pk}-title"' in html


def test_a_narrow_segment_is_said_in_words(db):
    rows = [Figures(total=200, on_time=199, overdue=1, label="0. Chỉ đạo, điều hành")]
    with translation.override("en"):
        root = parse(str(charts.area_bars_svg(rows)))
    assert "Overdue: 1" in texts(root)


# --- Heatmap ------------------------------------------------------------------------------------


@pytest.fixture
def heat(plan_2024, area, unit_a):
    evil = UnitFactory(name=EVIL_UNIT, kind=Unit.Kind.DISTRICT)
    assign(plan_2024, area, evil, D(2024, 3, 1))  # overdue on 15/05
    assign(plan_2024, area, evil, D(2024, 3, 1), D(2024, 2, 1))  # on time
    assign(plan_2024, area, unit_a, D(2024, 3, 1), D(2024, 2, 1))
    evil_area = ReformAreaFactory(plan=plan_2024, number=2, name=EVIL_AREA)
    assign(plan_2024, evil_area, evil, D(2024, 4, 1))  # overdue
    assign(plan_2024, evil_area, evil, D(2024, 9, 1))  # not due
    return evil


def test_heatmap_cells_carry_their_numbers_and_colours(heat, plan_2024, leader):
    heatmap = scorecards.area_heatmap(leader, plan_2024, "localities", ON)
    with translation.override("en"):
        svg = str(charts.heatmap_svg(heatmap))
    root = parse(svg)
    words = texts(root)
    assert {"50%", "1/2", "100%", "1/1"} <= set(words)
    # The cells: a square per (unit, area), those of one colour in one path.
    cells = list(root.iter(f"{SVG}path"))
    fills = {path.get("fill") for path in cells}
    assert charts.heat_step(50)[0] in fills and charts.heat_step(100)[0] in fills
    squares = sum(path.get("d").count("M") for path in cells)
    assert squares == len(heatmap.rows) * len(heatmap.areas)
    assert "Share overdue:" in words  # the legend
    assert "Highest share overdue" in desc(root)


def test_heat_steps_go_from_pale_to_deep_red():
    assert charts.heat_step(0)[0] == "#fbf3f2"
    assert charts.heat_step(100)[0] == "#8c1d14"
    assert charts.heat_step(None)[0] == "#ffffff"
    fills = [charts.heat_step(share)[0] for share in (0, 10, 30, 50, 70, 90)]
    assert len(set(fills)) == 6


def test_heatmap_tag(heat, plan_2024, leader, django_assert_max_num_queries):
    can_read_all(leader)
    template = Template("{% load charts %}{% heatmap heatmap plan %}")
    with django_assert_max_num_queries(2):  # the areas, one aggregate
        heatmap = scorecards.area_heatmap(leader, plan_2024, "localities", ON)
        html = template.render(Context({"plan": plan_2024, "heatmap": heatmap}))
    assert f'id="heatmap-{plan_2024.pk}-localities-title"' in html
    assert_well_formed_figure(html)


# --- Well-formed, titled, no inline style, escaped ----------------------------------------------


def all_svgs(plan, user):
    series = charts.completion_series(all_assignments(plan), plan, ON)
    rows = charts.area_figures(all_assignments(plan), plan)
    heatmap = scorecards.area_heatmap(user, plan, "localities", ON)
    return {
        "completion": (charts.completion_svg(series), charts.completion_figure(series)),
        "areas": (charts.area_bars_svg(rows), charts.area_bars_figure(rows)),
        "heatmap": (charts.heatmap_svg(heatmap), charts.heatmap_figure(heatmap)),
    }


@pytest.mark.parametrize("language", ["en", "vi"])
def test_every_chart_is_well_formed_titled_and_escaped(heat, timeline, plan_2024, leader,
                                                       language):
    with translation.override(language):
        drawn = all_svgs(plan_2024, leader)
    for name, (svg, figure) in drawn.items():
        root = parse(str(svg))
        assert root.tag == f"{SVG}svg", name
        assert root.get("role") == "img", name
        title = root.find(f"{SVG}title")
        assert title is not None and title.text, name
        assert root.get("aria-labelledby") == title.get("id"), name
        assert root.get("aria-describedby") == root.find(f"{SVG}desc").get("id"), name
        for html in (str(svg), str(figure)):
            assert "style=" not in html, name
            assert "<script" not in html and "<b>" not in html, name
        assert_numeric_attributes(root)  # "1,5" in Vietnamese would break the drawing
        assert_well_formed_figure(str(figure))
    heatmap_svg, heatmap_figure = drawn["heatmap"]
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in heatmap_svg
    assert EVIL_UNIT in texts(parse(str(heatmap_svg)))  # escaped, so it reads as written
    assert EVIL_UNIT in [th.text for th in parse(str(heatmap_figure)).iter("th")]  # the table
    assert f"2. {EVIL_AREA}" in texts(parse(str(heatmap_svg)))  # the column's tooltip
    assert "&lt;b&gt;Cải cách&lt;/b&gt;" in drawn["areas"][0]


def test_the_heatmap_page_charts_are_well_formed_in_vietnamese(as_leader, heat, plan_2024):
    html = as_leader.get(f"/units/heatmap/?plan={plan_2024.pk}",
                         HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    start = html.index("<svg")
    svg = html[start:html.index("</svg>", start) + len("</svg>")]
    root = parse(svg)
    assert_numeric_attributes(root)
    assert "<script>alert" not in html


def test_nice_ticks():
    assert charts.nice_ticks(0) == [0, 1]
    assert charts.nice_ticks(4) == [0, 1, 2, 3, 4]
    assert charts.nice_ticks(244) == [0, 50, 100, 150, 200, 250]
    assert charts.nice_ticks(1000) == [0, 200, 400, 600, 800, 1000]


# --- Helpers ------------------------------------------------------------------------------------


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    """The words drawn (<text>) and the tooltips (<title>)."""
    return [(e.text or "").strip() for e in root.iter() if e.tag in (f"{SVG}text", f"{SVG}title")]


def desc(root: ET.Element) -> str:
    return root.find(f"{SVG}desc").text


NUMERIC = {"x", "y", "x1", "y1", "x2", "y2", "width", "height", "cx", "cy", "r", "font-size",
           "stroke-width"}


def assert_numeric_attributes(root: ET.Element) -> None:
    for element in root.iter():
        for name, value in element.attrib.items():
            if name in NUMERIC:
                float(value)
            elif name == "points":
                for pair in value.split():
                    x, y = pair.split(",")
                    float(x), float(y)
            elif name == "viewBox":
                [float(v) for v in value.split()]


def assert_well_formed_figure(html: str) -> None:
    html = html.strip()
    figure = ET.fromstring(html)  # the whole figure is well-formed too (no &nbsp; and such)
    assert figure.tag == "figure"
    assert figure.find(f"{SVG}svg") is not None
    assert figure.find("figcaption").text
    assert figure.find("details/div/table") is not None  # the numbers, as a table


# --- One scan for several breakdowns (insight.grouping) ----------------------------------------


def test_one_scan_counts_as_one_query_per_breakdown(timeline, plan_2024, unit_a, unit_b,
                                                    django_assert_num_queries):
    """counts_by() on PostgreSQL (GROUPING SETS, one query) gives the rows that one ordinary
    aggregate per breakdown gives (its path on other databases)."""
    from insight.grouping import _one_grouping, counts_by
    from solutions.models import TIMELINESS_KEYS

    other = ReformAreaFactory(plan=plan_2024, number=2)
    assign(plan_2024, other, unit_b, D(2024, 4, 1))
    assign(plan_2024, other, unit_b, D(2024, 6, 1), D(2024, 5, 1))
    base = charts.with_months(all_assignments(plan_2024), ON)
    groupings = {"cells": ["task__area", "task__solution"], "units": ["unit"],
                 "months": ["due_month", "done_month"]}
    with django_assert_num_queries(1):  # the one scan
        grouped = counts_by(base, groupings)
    for name, fields in groupings.items():
        def key(row, fields=fields):
            return tuple(str(row[f]) for f in fields)

        expected = sorted(_one_grouping(base, fields, TIMELINESS_KEYS), key=key)
        assert sorted(grouped[name], key=key) == expected, name
    assert sum(row["total"] for row in grouped["units"]) == 10
    assert {row["unit"] for row in grouped["units"]} == {unit_a.pk, unit_b.pk}
