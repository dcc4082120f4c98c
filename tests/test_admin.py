"""The Django admin: every page answers, search and filters, assigning a task to many units in
one step, who may enter, the append-only progress history, and bounded query counts."""

import datetime
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from simple_history.models import HistoricalChanges

from plans.models import Plan, ReformArea
from solutions.models import (
    Assignment,
    DeadlineExtension,
    ProgressEntry,
    Solution,
    Task,
    Verification,
)
from solutions.services import (
    StaleEdit,
    extend_deadline,
    record_progress,
    return_completion,
    save_task,
    verify_completion,
)
from tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    PlanFactory,
    ProgressEntryFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
)
from units.models import Membership, Unit

User = get_user_model()
PORTAL_MODELS = [Unit, Membership, Plan, ReformArea, Solution, Task, Assignment, ProgressEntry,
                 Verification, DeadlineExtension]
# Recorded through the portal's services only, never added, changed or deleted in the admin.
APPEND_ONLY = [ProgressEntry, Verification, DeadlineExtension]
# Messages are asserted in English: the default language is Vietnamese.
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def admin_url(model, view, *args, query=""):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)
    return f"{url}?{query}" if query else url


def assign_url(*tasks):
    return admin_url(Task, "assign_units", query="ids=" + ",".join(str(t.pk) for t in tasks))


def results(response):
    return list(response.context["cl"].result_list)


def action_names(response):
    action_form = response.context["action_form"]  # None when no action is left
    return set(dict(action_form.fields["action"].choices)) if action_form else set()


def message_texts(response):
    """The messages shown after a redirect (the request was made with follow=True)."""
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def entry(assignment_a, staff_a):
    return ProgressEntryFactory(assignment=assignment_a, reported_by=staff_a)


@pytest.fixture
def populated(assignment_a, assignment_b, staff_a, staff_b, coordinator, entry, today):
    """One row at least in every admin list; a unit merged into another."""
    UnitFactory(
        code="X01", name="Phòng đã sáp nhập", kind=Unit.Kind.OTHER, parent=assignment_b.unit,
        active_to=today - datetime.timedelta(days=1), successor=assignment_b.unit,
    )
    record_progress(assignment=assignment_b, user=staff_b, percent=100, note="Đã xong")
    return_completion(assignment=assignment_b, user=coordinator, reason="Thiếu quyết định")
    extend_deadline(assignment=assignment_b, user=coordinator,
                    new_due_date=assignment_b.due_date + datetime.timedelta(days=30),
                    reason="Chờ hướng dẫn của Bộ", document="Công văn số 12/UBND-NC")


# Every page answers -----------------------------------------------------------------------


def test_every_portal_model_is_registered():
    registered = {m for m in admin.site._registry if m._meta.app_label in
                  {"units", "plans", "solutions"}}
    # Every model of the portal's apps (except django-simple-history's shadow tables) has an
    # admin of its own, or is edited inline on its parent's page.
    models = {
        m for label in ("units", "plans", "solutions")
        for m in apps.get_app_config(label).get_models()
        if not issubclass(m, HistoricalChanges)
    }
    inline = {i.model for model_admin in admin.site._registry.values()
              for i in model_admin.inlines}
    assert registered <= models
    assert models - registered <= inline, models - registered - inline
    assert set(PORTAL_MODELS) <= registered
    assert {Verification, DeadlineExtension} <= registered
    assert User in admin.site._registry


def test_site_titles(as_admin):
    response = as_admin.get(reverse("admin:index"), **EN)
    assert response.status_code == 200
    assert "Reform plan portal — administration" in response.content.decode()


@pytest.mark.parametrize("model", [*PORTAL_MODELS, User], ids=lambda m: m._meta.label)
def test_changelist_add_and_change_pages_answer(as_admin, populated, model):
    assert as_admin.get(admin_url(model, "changelist")).status_code == 200
    # Progress reports, verifications and extensions are made through the portal only.
    expected_add = 403 if model in APPEND_ONLY else 200
    assert as_admin.get(admin_url(model, "add")).status_code == expected_add
    obj = model.objects.order_by("pk").first()
    assert as_admin.get(admin_url(model, "change", obj.pk)).status_code == 200


# Search, filters, autocomplete ------------------------------------------------------------


def test_unit_search_and_filters(as_admin, populated, unit_a, unit_b):
    url = admin_url(Unit, "changelist")
    assert results(as_admin.get(url, {"q": "Vinh"})) == [unit_b]
    assert results(as_admin.get(url, {"q": "A01"})) == [unit_a]
    assert results(as_admin.get(url, {"kind__exact": "district"})) == [unit_b]
    ended = Unit.objects.get(code="X01")
    assert results(as_admin.get(url, {"active": "ended"})) == [ended]
    assert ended not in results(as_admin.get(url, {"active": "today"}))
    assert results(as_admin.get(url, {"parent__id__exact": unit_b.pk})) == [ended]


def test_task_search_and_filters(as_admin, populated, task, plan):
    other = TaskFactory(plan=plan, title="Số hoá hồ sơ", description="Kho dữ liệu điện tử")
    url = admin_url(Task, "changelist")
    assert results(as_admin.get(url, {"q": "điện tử"})) == [other]
    assert results(as_admin.get(url, {"q": task.code})) == [task]
    assert results(as_admin.get(url, {"area__number": other.area.number})) == [other]
    assert results(as_admin.get(url, {"solution__number": task.solution.number})) == [task]
    assert set(results(as_admin.get(url, {"plan__id__exact": plan.pk}))) == {task, other}
    # The counts are annotated per row.
    row = next(t for t in results(as_admin.get(url)) if t == task)
    assert (row.lead_count, row.support_count) == (2, 0)


def test_assignment_membership_entry_plan_search(as_admin, populated, assignment_a,
                                                 assignment_b, entry, staff_a, plan):
    url = admin_url(Assignment, "changelist")
    assert results(as_admin.get(url, {"q": "Vinh"})) == [assignment_b]
    assert results(as_admin.get(url, {"unit__kind__exact": "district"})) == [assignment_b]
    assert len(results(as_admin.get(url, {"role__exact": "lead", "task__plan__id__exact": plan.pk
                                           }))) == 2
    memberships = admin_url(Membership, "changelist")
    assert [m.user for m in results(as_admin.get(memberships, {"q": "staff_a"}))] == [staff_a]
    assert len(results(as_admin.get(memberships, {"q": "Tư pháp"}))) == 1
    assert results(as_admin.get(memberships, {"unit__kind__exact": "district"}))[0].unit.code \
        == "B01"
    assert results(as_admin.get(admin_url(ProgressEntry, "changelist"), {"q": "staff_a"})) \
        == [entry]
    assert results(as_admin.get(admin_url(Plan, "changelist"), {"q": plan.title[:10]})) == [plan]
    users = admin_url(User, "changelist")
    assert [u.username for u in results(as_admin.get(users, {"q": "staff_b"}))] == ["staff_b"]


def test_autocomplete_finds_area_and_unit(as_admin, task):
    response = as_admin.get(reverse("admin:autocomplete"), {
        "app_label": "solutions", "model_name": "task", "field_name": "area",
        "term": task.area.name,
    })
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(task.area.pk)]
    UnitFactory(code="B02", name="Huyện Nghi Lộc", kind="district")
    response = as_admin.get(reverse("admin:autocomplete"), {
        "app_label": "solutions", "model_name": "assignment", "field_name": "unit",
        "term": "Nghi",
    })
    assert [r["text"] for r in response.json()["results"]] == ["Huyện Nghi Lộc"]
    response = as_admin.get(reverse("admin:autocomplete"), {
        "app_label": "solutions", "model_name": "assignment", "field_name": "task",
        "term": task.code,
    })
    assert [r["id"] for r in response.json()["results"]] == [str(task.pk)]


# Assigning a task to many units in one step -------------------------------------------------


@pytest.fixture
def districts(unit_b, today):
    """unit_b and three more district-level units exist today; one ended, one not begun."""
    return {
        "active": [unit_b, *(UnitFactory(kind="district") for _ in range(3))],
        "ended": UnitFactory(kind="district", active_to=today - datetime.timedelta(days=400)),
        "future": UnitFactory(
            kind="district", active_from=datetime.date(today.year + 1, 1, 1)
        ),
    }


def test_assign_all_district_units_in_one_post(as_admin, task, assignment_b, districts, unit_a):
    assignment_b.role = Assignment.Role.SUPPORT
    assignment_b.save()
    UnitFactory(kind="commune")

    page = as_admin.get(assign_url(task))
    assert page.status_code == 200
    assert task.code in page.content.decode()

    response = as_admin.post(assign_url(task), {"kinds": ["district"], "role": "lead"},
                             follow=True, **EN)
    assert response.redirect_chain == [(admin_url(Task, "change", task.pk), 302)]
    assert message_texts(response) == [
        "3 assignments created. 1 unit already had an assignment and kept it."
    ]
    assigned = {a.unit: a for a in task.assignments.select_related("unit")}
    assert set(assigned) == set(districts["active"])  # no commune, ended or future unit
    assert assigned[assignment_b.unit].role == Assignment.Role.SUPPORT  # kept as it was
    for unit in districts["active"][1:]:
        assert assigned[unit].role == Assignment.Role.LEAD
        assert assigned[unit].due_date == assigned[unit].original_due_date == task.due_date

    # Again: nothing is duplicated.
    response = as_admin.post(assign_url(task), {"kinds": ["district"], "role": "lead"},
                             follow=True, **EN)
    assert message_texts(response) == [
        "0 assignments created. 4 units already had an assignment and kept it."
    ]
    assert task.assignments.count() == 4


def test_action_assigns_many_tasks_to_chosen_units(as_admin, plan, unit_a, unit_b):
    tasks = TaskFactory.create_batch(2, plan=plan)
    response = as_admin.post(admin_url(Task, "changelist"), {
        "action": "assign_to_units", "_selected_action": [t.pk for t in tasks],
    })
    assert response.status_code == 302
    assert response["Location"].startswith(admin_url(Task, "assign_units"))
    page = as_admin.get(response["Location"])
    assert all(t.code in page.content.decode() for t in tasks)

    response = as_admin.post(response["Location"], {
        "units": [unit_a.pk, unit_b.pk], "kinds": ["district"], "role": "support",
    }, follow=True, **EN)
    assert response.redirect_chain == [(admin_url(Task, "changelist"), 302)]
    assert message_texts(response) == [
        "4 assignments created. 0 units already had an assignment and kept it."
    ]
    assert set(
        Assignment.objects.filter(task__in=tasks, role="support").values_list("task", "unit")
    ) == {(t.pk, u.pk) for t in tasks for u in (unit_a, unit_b)}


def test_each_task_gets_the_units_of_its_plan_dates(as_admin, today):
    old_plan = PlanFactory(year=today.year - 2, status=Plan.Status.CLOSED)
    current = PlanFactory(year=today.year)
    old_task, new_task = TaskFactory(plan=old_plan), TaskFactory(plan=current)
    merged = UnitFactory(kind="district", active_to=datetime.date(today.year - 1, 3, 31))
    successor = UnitFactory(kind="district", active_from=datetime.date(today.year - 1, 4, 1))

    as_admin.post(assign_url(old_task, new_task), {"kinds": ["district"], "role": "lead"})

    assert [a.unit for a in old_task.assignments.all()] == [merged]
    assert [a.unit for a in new_task.assignments.all()] == [successor]


def test_assign_needs_a_choice(as_admin, task):
    response = as_admin.post(assign_url(task), {"role": "lead"}, **EN)
    assert response.status_code == 200
    assert "Choose a kind of unit or at least one unit." in response.content.decode()
    response = as_admin.post(assign_url(task), {"kinds": ["commune"], "role": "lead"}, **EN)
    assert "No unit of the chosen kinds exists" in response.content.decode()
    assert not task.assignments.exists()


def test_assign_without_tasks_goes_back_to_the_list(as_admin):
    response = as_admin.get(admin_url(Task, "assign_units", query="ids=x,999999"))
    assert response["Location"] == admin_url(Task, "changelist")


def test_assign_page_is_reached_from_the_task_page(as_admin, task):
    change = admin_url(Task, "change", task.pk)
    response = as_admin.get(change)
    assert assign_url(task) in response.content.decode()  # the button
    # The same action as on the list, from the change form's action menu (Django 6.1).
    response = as_admin.post(change, {
        "CHANGE_FORM-action": "assign_to_units", "_selected_action": task.pk,
    })
    assert response.status_code == 302
    assert response["Location"] == assign_url(task).replace(",", "%2C")


def test_assign_page_obeys_the_content_security_policy(as_admin, task, unit_a):
    response = as_admin.get(assign_url(task))
    html = response.content.decode()
    assert "Content-Security-Policy" in response.headers
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html), "inline script"
    assert " style=" not in html
    assert 'class="selectfilter"' in html  # admin's FilteredSelectMultiple, by static JS
    template = Path(settings.BASE_DIR, "templates/admin/solutions/task/assign_units.html")
    assert "style=" not in template.read_text()


def test_assign_needs_the_change_permission(task):
    from django.test import Client

    clerk = UserFactory(username="clerk", is_staff=True)
    client = Client()
    client.force_login(clerk)
    assert client.get(assign_url(task)).status_code == 403
    assert client.post(assign_url(task), {"kinds": ["district"], "role": "lead"}).status_code \
        == 403


# Writes through the services --------------------------------------------------------------


def test_inline_adds_assignments_with_the_task_due_date(as_admin, task, assignment_a, unit_b):
    data = {
        "plan": task.plan_id, "code": task.code, "title": task.title, "area": task.area_id,
        "solution": task.solution_id, "due_date": task.due_date.isoformat(),
        "expected_output": task.expected_output,
        "assignments-TOTAL_FORMS": 2, "assignments-INITIAL_FORMS": 1,
        "assignments-MIN_NUM_FORMS": 0, "assignments-MAX_NUM_FORMS": 1000,
        "assignments-0-id": assignment_a.pk, "assignments-0-task": task.pk,
        "assignments-0-role": "support",
        "assignments-1-task": task.pk, "assignments-1-unit": unit_b.pk,
        "assignments-1-role": "lead",
        "_save": "Save",
    }
    response = as_admin.post(admin_url(Task, "change", task.pk), data)
    assert response.status_code == 302, response.context["errors"]
    new = Assignment.objects.get(task=task, unit=unit_b)
    assert new.due_date == new.original_due_date == task.due_date
    assignment_a.refresh_from_db()
    assert (assignment_a.role, assignment_a.unit_id) == ("support", assignment_a.unit_id)


def test_assignment_add_uses_the_task_due_date(as_admin, task, unit_a):
    response = as_admin.post(
        admin_url(Assignment, "add"), {"task": task.pk, "unit": unit_a.pk, "role": "lead"}
    )
    assert response.status_code == 302
    created = Assignment.objects.get(task=task, unit=unit_a)
    assert created.due_date == created.original_due_date == task.due_date
    # The same unit twice is a form error, not a second row.
    response = as_admin.post(
        admin_url(Assignment, "add"), {"task": task.pk, "unit": unit_a.pk, "role": "lead"}
    )
    assert response.status_code == 200
    assert Assignment.objects.filter(task=task, unit=unit_a).count() == 1


# Who may enter ----------------------------------------------------------------------------


@pytest.mark.parametrize("client_name", ["as_staff_a", "as_coordinator", "as_leader"])
def test_people_without_staff_status_are_sent_to_login(request, client_name, task):
    client = request.getfixturevalue(client_name)
    for url in [reverse("admin:index"), admin_url(Unit, "changelist"), assign_url(task)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_anonymous_is_sent_to_login(anonymous):
    response = anonymous.get(admin_url(Task, "changelist"))
    assert response.status_code == 302
    assert "login" in response["Location"]


# What is never deleted or edited ----------------------------------------------------------


def test_progress_entries_are_append_only(as_admin, entry):
    change = admin_url(ProgressEntry, "change", entry.pk)
    assert as_admin.get(change).status_code == 200  # view only
    assert as_admin.post(change, {"percent": 10, "note": "sửa"}).status_code == 403
    assert as_admin.post(admin_url(ProgressEntry, "delete", entry.pk), {"post": "yes"}
                         ).status_code == 403
    response = as_admin.get(admin_url(ProgressEntry, "changelist"))
    assert "delete_selected" not in action_names(response)
    entry.refresh_from_db()
    assert (entry.percent, entry.note) == (50, "Đã triển khai một phần")


@pytest.mark.parametrize("model", [Verification, DeadlineExtension],
                         ids=lambda m: m._meta.model_name)
def test_decisions_are_read_only_in_the_admin(as_admin, populated, model):
    obj = model.objects.get()
    before = model.objects.values().get()
    change = admin_url(model, "change", obj.pk)
    page = as_admin.get(change)
    assert page.status_code == 200  # view only
    assert 'name="_save"' not in page.content.decode()
    assert as_admin.post(change, {"reason": "sửa", "decision": "verified"}).status_code == 403
    assert as_admin.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert as_admin.get(admin_url(model, "add")).status_code == 403
    assert "delete_selected" not in action_names(as_admin.get(admin_url(model, "changelist")))
    as_admin.post(admin_url(model, "changelist"),
                  {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
    assert model.objects.values().get() == before


def test_decisions_list_search_and_filter(as_admin, populated, assignment_b, plan):
    verifications = admin_url(Verification, "changelist")
    returned = Verification.objects.get()
    assert results(as_admin.get(verifications, {"q": "Thiếu quyết định"})) == [returned]
    assert results(as_admin.get(verifications, {"decision__exact": "verified"})) == []
    assert results(as_admin.get(verifications, {"decision__exact": "returned"})) == [returned]
    extensions = admin_url(DeadlineExtension, "changelist")
    assert results(as_admin.get(extensions, {"q": "12/UBND-NC"})) == [
        DeadlineExtension.objects.get(assignment=assignment_b)
    ]
    assert results(as_admin.get(extensions, {"q": "không có"})) == []


@pytest.mark.parametrize("model", [Unit, Membership, Task, Assignment],
                         ids=lambda m: m._meta.model_name)
def test_history_pages_list_the_changes(as_admin, populated, model):
    obj = model.objects.order_by("pk").first()
    response = as_admin.get(admin_url(model, "history", obj.pk))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == obj.history.count() >= 1


def test_an_admin_edit_is_recorded_with_its_author(as_admin, admin_user, task):
    data = {
        "plan": task.plan_id, "code": task.code, "title": "Tên mới của nhiệm vụ",
        "area": task.area_id, "solution": task.solution_id,
        "due_date": task.due_date.isoformat(), "expected_output": task.expected_output,
        "assignments-TOTAL_FORMS": 0, "assignments-INITIAL_FORMS": 0,
        "assignments-MIN_NUM_FORMS": 0, "assignments-MAX_NUM_FORMS": 1000,
        "_save": "Save",
    }
    response = as_admin.post(admin_url(Task, "change", task.pk), data)
    assert response.status_code == 302, response.context["errors"]
    newest = task.history.first()
    assert (newest.history_type, newest.title, newest.history_user) == (
        "~", "Tên mới của nhiệm vụ", admin_user
    )


def test_an_admin_edit_moves_the_task_version(as_admin, task):
    """Optimistic concurrency holds across the admin too: an edit opened in the portal before
    an admin saved the task must not overwrite the admin's change."""
    opened_at = Task.objects.get(pk=task.pk).version
    data = {
        "plan": task.plan_id, "code": task.code, "title": "Sửa trong trang quản trị",
        "area": task.area_id, "solution": task.solution_id,
        "due_date": task.due_date.isoformat(), "expected_output": task.expected_output,
        "assignments-TOTAL_FORMS": 0, "assignments-INITIAL_FORMS": 0,
        "assignments-MIN_NUM_FORMS": 0, "assignments-MAX_NUM_FORMS": 1000,
        "_save": "Save",
    }
    assert as_admin.post(admin_url(Task, "change", task.pk), data).status_code == 302
    assert Task.objects.get(pk=task.pk).version == opened_at + 1
    with pytest.raises(StaleEdit):
        save_task(task=task, expected_version=opened_at, title="Sửa trong cổng")
    assert Task.objects.get(pk=task.pk).title == "Sửa trong trang quản trị"


def test_a_due_date_never_moves_in_the_admin_without_an_extension_record(
    as_admin, assignment_a
):
    """Extensions are append-only records (DeadlineExtension); the admin's change form must
    not move a deadline silently: either the field is read-only or the change is recorded."""
    original = assignment_a.due_date
    later = original + datetime.timedelta(days=30)
    as_admin.post(admin_url(Assignment, "change", assignment_a.pk),
                  {"role": "lead", "due_date": later.isoformat(), "_save": "Save"})
    assignment_a.refresh_from_db()
    if assignment_a.due_date != original:
        assert DeadlineExtension.objects.filter(
            assignment=assignment_a, previous_due_date=original, new_due_date=later
        ).exists()
    assert assignment_a.original_due_date == original


def test_units_have_no_bulk_delete_and_referenced_ones_stay(as_admin, assignment_a, unit_a):
    response = as_admin.get(admin_url(Unit, "changelist"))
    assert "delete_selected" not in action_names(response)
    as_admin.post(admin_url(Unit, "changelist"),
                  {"action": "delete_selected", "_selected_action": [unit_a.pk], "post": "yes"})
    response = as_admin.post(admin_url(Unit, "delete", unit_a.pk), {"post": "yes"})
    assert response.status_code == 200
    assert response.context["protected"]
    assert Unit.objects.filter(pk=unit_a.pk).exists()


def test_bulk_delete_of_annotated_tasks_works(as_admin, plan):
    tasks = TaskFactory.create_batch(2, plan=plan)
    response = as_admin.post(admin_url(Task, "changelist"), {
        "action": "delete_selected", "_selected_action": [t.pk for t in tasks], "post": "yes",
    })
    assert response.status_code == 302
    assert not Task.objects.filter(pk__in=[t.pk for t in tasks]).exists()


# Query counts stay bounded ----------------------------------------------------------------


def grow(n, today):
    """n more rows in every list: units with a parent, people, plans, tasks, assignments and
    progress reports."""
    parent = UnitFactory(kind=Unit.Kind.DISTRICT)
    for i in range(n):
        plan = PlanFactory(year=2000 + Plan.objects.count())
        unit = UnitFactory(kind=Unit.Kind.COMMUNE, parent=parent, successor=parent)
        person = UserFactory()
        MembershipFactory(user=person, unit=unit)
        task = TaskFactory(plan=plan)
        lead = AssignmentFactory(task=task, unit=unit)
        support = AssignmentFactory(task=task, role=Assignment.Role.SUPPORT)
        ProgressEntryFactory(assignment=lead, reported_by=person)
        record_progress(assignment=lead, user=person, percent=100, note="Đã xong")
        verify_completion(assignment=lead, user=person)
        extend_deadline(assignment=support, user=person, reason="Gia hạn",
                        new_due_date=support.due_date + datetime.timedelta(days=10))


def count_queries(client, url):
    client.get(url)  # warm the caches (content types, sessions)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_changelist_queries_do_not_grow_with_rows(as_admin, today,
                                                  django_assert_max_num_queries):
    grow(3, today)
    urls = [admin_url(model, "changelist") for model in [*PORTAL_MODELS, User]]
    baselines = [count_queries(as_admin, url) for url in urls]
    grow(27, today)
    for url, baseline in zip(urls, baselines):
        with django_assert_max_num_queries(baseline, info=url):
            response = as_admin.get(url)
        assert len(results(response)) >= 30, url


def test_task_and_assign_pages_queries_do_not_grow(as_admin, task, today,
                                                   django_assert_max_num_queries):
    def add_units(n):
        for _ in range(n):
            AssignmentFactory(task=task, unit=UnitFactory(kind=Unit.Kind.COMMUNE))

    add_units(3)
    urls = [admin_url(Task, "change", task.pk), assign_url(task)]
    baselines = [count_queries(as_admin, url) for url in urls]
    add_units(27)
    for url, baseline in zip(urls, baselines):
        with django_assert_max_num_queries(baseline):
            assert as_admin.get(url).status_code == 200
