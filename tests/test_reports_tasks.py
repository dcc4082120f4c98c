"""Section II names the tasks done on time, done late and overdue in each reform area, with
their lead units: frozen in the snapshot at close, read back from the DOCX, the XLSX annexes,
the public page and the open data, all equal to the snapshot."""

import datetime
import io
import json
import re

import pytest
from django.urls import reverse
from docx import Document

from insight.reports import period_report, report_for
from plans.models import PeriodSnapshot, ReportingPeriod
from plans.services import ensure_periods
from publication.services import period_publish
from reports import docx_builder, wording
from reports.figures import PeriodFigures, area_tasks, figures_for
from reports.services import narrative_initial
from solutions.models import Assignment, Task
from tests import official_world
from tests.factories import (
    AssignmentFactory,
    PlanFactory,
    ReformAreaFactory,
    TaskFactory,
    UnitFactory,
)


@pytest.fixture
def world(unit_a, unit_b, coordinator):
    return official_world.build(unit_a=unit_a, unit_b=unit_b, coordinator=coordinator)


def _lists(data) -> dict:
    """{(area label, class): [(code, [unit names])]} from the snapshot's own data."""
    labels = {a["id"]: a["label"] for a in data["areas"]}
    return {
        (labels[area], kind): [(t["task_code"], t["unit_names"]) for t in tasks]
        for area, lists in area_tasks(data).items() for kind, tasks in lists.items() if tasks
    }


def _docx(client, period) -> Document:
    response = client.get(reverse("reports:report-docx", args=[period.pk]))
    assert response.status_code == 200
    return Document(io.BytesIO(response.content))


def _paragraphs(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def test_the_snapshot_freezes_the_task_lists(world, unit_a, unit_b):
    data = world.period.snapshot.data
    assert data["schema"] == 3
    assert _lists(data) == {
        ("1. Cải cách thể chế", "on_time"): [("1.1", [unit_a.name])],
        ("1. Cải cách thể chế", "late"): [("1.2", [unit_b.name])],
        # Both lead units are overdue on 2.1; 2.2 (ongoing) is in progress: not listed.
        ("2. Cải cách thủ tục hành chính", "overdue"): [
            ("2.1", sorted([unit_a.name, unit_b.name]))],
    }


def test_a_task_is_judged_by_its_lead_assignments(unit_a, unit_b, coordinator):
    """Done when every lead assignment is done (late if one was late); overdue units only;
    a support unit's overdue share does not make the task overdue."""
    year = datetime.date.today().year - 1
    plan = PlanFactory(year=year)
    area = ReformAreaFactory(plan=plan, number=1)
    day = datetime.date(year, 3, 1)
    done = TaskFactory(plan=plan, area=area, code="1.1", due_date=day)
    AssignmentFactory(task=done, unit=unit_a, completed_on=day, latest_percent=100)
    AssignmentFactory(task=done, unit=unit_b, completed_on=day + datetime.timedelta(days=3),
                      latest_percent=100)
    AssignmentFactory(task=done, unit=UnitFactory(), role=Assignment.Role.SUPPORT)
    half = TaskFactory(plan=plan, area=area, code="1.2", due_date=day)
    AssignmentFactory(task=half, unit=unit_a, completed_on=day, latest_percent=100)
    AssignmentFactory(task=half, unit=unit_b)
    ensure_periods(plan)
    data = period_report(plan.periods.get(kind=ReportingPeriod.Kind.YEAR))
    assert _lists(data) == {
        (str(area), "late"): [("1.1", sorted([unit_a.name, unit_b.name]))],
        (str(area), "overdue"): [("1.2", [unit_b.name])],
    }


def test_the_docx_names_every_task_and_count_of_the_snapshot(as_coordinator, world):
    data = world.period.snapshot.data
    document = _docx(as_coordinator, world.period)
    body = _paragraphs(document)
    for area in data["areas"]:
        lists = area_tasks(data)[area["id"]]
        start = body.index(f"{area['number']}. {wording.area_name(area['label'])}")
        part = "\n".join(body[start:start + 6])
        for kind, tasks in lists.items():
            if not tasks:
                assert wording.LIST_WORDS[kind] not in part
                continue
            sentence = next(line for line in body[start:] if
                            line.startswith(wording.LIST_WORDS[kind] + " ("))
            assert sentence == wording.task_sentence(kind, tasks)
            assert f"({len(tasks)} nhiệm vụ)" in sentence
            for task in tasks:
                assert wording.task_name(task) in sentence
    # Annex III: every listed task of the snapshot, by area, with its lead units.
    annex = [[c.text for c in row.cells] for row in document.tables[-1].rows]
    assert annex[0] == ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Kết quả"]
    listed = [(r[1].split()[0], r[2], r[3]) for r in annex[1:] if r[0] != r[-1]]
    expected = [(t["task_code"], ", ".join(t["unit_names"]), wording.RESULT_WORDS[kind])
                for area in data["areas"]
                for kind, tasks in area_tasks(data)[area["id"]].items() for t in tasks]
    assert listed == expected
    # The area rows head their tasks: one merged cell with the area's name.
    groups = [r[0] for r in annex[1:] if r[0] == r[-1]]
    assert groups == ["1. Cải cách thể chế", "2. Cải cách thủ tục hành chính"]


def test_long_lists_are_capped_in_the_narrative_and_complete_in_annex_iii(
        as_coordinator, unit_a, coordinator):
    year = datetime.date.today().year - 1
    plan = PlanFactory(year=year)
    area = ReformAreaFactory(plan=plan, number=1, name="Cải cách thể chế")
    for n in range(1, 9):
        task = TaskFactory(plan=plan, area=area, code=f"1.{n}", title=f"Việc số {n}",
                           due_date=datetime.date(year, 3, n))
        AssignmentFactory(task=task, unit=unit_a, completed_on=datetime.date(year, 2, 1),
                          latest_percent=100)
    ensure_periods(plan)
    period = plan.periods.get(kind=ReportingPeriod.Kind.YEAR)
    from insight.services import close_period

    close_period(period=period, user=coordinator)
    document = _docx(as_coordinator, period)
    sentence = next(p for p in _paragraphs(document)
                    if p.startswith("Nhiệm vụ hoàn thành đúng hạn ("))
    assert sentence.startswith("Nhiệm vụ hoàn thành đúng hạn (8 nhiệm vụ): 1.1 Việc số 1")
    assert "1.5 Việc số 5" in sentence and "1.6 Việc số 6" not in sentence
    assert sentence.endswith("và 3 nhiệm vụ khác (Phụ lục III).")
    annex = [[c.text for c in row.cells] for row in document.tables[-1].rows]
    assert [r[1] for r in annex[2:]] == [f"1.{n} Việc số {n}" for n in range(1, 9)]


def test_the_lists_stay_frozen_after_close(as_coordinator, world):
    before = world.period.snapshot.data["task_lists"]
    Task.objects.filter(code="1.1", plan=world.plan).update(title="Đổi tên sau khóa sổ")
    Assignment.objects.filter(pk=world.assignments[2].pk).update(
        completed_on=datetime.date(world.plan.year, 4, 1), latest_percent=100)
    body = "\n".join(_paragraphs(_docx(as_coordinator, world.period)))
    assert "Đổi tên sau khóa sổ" not in body and "1.1 Rà soát văn bản" in body
    world.period.snapshot.refresh_from_db()
    assert world.period.snapshot.data["task_lists"] == before


def test_an_open_periods_draft_reads_todays_lists(as_coordinator, coordinator, world):
    figures = figures_for(world.open_period, coordinator)
    assert figures.draft
    # Q1: only 1.1 (due 1 March) falls in it, done on time.
    assert [(t["task_code"], t["class"]) for t in figures.data["task_lists"]] == [
        ("1.1", "on_time")]
    Task.objects.filter(code="1.1", plan=world.plan).update(title="Tên hôm nay")
    body = "\n".join(_paragraphs(_docx(as_coordinator, world.open_period)))
    assert "1.1 Tên hôm nay" in body


def test_unit_staff_read_their_units_tasks_only(staff_a, unit_a, unit_b, world):
    data = report_for(world.period, staff_a)
    assert data["scoped"]
    items = [(t["task_code"], t["units"]) for t in data["task_lists"]]
    assert items == [("1.1", [unit_a.pk]), ("2.1", [unit_a.pk])]


def test_a_report_frozen_before_the_lists_says_so(coordinator, world, anonymous):
    """Snapshots are append-only (plans/0004): an older one is never rewritten; its report
    keeps its counts, names its overdue tasks from the overdue list, and says why."""
    data = {k: v for k, v in world.period.snapshot.data.items() if k != "task_lists"}
    figures = PeriodFigures(period=world.period, data={**data, "schema": 2}, draft=False)
    document = Document(io.BytesIO(docx_builder.build(figures, narrative_initial(
        figures=figures))))
    body = _paragraphs(document)
    assert body.count(wording.NO_TASK_LISTS) == 2  # in section II and in Annex III
    assert not any(p.startswith("Nhiệm vụ hoàn thành đúng hạn (") for p in body)
    assert any(p.startswith("Nhiệm vụ quá hạn: 2.1 Số hóa hồ sơ") for p in body)
    # The public side of such a period: counts only, said plainly.
    year = world.plan.year - 1
    plan = PlanFactory(year=year)
    AssignmentFactory(task=TaskFactory(plan=plan, due_date=datetime.date(year, 2, 1)),
                      unit=world.assignments[0].unit)
    ensure_periods(plan)
    old = plan.periods.get(kind=ReportingPeriod.Kind.YEAR)
    frozen = period_report(old)
    del frozen["task_lists"]
    PeriodSnapshot.objects.create(period=old, data={**frozen, "schema": 2})
    ReportingPeriod.objects.filter(pk=old.pk).update(closed_at=datetime.datetime.now(
        datetime.UTC), closed_by=coordinator)
    old.refresh_from_db()
    period_publish(period=old, user=coordinator)
    page = anonymous.get(reverse("public:period-detail", args=[old.pk]))
    assert page.status_code == 200
    assert "only the counts are published" in page.content.decode() or \
        "chỉ công khai số lượng" in page.content.decode()
    document = json.loads(anonymous.get(reverse("public:period-json", args=[old.pk])).content)
    assert document["tasks"] is None


def test_xlsx_annex_iii_equals_the_snapshot(as_leader, world):
    from openpyxl import load_workbook

    response = as_leader.get(reverse("reports:report-xlsx", args=[world.period.pk]))
    sheet = load_workbook(io.BytesIO(response.content))["Phụ lục III - Nhiệm vụ"]
    rows = [r for r in sheet.iter_rows(min_row=5, values_only=True)]
    tasks = [(r[1].split()[0], r[2], r[3]) for r in rows if r[1]]
    data = world.period.snapshot.data
    assert tasks == [(t["task_code"], ", ".join(t["unit_names"]), wording.RESULT_WORDS[kind])
                     for area in data["areas"]
                     for kind, ts in area_tasks(data)[area["id"]].items() for t in ts]
    assert [r[0] for r in rows if not r[1]] == [a["label"] for a in data["areas"]]


def test_public_page_and_json_show_the_published_lists(anonymous, coordinator, world):
    period_publish(period=world.period, user=coordinator)
    data = world.period.snapshot.data
    document = json.loads(anonymous.get(
        reverse("public:period-json", args=[world.period.pk])).content)
    assert [(t["area_number"], t["result"], t["task_code"], t["lead_units"])
            for t in document["tasks"]] == [
        (area["number"], kind, t["task_code"], t["unit_names"])
        for area in data["areas"] for kind, ts in area_tasks(data)[area["id"]].items()
        for t in ts]
    # Task and unit names only: no ids, no people, no notes.
    assert {key for t in document["tasks"] for key in t} == {
        "area_number", "area_name", "result", "task_code", "task_title", "lead_units"}
    assert set(document["task_fields"]) == set(document["tasks"][0])
    page = anonymous.get(reverse("public:period-detail", args=[world.period.pk]))
    text = page.content.decode()
    for task in document["tasks"]:
        assert task["task_title"] in text
    assert re.search(r"Rà soát văn bản\s*<span class=\"muted\">\(Sở", text)
    dictionary = anonymous.get(reverse("public:data-dictionary")).content.decode()
    assert "lead_units" in dictionary


def test_a_task_of_many_units_names_three_in_the_narrative_and_all_in_annex_iii(
        as_coordinator, coordinator):
    from insight.services import close_period

    year = datetime.date.today().year - 1
    plan = PlanFactory(year=year)
    area = ReformAreaFactory(plan=plan, number=1, name="Cải cách thể chế")
    task = TaskFactory(plan=plan, area=area, code="1.1", title="Việc chung",
                       due_date=datetime.date(year, 3, 1))
    units = [UnitFactory(name=f"Huyện Thử {n}") for n in range(1, 6)]
    for unit in units:
        AssignmentFactory(task=task, unit=unit)
    ensure_periods(plan)
    period = plan.periods.get(kind=ReportingPeriod.Kind.YEAR)
    close_period(period=period, user=coordinator)
    document = _docx(as_coordinator, period)
    sentence = next(p for p in _paragraphs(document) if p.startswith("Nhiệm vụ quá hạn ("))
    assert sentence == ("Nhiệm vụ quá hạn (1 nhiệm vụ): 1.1 Việc chung (Huyện Thử 1, "
                        "Huyện Thử 2, Huyện Thử 3 và 2 đơn vị khác).")
    annex = document.tables[-1].rows[-1].cells
    assert annex[2].text == ", ".join(u.name for u in units)
    # Short rows never break across two pages (the header repeats on each page instead).
    assert "cantSplit" in document.tables[-1].rows[-1]._tr.xml


def test_a_drafts_annex_lists_every_overdue_row_not_the_pages_first_ones(
        as_coordinator, coordinator, unit_a, unit_b, monkeypatch):
    """The open period's page keeps the first overdue rows only (live_report); the draft
    report is the whole document closing would freeze, so Annex II lists them all."""
    from insight import reports as period_reports

    monkeypatch.setattr(period_reports.live_report, "__defaults__", (None, 1))
    year = datetime.date.today().year - 1
    plan = PlanFactory(year=year)
    area = ReformAreaFactory(plan=plan, number=1)
    for n in (1, 2, 3):
        AssignmentFactory(task=TaskFactory(plan=plan, area=area, code=f"1.{n}",
                                           due_date=datetime.date(year, 2, n)), unit=unit_a)
    ensure_periods(plan)
    q1 = plan.periods.get(kind=ReportingPeriod.Kind.Q1)
    assert len(period_reports.live_report(q1)["overdue"]) == 1  # the page's shortened list
    figures = figures_for(q1, coordinator)
    assert figures.draft and len(figures.data["overdue"]) == figures.data["totals"]["overdue"] == 3
    annex = _docx(as_coordinator, q1).tables[-2]
    assert [row.cells[1].text.split()[0] for row in annex.rows[1:]] == ["1.1", "1.2", "1.3"]
