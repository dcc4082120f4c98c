"""Starting a year's plan in the portal: copy a previous plan's areas and ten solutions
(optionally its tasks and assignments, deadlines a year later, units mapped through
Unit.successor), preview the merged and ended units, confirm, then import the sample into it.
Coordinators only; leaders and staff get 403. The plan picker on the task and assignment lists.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.models import Plan, ReformArea
from solutions.models import Assignment, Solution, Task
from solutions.services import plan_copy, plan_copy_preview, shift_years
from tests.factories import AssignmentFactory, PlanFactory, TaskFactory, UnitFactory
from tests.test_import import SAMPLES, demo_units  # noqa: F401 - a fixture used below

URL = "/plans/new/"


@pytest.fixture
def source(db):
    from demo import loader as demo

    plan = PlanFactory(year=2026, start_date=datetime.date(2026, 1, 1),
                       end_date=datetime.date(2026, 12, 31), title="Kế hoạch CCHC năm 2026")
    ReformArea.objects.bulk_create([ReformArea(plan=plan, number=n, name=name)
                                    for n, name in demo.AREAS])
    Solution.objects.bulk_create([Solution(plan=plan, number=n, title=title, text=text)
                                  for n, title, text in demo.SOLUTIONS])
    return plan


@pytest.fixture
def units(db):
    kept = UnitFactory(code="STP", name="Sở Tư pháp")
    merged_into = UnitFactory(code="SNNMT", name="Sở Nông nghiệp và Môi trường")
    merged = UnitFactory(code="STNMT", name="Sở Tài nguyên và Môi trường",
                         active_to=datetime.date(2026, 6, 30), successor=merged_into)
    ended = UnitFactory(code="BQL", name="Ban Quản lý dự án", active_to=datetime.date(2026, 9, 30))
    return {"kept": kept, "merged": merged, "merged_into": merged_into, "ended": ended}


@pytest.fixture
def tasks(source, units):
    area = source.areas.get(number=1)
    solution = Solution.objects.get(plan=source, number=2)
    dated = TaskFactory(plan=source, area=area, solution=solution, code="1.1",
                        due_date=datetime.date(2026, 2, 28))
    ongoing = TaskFactory(plan=source, area=area, solution=None, code="1.2", due_date=None)
    for unit in ("kept", "merged", "ended"):
        AssignmentFactory(task=dated, unit=units[unit], latest_percent=60,
                          due_date=dated.due_date)
    AssignmentFactory(task=ongoing, unit=units["merged"], due_date=None)
    # Both the merged unit and its successor support: the successor takes the task once.
    AssignmentFactory(task=ongoing, unit=units["merged_into"], role=Assignment.Role.SUPPORT,
                      due_date=None)
    return {"dated": dated, "ongoing": ongoing}


def test_a_copy_has_the_areas_and_ten_solutions_and_no_tasks(source, coordinator):
    plan = plan_copy(source=source, year=2027, title="Kế hoạch CCHC năm 2027", user=coordinator)
    assert (plan.year, plan.status, plan.start_date, plan.end_date) == (
        2027, Plan.Status.DRAFT, datetime.date(2027, 1, 1), datetime.date(2027, 12, 31))
    assert list(plan.areas.values_list("number", "name")) == list(
        source.areas.values_list("number", "name"))
    assert Solution.objects.filter(plan=plan).count() == 10
    assert not Task.objects.filter(plan=plan).exists()
    assert plan.periods.count() == 4


def test_a_copy_with_tasks_moves_deadlines_and_maps_units(source, units, tasks, coordinator):
    plan = plan_copy(source=source, year=2027, title="Kế hoạch CCHC năm 2027",
                     with_tasks=True, user=coordinator)
    dated = Task.objects.get(plan=plan, code="1.1")
    assert dated.due_date == datetime.date(2027, 2, 28)
    assert dated.area.plan_id == plan.pk and dated.solution.plan_id == plan.pk
    assert dated.solution.number == 2
    assert Task.objects.get(plan=plan, code="1.2").due_date is None
    got = set(Assignment.objects.filter(task__plan=plan).values_list(
        "task__code", "unit__code", "role", "latest_percent"))
    assert got == {
        ("1.1", "STP", "lead", 0), ("1.1", "SNNMT", "lead", 0),  # merged -> successor
        ("1.2", "SNNMT", "lead", 0),  # the lead came first; the successor's support merged in
    }
    assert Task.history.filter(plan=plan).count() == 2  # with history, like any change


def test_the_preview_names_merged_and_ended_units(source, units, tasks):
    preview = plan_copy_preview(source=source, year=2027, with_tasks=True)
    assert (preview.areas, preview.solutions, preview.tasks) == (7, 10, 2)  # areas 0 to 6
    assert preview.merged == [(units["merged"], units["merged_into"])]
    assert preview.ended == [units["ended"]]


def test_shift_years_keeps_the_day_or_ends_february():
    assert shift_years(datetime.date(2028, 2, 29), 1) == datetime.date(2029, 2, 28)
    assert shift_years(datetime.date(2026, 12, 31), 1) == datetime.date(2027, 12, 31)
    assert shift_years(None, 1) is None


def test_the_coordinator_previews_then_creates(as_coordinator, source, units, tasks):
    data = {"source": source.pk, "year": "2027", "title": "Kế hoạch CCHC năm 2027",
            "with_tasks": "on", "action": "preview"}
    page = as_coordinator.get(URL)
    assert page.status_code == 200
    assert page.context["form"].initial["source"] == source.pk
    preview = as_coordinator.post(URL, data)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Sở Tài nguyên và Môi trường" in html and "Ban Quản lý dự án" in html
    assert not Plan.objects.filter(year=2027).exists()  # nothing made before confirming
    response = as_coordinator.post(URL, {**data, "action": "confirm"})
    plan = Plan.objects.get(year=2027)
    assert response.status_code == 302
    assert response["Location"] == f"/tasks/?plan={plan.pk}"
    assert Task.objects.filter(plan=plan).count() == 2


@pytest.mark.parametrize("change, field", [
    ({"year": "2026"}, "year"),
    ({"year": "1800"}, "year"),
    ({"title": ""}, "title"),
    ({"title": "x" * 301}, "title"),
    ({"source": "999999"}, "source"),
])
def test_bad_input_is_a_form_error(as_coordinator, source, change, field):
    data = {"source": source.pk, "year": "2027", "title": "Kế hoạch", "action": "confirm"}
    response = as_coordinator.post(URL, {**data, **change})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Plan.objects.filter(year=2027).exists()


@pytest.mark.parametrize("client_name", ["as_leader", "as_staff_a", "as_head_a"])
def test_only_coordinators_set_up_plans(request, client_name, source):
    client = request.getfixturevalue(client_name)
    assert client.get(URL).status_code == 403
    data = {"source": source.pk, "year": "2027", "title": "K", "action": "confirm"}
    assert client.post(URL, data).status_code == 403
    assert not Plan.objects.filter(year=2027).exists()


def test_the_sample_imports_into_a_new_plan(as_coordinator, source, demo_units):  # noqa: F811
    """Before, a new plan had no solutions and every row of the sample lacked its own."""
    as_coordinator.post(URL, {"source": source.pk, "year": "2027",
                              "title": "Kế hoạch CCHC năm 2027", "action": "confirm"})
    plan = Plan.objects.get(year=2027)
    with open(SAMPLES / "ke-hoach-mau.xlsx", "rb") as f:
        upload = SimpleUploadedFile("ke-hoach-mau.xlsx", f.read())
    response = as_coordinator.post(reverse("solutions:plan-import", args=[plan.pk]),
                                   {"file": upload})
    assert response.status_code == 302, response.context["form"].errors
    preview = as_coordinator.get(response["Location"])
    rows = preview.context["rows"]
    assert rows and all(row.ok for row in rows), [r.errors for r in rows if not r.ok]
    confirm = as_coordinator.post(response["Location"] + "confirm/")
    assert confirm.status_code == 302
    assert Task.objects.filter(plan=plan).count() == len(rows)


def test_the_lists_have_a_plan_picker(as_leader, source, tasks):
    other = PlanFactory(year=2025)
    for path in ("/tasks/", "/assignments/"):
        html = as_leader.get(path, {"plan": source.pk}).content.decode()
        assert 'name="plan"' in html and 'id="plan-picker"' in html
        assert f'<option value="{other.pk}"' in html
        assert f'<option value="{source.pk}" selected' in html
