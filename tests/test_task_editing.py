"""Coordinators create and edit tasks and assign them to units in the portal itself.

Two coordinators editing the same task: the later save of a stale form is refused (409) with a
clear message and overwrites nothing (services.save_task, optimistic concurrency on
Task.version). Unit staff and leaders may read tasks but get 403 here; staff of a unit the task
is not assigned to get 404; anonymous people go to the login page.
"""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext, ngettext, override

from solutions.models import Assignment, Task
from tests.factories import (
    AssignmentFactory,
    PlanFactory,
    ReformAreaFactory,
    SolutionFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
)
from units.access import COORDINATORS_GROUP

LOGIN = "/accounts/login/"
NEW = "/tasks/new/"


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def vi(message: str) -> str:
    with override("vi"):
        return gettext(message)


def edit_url(task: Task) -> str:
    return reverse("solutions:task-edit", args=[task.pk])


def assign_url(task: Task) -> str:
    return reverse("solutions:task-assign", args=[task.pk])


@pytest.fixture
def area(plan):
    return ReformAreaFactory(plan=plan, number=2, name="Cải cách thủ tục hành chính")


@pytest.fixture
def solution(plan):
    return SolutionFactory(plan=plan, number=3, title="Đẩy mạnh chuyển đổi số")


@pytest.fixture
def other_plan(plan):
    return PlanFactory(year=plan.year - 1, status="closed")


def new_task_data(plan, area, /, **overrides) -> dict:
    data = {
        "plan": plan.pk,
        "area": area.pk,
        "solution": "",
        "code": "2.15",
        "title": "Rà soát, đơn giản hóa thủ tục hành chính lĩnh vực đất đai",
        "description": "Rà soát toàn bộ thủ tục; đề xuất phương án đơn giản hóa.",
        "expected_output": "Quyết định phê duyệt phương án đơn giản hóa",
        "due_date": f"30/09/{plan.year}",
        "source_document": "Kế hoạch số 125/KH-UBND",
    }
    return {**data, **overrides}


def form_data(form) -> dict:
    """What the browser sends back for a rendered task form: its values and hidden version."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, datetime.date):
            value = value.strftime("%d/%m/%Y")
        data[name] = "" if value is None else value
    return data


def snapshot(task: Task) -> tuple:
    task.refresh_from_db()
    return (task.plan_id, task.area_id, task.solution_id, task.code, task.title,
            task.description, task.expected_output, task.due_date, task.source_document,
            task.version)


# --- Creating a task ------------------------------------------------------------------------


def test_the_coordinator_gets_the_form_for_the_chosen_plan(as_coordinator, plan, area):
    response = as_coordinator.get(f"{NEW}?plan={plan.pk}")
    assert response.status_code == 200
    form = response.context["form"]
    assert form["plan"].value() == plan.pk
    html = response.content.decode()
    assert 'name="due_date"' in html and "dd/mm/yyyy" in html
    assert "csrfmiddlewaretoken" in html
    assert 'name="version"' in html  # hidden, empty for a new task


@pytest.mark.parametrize("client_name", ["as_staff_a", "as_head_a", "as_leader"])
def test_others_may_not_create_tasks(request, client_name, plan, area, assignment_a):
    client = request.getfixturevalue(client_name)
    count = Task.objects.count()
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, new_task_data(plan, area)).status_code == 403
    assert Task.objects.count() == count


def test_anonymous_is_sent_to_login(anonymous, plan, area):
    response = anonymous.post(NEW, new_task_data(plan, area))
    assert response.status_code == 302 and response["Location"] == f"{LOGIN}?next={NEW}"
    assert not Task.objects.exists()


def test_creating_a_task_reads_dd_mm_yyyy_and_goes_on_to_assign(
    as_coordinator, coordinator, plan, area, solution
):
    response = as_coordinator.post(NEW, new_task_data(plan, area, solution=solution.pk))
    task = Task.objects.get(code="2.15")
    assert response.status_code == 302
    assert response["Location"] == assign_url(task)
    assert (task.plan, task.area, task.solution) == (plan, area, solution)
    assert task.due_date == datetime.date(plan.year, 9, 30)
    assert task.version == 1
    created = task.history.get()
    assert (created.history_type, created.history_user) == ("+", coordinator)


@pytest.mark.parametrize("raw, expected", [("", None), ("2026-07-01", datetime.date(2026, 7, 1)),
                                           ("01/07/2026", datetime.date(2026, 7, 1))])
def test_the_due_date_may_be_empty_for_an_ongoing_task(as_coordinator, plan, area, raw,
                                                       expected):
    response = as_coordinator.post(NEW, new_task_data(plan, area, due_date=raw))
    assert response.status_code == 302
    assert Task.objects.get(code="2.15").due_date == expected


def _errors(response) -> dict:
    assert response.status_code == 200, response.status_code
    form = response.context["form"]
    html = response.content.decode()
    for messages in form.errors.values():
        for message in messages:
            assert escape(message) in html
    return form.errors


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"due_date": "31/02/2026"}, "due_date"),
        ({"due_date": "cuối quý 3"}, "due_date"),
        ({"title": ""}, "title"),
        ({"expected_output": "   "}, "expected_output"),
        ({"code": ""}, "code"),
        ({"area": "999999"}, "area"),
        ({"area": "abc"}, "area"),
        ({"plan": "999999"}, "plan"),
    ],
)
def test_bad_input_is_a_form_error(as_coordinator, plan, area, overrides, field):
    response = as_coordinator.post(NEW, new_task_data(plan, area, **overrides))
    assert field in _errors(response)
    assert not Task.objects.exists()


def test_a_duplicate_code_in_the_plan_is_a_form_error(as_coordinator, plan, area):
    TaskFactory(plan=plan, area=area, code="2.15")
    errors = _errors(as_coordinator.post(NEW, new_task_data(plan, area)))
    assert list(errors) == ["code"]
    assert Task.objects.filter(code="2.15").count() == 1


def test_the_same_code_in_another_plan_is_fine(as_coordinator, plan, area, other_plan):
    TaskFactory(plan=other_plan, code="2.15")
    assert as_coordinator.post(NEW, new_task_data(plan, area)).status_code == 302


def test_an_area_of_another_plan_is_a_form_error(as_coordinator, plan, area, other_plan):
    foreign = ReformAreaFactory(plan=other_plan, number=2)
    errors = _errors(as_coordinator.post(NEW, new_task_data(plan, foreign)))
    assert errors["area"] == [vi("This reform area belongs to another plan.")]
    assert not Task.objects.exists()


def test_a_solution_of_another_plan_is_a_form_error(as_coordinator, plan, area, other_plan):
    foreign = SolutionFactory(plan=other_plan, number=3)
    errors = _errors(as_coordinator.post(NEW, new_task_data(plan, area, solution=foreign.pk)))
    assert errors["solution"] == [vi("This solution belongs to another plan.")]
    assert not Task.objects.exists()


def test_areas_and_solutions_are_offered_grouped_by_plan_the_chosen_first(
    as_coordinator, plan, area, solution, other_plan
):
    ReformAreaFactory(plan=other_plan, number=2)
    form = as_coordinator.get(f"{NEW}?plan={plan.pk}").context["form"]
    groups = [label for label, _choices in form.fields["area"].choices[1:]]
    assert groups[0].startswith(str(plan.year)) and groups[1].startswith(str(other_plan.year))
    assert [pk for pk, _ in form.fields["area"].choices[1][1]] == [area.pk]


# --- Editing a task -------------------------------------------------------------------------


@pytest.fixture
def only_a(plan, unit_a):
    """A task assigned to unit A only: unit B's staff may not know it exists."""
    task = TaskFactory(plan=plan, code="5.1", title="Chỉ đơn vị A")
    AssignmentFactory(task=task, unit=unit_a)
    return task


@pytest.mark.parametrize("url_of", [edit_url, assign_url])
@pytest.mark.parametrize("client_name", ["as_staff_a", "as_head_a", "as_leader"])
def test_readers_of_the_task_get_403(request, client_name, url_of, only_a):
    client = request.getfixturevalue(client_name)
    before = snapshot(only_a)
    count = Assignment.objects.count()
    assert client.get(url_of(only_a)).status_code == 403
    assert client.post(url_of(only_a), {"title": "Đổi tên", "units": []}).status_code == 403
    assert snapshot(only_a) == before and Assignment.objects.count() == count


@pytest.mark.parametrize("url_of", [edit_url, assign_url])
def test_staff_of_a_unit_not_on_the_task_get_404(as_staff_b, url_of, only_a, unit_b):
    before = snapshot(only_a)
    assert as_staff_b.get(url_of(only_a)).status_code == 404
    assert as_staff_b.post(url_of(only_a), {"title": "Đổi tên", "units": [unit_b.pk]}
                           ).status_code == 404
    assert snapshot(only_a) == before
    assert not Assignment.objects.filter(unit=unit_b).exists()


@pytest.mark.parametrize("url_of", [edit_url, assign_url])
def test_anonymous_gets_the_login_page(anonymous, url_of, only_a):
    url = url_of(only_a)
    response = anonymous.get(url)
    assert response.status_code == 302 and response["Location"] == f"{LOGIN}?next={url}"


def test_unknown_task_is_404_for_coordinators(as_coordinator):
    assert as_coordinator.get("/tasks/999999/edit/").status_code == 404
    assert as_coordinator.get("/tasks/999999/assign/").status_code == 404


def test_editing_saves_and_counts_a_version(as_coordinator, task):
    data = form_data(as_coordinator.get(edit_url(task)).context["form"])
    assert data["version"] == 1
    data |= {"title": "Tên mới", "due_date": "15/10/2026", "solution": ""}
    response = as_coordinator.post(edit_url(task), data)
    assert response.status_code == 302 and response["Location"] == task.get_absolute_url()
    task.refresh_from_db()
    assert (task.title, task.due_date, task.solution, task.version) == (
        "Tên mới", datetime.date(2026, 10, 15), None, 2
    )


def test_keeping_its_own_code_is_not_a_duplicate(as_coordinator, task):
    data = form_data(as_coordinator.get(edit_url(task)).context["form"])
    assert as_coordinator.post(edit_url(task), data).status_code == 302


def test_taking_another_tasks_code_is_a_form_error(as_coordinator, task, plan):
    TaskFactory(plan=plan, code="9.9")
    before = snapshot(task)
    data = form_data(as_coordinator.get(edit_url(task)).context["form"]) | {"code": "9.9"}
    assert list(_errors(as_coordinator.post(edit_url(task), data))) == ["code"]
    assert snapshot(task) == before


def test_an_edit_without_its_version_is_refused(as_coordinator, task):
    before = snapshot(task)
    data = form_data(as_coordinator.get(edit_url(task)).context["form"])
    data["version"] = ""
    response = as_coordinator.post(edit_url(task), data)
    assert "version" in _errors(response)
    # A hidden field's error is shown with the form's own errors.
    assert escape(response.context["form"].errors["version"][0]) in response.content.decode()
    assert snapshot(task) == before


def test_a_stale_form_is_refused_with_409_and_overwrites_nothing(as_coordinator, task):
    other = UserFactory(username="coordinator2", groups=[COORDINATORS_GROUP])
    from django.test import Client

    as_other = Client()
    as_other.force_login(other)

    # Both open the form on the same version.
    mine = form_data(as_coordinator.get(edit_url(task)).context["form"])
    theirs = form_data(as_other.get(edit_url(task)).context["form"])
    assert mine["version"] == theirs["version"] == 1

    # They save first...
    theirs |= {"title": "Tên do người thứ hai sửa", "due_date": "01/11/2026"}
    assert as_other.post(edit_url(task), theirs).status_code == 302
    saved = snapshot(task)
    assert saved[4] == "Tên do người thứ hai sửa" and saved[-1] == 2

    # ...then my stale form: refused, with the time of their save; theirs is kept.
    mine |= {"title": "Tên do tôi sửa", "expected_output": "Sản phẩm khác"}
    response = as_coordinator.post(edit_url(task), mine)
    assert response.status_code == 409
    assert snapshot(task) == saved
    last = task.history.order_by("-history_date").first()
    when = timezone.localtime(last.history_date).strftime("%H:%M")
    message = vi("Someone else saved this task at %(time)s after you opened it. Your changes "
                 "were not saved: reload the task to see theirs.") % {"time": when}
    assert response.context["form"].non_field_errors() == [message]
    html = response.content.decode()
    assert escape(message) in html
    assert re.search(r"\b\d{2}:\d{2}\b", message)
    # The form keeps what I typed, so nothing of mine is lost from the screen either.
    assert "Tên do tôi sửa" in html
    assert edit_url(task) in html  # the link to reload

    # Saving the same stale form again is refused again, even with another mistake in it.
    assert as_coordinator.post(edit_url(task), mine).status_code == 409
    response = as_coordinator.post(edit_url(task), mine | {"due_date": "31/13/2026"})
    assert response.status_code == 409
    assert set(response.context["form"].errors) == {"__all__", "due_date"}
    assert snapshot(task) == saved


def test_the_task_page_offers_edit_and_assign_to_coordinators_only(
    as_coordinator, as_staff_a, as_leader, task, assignment_a
):
    html = as_coordinator.get(task.get_absolute_url()).content.decode()
    assert edit_url(task) in html and assign_url(task) in html
    for client in (as_staff_a, as_leader):
        html = client.get(task.get_absolute_url()).content.decode()
        assert edit_url(task) not in html and assign_url(task) not in html


def test_the_task_list_offers_a_new_task_to_coordinators_only(
    as_coordinator, as_staff_a, as_leader, plan, task, assignment_a
):
    assert NEW in as_coordinator.get(f"/tasks/?plan={plan.pk}").content.decode()
    for client in (as_staff_a, as_leader):
        assert NEW not in client.get(f"/tasks/?plan={plan.pk}").content.decode()


# --- Assigning units ------------------------------------------------------------------------


@pytest.fixture
def units(db, today):
    """Units of each kind, one district merged away last year (no longer assignable)."""
    return {
        "p1": UnitFactory(code="P1", name="Sở Xây dựng", kind="provincial"),
        "d1": UnitFactory(code="D1", name="Thị xã Hoàng Mai", kind="district"),
        "d2": UnitFactory(code="D2", name="Huyện Nghi Lộc", kind="district"),
        "c1": UnitFactory(code="C1", name="Phường Vinh Phú", kind="commune"),
        "gone": UnitFactory(code="D9", name="Huyện đã sáp nhập", kind="district",
                            active_to=today - days(200)),
    }


def assigned(task) -> dict[str, str]:
    return dict(task.assignments.values_list("unit__code", "role"))


def success_messages(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request)]


def counts_message(created: int, already: int) -> str:
    with override("vi"):
        return " ".join([
            ngettext("%(count)d assignment created.", "%(count)d assignments created.",
                     created) % {"count": created},
            ngettext("%(count)d unit already had an assignment and kept it.",
                     "%(count)d units already had an assignment and kept it.",
                     already) % {"count": already},
        ])


def test_the_assign_page_groups_the_active_units_by_kind(as_coordinator, task, assignment_a,
                                                         units, unit_a):
    response = as_coordinator.get(assign_url(task))
    assert response.status_code == 200
    groups = response.context["form"].unit_groups()
    kinds = [{box.data["value"].instance.kind for box in boxes} for _label, boxes in groups]
    assert kinds == [{"provincial"}, {"district"}, {"commune"}]
    offered = [box.choice_label for _label, boxes in groups for box in boxes]
    assert "Huyện đã sáp nhập" not in offered
    assert {"Sở Xây dựng", "Thị xã Hoàng Mai", "Phường Vinh Phú", unit_a.name} <= set(offered)
    html = response.content.decode()
    # Unit A already has the task: shown ticked and disabled.
    assert re.search(rf'<input[^>]*value="{unit_a.pk}"[^>]*disabled', html)


def test_assigning_units_one_by_one_as_support(as_coordinator, task, units, coordinator):
    response = as_coordinator.post(assign_url(task), {
        "role": "support", "units": [units["p1"].pk, units["c1"].pk],
    })
    assert response.status_code == 302 and response["Location"] == task.get_absolute_url()
    assert assigned(task) == {"P1": "support", "C1": "support"}
    for a in task.assignments.all():
        assert a.due_date == a.original_due_date == task.due_date
        assert a.history.get().history_user == coordinator
    assert success_messages(response) == [counts_message(2, 0)]


def test_assigning_a_whole_kind_counts_the_units_that_already_had_one(
    as_coordinator, task, units, unit_a, unit_b, assignment_b
):
    # unit_b is a district-level unit already on the task; unit A is ticked by hand.
    response = as_coordinator.post(assign_url(task), {
        "role": "lead", "kinds": ["district"], "units": [unit_a.pk],
    })
    assert response.status_code == 302
    assert assigned(task) == {"A01": "lead", "B01": "lead", "D1": "lead", "D2": "lead"}
    assert success_messages(response) == [counts_message(3, 1)]


@pytest.mark.parametrize("data", [
    {"role": "lead"},  # nothing chosen
    {"role": "lead", "units": ["999999"]},
    {"role": "lead", "units": ["abc"]},
    {"role": "chief", "kinds": ["district"]},
    {"role": "lead", "kinds": ["galaxy"]},
])
def test_bad_assignments_are_form_errors(as_coordinator, task, units, data):
    response = as_coordinator.post(assign_url(task), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not task.assignments.exists()


def test_a_unit_merged_away_cannot_be_assigned(as_coordinator, task, units):
    response = as_coordinator.post(assign_url(task), {"role": "lead", "units": [units["gone"].pk]})
    assert response.status_code == 200
    assert "units" in response.context["form"].errors
    assert not task.assignments.exists()


def test_a_kind_with_no_unit_is_a_form_error(as_coordinator, task, unit_a):
    response = as_coordinator.post(assign_url(task), {"role": "lead", "kinds": ["commune"]})
    assert response.status_code == 200
    # The form offers only the kinds that have units on the plan's dates: a kind without any
    # is refused on its field.
    assert response.context["form"].errors
    assert not task.assignments.exists()


# --- Two tabs at once (issue 10's probe) ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_assigning_the_same_units_from_two_tabs_gives_one_assignment_each():
    """The first tab's assignments are not committed yet when the second tab submits: the
    second waits for the task's lock and keeps them, instead of a 500 on
    assignment_unique_task_unit."""
    import threading
    import time

    from django.db import connection, transaction

    from solutions.services import assign_task

    task = TaskFactory(plan=PlanFactory(year=2025))
    units = [UnitFactory() for _ in range(3)]
    outcome = {}

    def second_tab():
        try:
            created = assign_task(task=Task.objects.get(pk=task.pk), units=units)
            outcome["created"] = len(created)
        except Exception as error:  # noqa: BLE001 - asserted below
            outcome["error"] = type(error).__name__
        finally:
            connection.close()

    with transaction.atomic():
        assert len(assign_task(task=task, units=units)) == 3
        thread = threading.Thread(target=second_tab)
        thread.start()
        time.sleep(0.5)  # the second tab is now waiting
    thread.join(10)
    assert outcome == {"created": 0}
    assert Assignment.objects.filter(task=task).count() == 3
