"""The coordinator's workflow in the portal (Sở Nội vụ): verify or return a 100% report,
extend a deadline, the verification queue, the change history, and what each role may do.

assignment_a belongs to unit A (staff_a, head_a), assignment_b to unit B (staff_b), both on the
same task. Coordinators act; leaders read; unit staff read their own units' assignments and get
403 on these actions; staff of another unit get 404; anonymous people go to the login page.
Pages are in Vietnamese by default: messages are compared through gettext under override("vi").
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext, override

from solutions.models import Assignment, DeadlineExtension, ProgressEntry, Verification
from solutions.services import extend_deadline, record_progress, return_completion, save_task
from solutions.templatetags.portal import person
from tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    ProgressEntryFactory,
    ReformAreaFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
)

LOGIN = "/accounts/login/"


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def vi(message: str) -> str:
    """A message as the (Vietnamese by default) page shows it, HTML-escaped."""
    with override("vi"):
        return escape(gettext(message))


def verify_url(a: Assignment) -> str:
    return reverse("solutions:assignment-verify", args=[a.pk])


def return_url(a: Assignment) -> str:
    return reverse("solutions:assignment-return", args=[a.pk])


def extend_url(a: Assignment) -> str:
    return reverse("solutions:assignment-extend", args=[a.pk])


QUEUE = "/verification/"


def make_pending(assignment: Assignment, user, *, reported_at=None,
                 note="Đã hoàn thành") -> ProgressEntry:
    """A 100% report awaiting verification, made at a chosen moment (the service uses now)."""
    reported_at = reported_at or timezone.now() - days(1)
    entry = ProgressEntryFactory(assignment=assignment, reported_by=user, percent=100,
                                 note=note, reported_at=reported_at)
    Assignment.objects.filter(pk=assignment.pk).update(
        pending_entry=entry, latest_percent=100, latest_report_at=reported_at
    )
    assignment.refresh_from_db()
    return entry


def state(assignment: Assignment) -> tuple:
    assignment.refresh_from_db()
    return (assignment.due_date, assignment.original_due_date, assignment.latest_percent,
            assignment.completed_on, assignment.pending_entry_id, assignment.returned_reason)


def annotated(assignment: Assignment) -> Assignment:
    return Assignment.objects.with_timeliness().get(pk=assignment.pk)


def totals(client, plan):
    response = client.get(f"/?plan={plan.pk}")
    assert response.status_code == 200
    return response.context["totals"]


@pytest.fixture
def pending_a(assignment_a, staff_a):
    make_pending(assignment_a, staff_a, note="Đã ban hành quyết định, kèm tài liệu")
    return assignment_a


@pytest.fixture
def pending_b(assignment_b, staff_b):
    make_pending(assignment_b, staff_b, note="Báo cáo của đơn vị B")
    return assignment_b


# --- Who may verify, return and extend ------------------------------------------------------

ACTIONS = {
    "verify": (verify_url, {}),
    "return": (return_url, {"reason": "Thiếu tài liệu kiểm chứng"}),
    "extend": (extend_url, {"new_due_date": "", "reason": "Khối lượng lớn", "document": ""}),
}


def action(name: str, assignment: Assignment, today) -> tuple[str, dict]:
    url, data = ACTIONS[name]
    data = dict(data)
    if name == "extend":
        data["new_due_date"] = (today + days(60)).strftime("%d/%m/%Y")
    return url(assignment), data


def nothing_decided(assignment: Assignment, before: tuple) -> None:
    assert state(assignment) == before
    assert not Verification.objects.exists()
    assert not DeadlineExtension.objects.exists()


@pytest.mark.parametrize("name", list(ACTIONS))
@pytest.mark.parametrize("client_name", ["as_staff_a", "as_head_a", "as_leader"])
def test_people_who_can_see_but_not_decide_get_403(request, client_name, name, pending_a, today):
    client = request.getfixturevalue(client_name)
    before = state(pending_a)
    url, data = action(name, pending_a, today)
    assert client.post(url, data).status_code == 403
    nothing_decided(pending_a, before)


@pytest.mark.parametrize("name", list(ACTIONS))
def test_staff_of_another_unit_get_404(as_staff_b, name, pending_a, assignment_b, today):
    before = state(pending_a)
    url, data = action(name, pending_a, today)
    assert as_staff_b.post(url, data).status_code == 404
    nothing_decided(pending_a, before)


@pytest.mark.parametrize("name", list(ACTIONS))
def test_anonymous_is_sent_to_login(anonymous, name, pending_a, today):
    before = state(pending_a)
    url, data = action(name, pending_a, today)
    response = anonymous.post(url, data)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")
    nothing_decided(pending_a, before)


@pytest.mark.parametrize("name", list(ACTIONS))
def test_actions_are_post_only(as_coordinator, name, pending_a, today):
    before = state(pending_a)
    url, _ = action(name, pending_a, today)
    assert as_coordinator.get(url).status_code == 405
    nothing_decided(pending_a, before)


@pytest.mark.parametrize("name", list(ACTIONS))
def test_actions_need_the_csrf_token(coordinator, name, pending_a, today):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    before = state(pending_a)
    url, data = action(name, pending_a, today)
    assert client.post(url, data).status_code == 403
    nothing_decided(pending_a, before)


def test_unknown_assignment_is_404_for_coordinators(as_coordinator):
    assert as_coordinator.post("/assignments/999999/verify/").status_code == 404


# --- Verify ---------------------------------------------------------------------------------


def test_verify_completes_on_the_local_date_of_the_report(
    as_coordinator, assignment_a, staff_a, coordinator, plan, today
):
    # 20:00 UTC is 03:00 the next morning in Hà Nội: the report's local date is the day after.
    utc_day = today - days(3)
    reported_at = datetime.datetime.combine(utc_day, datetime.time(20, 0), tzinfo=datetime.UTC)
    entry = make_pending(assignment_a, staff_a, reported_at=reported_at)
    before = totals(as_coordinator, plan)
    assert (before.awaiting, before.on_time) == (1, 0)

    response = as_coordinator.post(verify_url(assignment_a))

    assert response.status_code == 302
    assert response["Location"] == assignment_a.get_absolute_url()
    assignment_a.refresh_from_db()
    assert assignment_a.completed_on == utc_day + days(1) == timezone.localdate(reported_at)
    assert assignment_a.completed_on != today  # not the date of the verification
    assert assignment_a.pending_entry_id is None
    decision = Verification.objects.get()
    assert (decision.entry, decision.decision, decision.decided_by) == (
        entry, Verification.Decision.VERIFIED, coordinator
    )
    after = totals(as_coordinator, plan)
    assert (after.awaiting, after.on_time, after.late) == (0, 1, 0)


def test_a_report_in_time_verified_after_the_due_date_is_on_time(
    as_coordinator, plan, unit_a, staff_a, today
):
    assignment = AssignmentFactory(task=TaskFactory(plan=plan, due_date=today - days(2)),
                                   unit=unit_a)
    make_pending(assignment, staff_a, reported_at=timezone.now() - days(4))
    shown = annotated(assignment)
    assert (shown.timeliness, shown.is_awaiting, shown.urgency) == ("in_progress", True, 3)
    as_coordinator.post(verify_url(assignment))
    assert annotated(assignment).timeliness == "on_time"


def test_the_verified_page_replaces_the_form_with_the_completion_date(
    as_coordinator, as_staff_a, pending_a
):
    as_coordinator.post(verify_url(pending_a))
    pending_a.refresh_from_db()
    date = pending_a.completed_on.strftime("%d/%m/%Y")
    for client in (as_staff_a, as_coordinator):
        html = client.get(pending_a.get_absolute_url()).content.decode()
        assert 'name="percent"' not in html
        assert vi("Verified complete on %(date)s.").replace("%(date)s", date) in html
        assert 'name="new_due_date"' not in html  # a completed deadline is not extended
    decisions = as_staff_a.get(pending_a.get_absolute_url()).context["decisions"]
    assert [d.decision for d in decisions] == ["verified"]


def test_verify_with_nothing_pending_says_so_and_changes_nothing(as_coordinator, assignment_a):
    before = state(assignment_a)
    response = as_coordinator.post(verify_url(assignment_a), follow=True)
    assert response.status_code == 200
    assert vi("This assignment has no report awaiting verification.") in (
        response.content.decode()
    )
    nothing_decided(assignment_a, before)


def test_verify_from_the_queue_goes_back_to_the_queue(as_coordinator, pending_a):
    response = as_coordinator.post(verify_url(pending_a), {"next": f"{QUEUE}?page=1"})
    assert response["Location"] == f"{QUEUE}?page=1"


def test_verify_never_redirects_to_another_site(as_coordinator, pending_a):
    response = as_coordinator.post(verify_url(pending_a), {"next": "https://evil.example/"})
    assert response["Location"] == pending_a.get_absolute_url()


# --- Return ---------------------------------------------------------------------------------


def test_return_sends_the_reason_to_the_unit(as_coordinator, as_staff_a, pending_a, coordinator):
    reason = "Chưa có quyết định ban hành kèm theo: đề nghị bổ sung."
    response = as_coordinator.post(return_url(pending_a), {"reason": reason})

    assert response.status_code == 302
    pending_a.refresh_from_db()
    assert (pending_a.pending_entry_id, pending_a.completed_on) == (None, None)
    assert pending_a.returned_reason == reason
    decision = Verification.objects.get()
    assert (decision.decision, decision.reason, decision.decided_by) == ("returned", reason,
                                                                          coordinator)
    # The unit reads it on its assignment page and on /my/; back in progress.
    page = as_staff_a.get(pending_a.get_absolute_url())
    assert escape(reason) in page.content.decode()
    assert page.context["assignment"].urgency != 3
    my = as_staff_a.get("/my/").content.decode()
    assert escape(reason) in my
    assert "Sở Nội vụ trả lại:" in my


@pytest.mark.parametrize("reason", ["", "   \n  "])
def test_return_without_a_reason_is_a_form_error(as_coordinator, pending_a, reason):
    before = state(pending_a)
    response = as_coordinator.post(return_url(pending_a), {"reason": reason})
    assert response.status_code == 200
    form = response.context["return_form"]
    assert form.errors["reason"]
    assert escape(form.errors["reason"][0]) in response.content.decode()
    nothing_decided(pending_a, before)


def test_return_with_nothing_pending_says_so(as_coordinator, assignment_a):
    before = state(assignment_a)
    response = as_coordinator.post(return_url(assignment_a), {"reason": "Thiếu"}, follow=True)
    assert response.status_code == 200
    assert vi("This assignment has no report awaiting verification.") in (
        response.content.decode()
    )
    nothing_decided(assignment_a, before)


def test_a_new_100_percent_report_clears_the_returned_reason(
    as_staff_a, pending_a, coordinator, staff_a
):
    return_completion(assignment=pending_a, user=coordinator, reason="Thiếu phụ lục")
    as_staff_a.post(pending_a.get_absolute_url(), {"percent": "100", "note": "Đã bổ sung"})
    html = as_staff_a.get(pending_a.get_absolute_url()).content.decode()
    assert "Thiếu phụ lục" in html  # still in the list of decisions...
    assert 'id="returned"' not in html  # ...but no longer the notice at the top
    assert 'id="awaiting"' in html


# --- Extend ---------------------------------------------------------------------------------


def extend(client, assignment, new_due: datetime.date | str, reason="Khối lượng lớn",
           document="Công văn số 123/UBND-NC"):
    value = new_due if isinstance(new_due, str) else new_due.strftime("%d/%m/%Y")
    return client.post(extend_url(assignment),
                       {"new_due_date": value, "reason": reason, "document": document})


def test_extension_keeps_the_original_date_and_lists_every_one(
    as_coordinator, as_staff_a, assignment_a, coordinator, today
):
    original = assignment_a.due_date
    first, second = original + days(10), original + days(25)
    response = extend(as_coordinator, assignment_a, first)
    assert response.status_code == 302
    extend(as_coordinator, assignment_a, second, reason="Chờ ý kiến Bộ Nội vụ", document="")

    assignment_a.refresh_from_db()
    assert (assignment_a.due_date, assignment_a.original_due_date) == (second, original)
    rows = list(DeadlineExtension.objects.order_by("decided_at"))
    assert [(x.previous_due_date, x.new_due_date) for x in rows] == [
        (original, first), (first, second)
    ]
    assert rows[0].document == "Công văn số 123/UBND-NC" and rows[1].document == ""
    assert {x.decided_by for x in rows} == {coordinator}

    # Every extension is listed on the assignment, for the unit too.
    page = as_staff_a.get(assignment_a.get_absolute_url())
    assert len(page.context["extensions"]) == 2
    html = page.content.decode()
    for x in rows:
        assert x.new_due_date.strftime("%d/%m/%Y") in html
        assert escape(x.reason) in html
    assert "Công văn số 123/UBND-NC" in html
    assert page.context["assignment"].is_extended


def test_an_overdue_assignment_extended_past_today_is_in_progress(
    as_coordinator, plan, unit_a, today
):
    assignment = AssignmentFactory(task=TaskFactory(plan=plan, due_date=today - days(3)),
                                   unit=unit_a)
    before = totals(as_coordinator, plan)
    assert annotated(assignment).timeliness == "overdue"

    extend(as_coordinator, assignment, today + days(30))

    shown = annotated(assignment)
    assert (shown.timeliness, shown.is_extended) == ("in_progress", True)
    assert shown.original_due_date == today - days(3)
    after = totals(as_coordinator, plan)
    assert (after.overdue, after.extended) == (before.overdue - 1, before.extended + 1)


@pytest.mark.parametrize(
    "new_due, reason, field",
    [
        ("", "Lý do", "new_due_date"),  # no date
        ("31/02/2026", "Lý do", "new_due_date"),  # no such day
        ("ngày mai", "Lý do", "new_due_date"),  # not a date
        ("same", "Lý do", "new_due_date"),  # not later than the current deadline
        ("past", "Lý do", "new_due_date"),  # later than an overdue deadline, still in the past
        ("later", "", "reason"),  # no reason
        ("later", "   ", "reason"),  # blank reason
    ],
)
def test_bad_extensions_are_form_errors(as_coordinator, plan, unit_a, today, new_due, reason,
                                        field):
    assignment = AssignmentFactory(task=TaskFactory(plan=plan, due_date=today - days(10)),
                                   unit=unit_a)
    value = {
        "same": (today - days(10)).strftime("%d/%m/%Y"),
        "past": (today - days(2)).strftime("%d/%m/%Y"),
        "later": (today + days(5)).strftime("%d/%m/%Y"),
    }.get(new_due, new_due)
    before = state(assignment)
    response = extend(as_coordinator, assignment, value, reason=reason)
    assert response.status_code == 200
    form = response.context["extend_form"]
    assert list(form.errors) == [field]
    assert escape(form.errors[field][0]) in response.content.decode()
    assert state(assignment) == before
    assert not DeadlineExtension.objects.exists()


def test_a_completed_assignment_is_not_extended(as_coordinator, pending_a, coordinator, today):
    as_coordinator.post(verify_url(pending_a))
    before = state(pending_a)
    response = extend(as_coordinator, pending_a, today + days(90))
    assert response.status_code == 200
    assert vi("A completed assignment's deadline cannot be extended.") in (
        response.content.decode()
    )
    assert state(pending_a) == before
    assert not DeadlineExtension.objects.exists()


# --- The assignment page, by role -----------------------------------------------------------


def test_the_coordinator_sees_the_pending_report_and_the_decision_forms(
    as_coordinator, pending_a
):
    response = as_coordinator.get(pending_a.get_absolute_url())
    html = response.content.decode()
    assert 'id="awaiting"' in html
    assert "Đã ban hành quyết định, kèm tài liệu" in html
    assert f'action="{verify_url(pending_a)}"' in html
    assert f'action="{return_url(pending_a)}"' in html
    assert f'action="{extend_url(pending_a)}"' in html
    assert html.count("csrfmiddlewaretoken") >= 4  # the progress form and the three actions


@pytest.mark.parametrize("client_name", ["as_staff_a", "as_head_a", "as_leader"])
def test_others_see_the_awaiting_state_without_the_decision_forms(request, client_name,
                                                                  pending_a):
    client = request.getfixturevalue(client_name)
    response = client.get(pending_a.get_absolute_url())
    html = response.content.decode()
    assert response.context["assignment"].is_awaiting
    assert 'id="awaiting"' in html
    assert pending_a.pending_entry.reported_at.astimezone(
        timezone.get_current_timezone()).strftime("%d/%m/%Y") in html
    for url in (verify_url(pending_a), return_url(pending_a), extend_url(pending_a)):
        assert url not in html
    assert 'id="changes"' not in html  # the change history is the coordinators'


# --- The verification queue -----------------------------------------------------------------


@pytest.fixture
def older_b(assignment_b, staff_b):
    make_pending(assignment_b, staff_b, reported_at=timezone.now() - days(9),
                 note="Báo cáo cũ của đơn vị B")
    return assignment_b


def test_the_queue_lists_pending_reports_oldest_first_with_buttons(
    as_coordinator, pending_a, older_b, assignment_a
):
    response = as_coordinator.get(QUEUE)
    assert response.status_code == 200
    assert [a.pk for a in response.context["page"]] == [older_b.pk, pending_a.pk]
    html = response.content.decode()
    assert html.index("Báo cáo cũ của đơn vị B") < html.index("Đã ban hành quyết định")
    assert f'action="{verify_url(pending_a)}"' in html
    assert f'action="{return_url(older_b)}"' in html


def test_leaders_read_the_queue_without_buttons(as_leader, pending_a, older_b):
    response = as_leader.get(QUEUE)
    assert response.status_code == 200
    assert len(response.context["page"]) == 2
    html = response.content.decode()
    assert verify_url(pending_a) not in html and return_url(older_b) not in html


@pytest.mark.parametrize("client_name, mine", [("as_staff_a", "a"), ("as_staff_b", "b")])
def test_staff_see_only_their_units_pending_reports(request, client_name, mine, pending_a,
                                                    older_b):
    client = request.getfixturevalue(client_name)
    response = client.get(QUEUE)
    expected = {"a": pending_a, "b": older_b}[mine]
    assert [a.pk for a in response.context["page"]] == [expected.pk]
    assert verify_url(expected) not in response.content.decode()


def test_the_queue_leaves_out_what_is_not_pending(as_coordinator, pending_a, assignment_b,
                                                  coordinator):
    as_coordinator.post(verify_url(pending_a))
    response = as_coordinator.get(QUEUE)
    assert list(response.context["page"]) == []


def test_the_queue_needs_a_login(anonymous):
    response = anonymous.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={QUEUE}"


def test_return_from_the_queue_without_a_reason_shows_the_error(as_coordinator, pending_a):
    before = state(pending_a)
    response = as_coordinator.post(return_url(pending_a), {"reason": "", "next": QUEUE})
    assert response.status_code == 200  # the assignment page, with the error on its form
    assert response.context["return_form"].errors["reason"]
    nothing_decided(pending_a, before)


# --- /my/, the lists and the dashboard ------------------------------------------------------


def test_my_assignments_head_awaiting_apart_from_done(as_staff_a, pending_a, plan, unit_a,
                                                      coordinator, staff_a, today):
    done = AssignmentFactory(task=TaskFactory(plan=plan, due_date=today + days(9)), unit=unit_a)
    make_pending(done, staff_a)
    as_coordinator = Client()
    as_coordinator.force_login(coordinator)
    as_coordinator.post(verify_url(done))

    response = as_staff_a.get(f"/my/?plan={plan.pk}")
    groups = {a.pk: a.urgency for a in response.context["assignments"]}
    assert (groups[pending_a.pk], groups[done.pk]) == (3, 4)
    html = response.content.decode()
    awaiting, finished = html.index("group--3"), html.index("group--4")
    assert awaiting < html.index(pending_a.task.title) < finished < html.index(done.task.title)
    assert vi("Awaiting verification") in html[awaiting:html.index("</h2>", awaiting)]
    assert vi("Done") in html[finished:html.index("</h2>", finished)]


@pytest.mark.parametrize("flag", ["awaiting", "extended"])
def test_the_list_filters_by_the_new_flags(as_coordinator, plan, pending_a, assignment_b,
                                           coordinator, flag, today):
    extended = AssignmentFactory(task=TaskFactory(plan=plan), unit=UnitFactory())
    extend_deadline(assignment=extended, user=coordinator,
                    new_due_date=extended.due_date + days(40), reason="Lý do")
    response = as_coordinator.get(f"/assignments/?plan={plan.pk}&flag={flag}")
    assert response.status_code == 200
    expected = {"awaiting": pending_a, "extended": extended}[flag]
    assert [a.pk for a in response.context["page"]] == [expected.pk]


def test_the_dashboard_counts_awaiting_and_extended_and_links_to_them(
    as_leader, plan, pending_a, pending_b, coordinator
):
    extend_deadline(assignment=pending_b, user=coordinator,
                    new_due_date=pending_b.due_date + days(40), reason="Lý do")
    response = as_leader.get(f"/?plan={plan.pk}")
    figures = response.context["totals"]
    assert (figures.awaiting, figures.extended) == (2, 1)
    html = response.content.decode()
    assert f"/assignments/?plan={plan.pk}&amp;flag=awaiting" in html
    assert f"/assignments/?plan={plan.pk}&amp;flag=extended" in html
    assert f'href="{QUEUE}"' in html


# --- The change history ---------------------------------------------------------------------


def test_the_coordinator_sees_who_changed_which_field_on_the_assignment(
    as_coordinator, assignment_a, coordinator, today
):
    original = assignment_a.due_date
    extend(as_coordinator, assignment_a, original + days(10))
    response = as_coordinator.get(assignment_a.get_absolute_url())
    rows = response.context["history"]
    newest = rows[0]
    assert newest.who == coordinator and newest.kind == "~"
    assert [(c.old, c.new) for c in newest.changes] == [
        (original.strftime("%d/%m/%Y"), (original + days(10)).strftime("%d/%m/%Y"))
    ]
    html = response.content.decode()
    assert 'id="changes"' in html and escape(person(coordinator)) in html


def test_the_task_history_names_the_editor_and_the_old_and_new_values(
    as_coordinator, task, coordinator
):
    form = as_coordinator.get(reverse("solutions:task-edit", args=[task.pk])).context["form"]
    data = task_data(form)
    data["title"] = "Tên mới của nhiệm vụ"
    old_title = task.title
    assert as_coordinator.post(reverse("solutions:task-edit", args=[task.pk]),
                               data).status_code == 302
    response = as_coordinator.get(task.get_absolute_url())
    newest = response.context["history"][0]
    assert newest.who == coordinator
    assert [(c.old, c.new) for c in newest.changes] == [(old_title, "Tên mới của nhiệm vụ")]
    assert 'id="changes"' in response.content.decode()


@pytest.mark.parametrize("client_name", ["as_staff_a", "as_leader"])
def test_the_history_is_not_shown_to_others(request, client_name, assignment_a, task):
    client = request.getfixturevalue(client_name)
    for url in (assignment_a.get_absolute_url(), task.get_absolute_url()):
        response = client.get(url)
        assert "history" not in response.context
        assert 'id="changes"' not in response.content.decode()


def test_the_history_names_related_objects_not_their_ids(as_coordinator, task, plan):
    other_area = ReformAreaFactory(plan=plan, number=12, name="Cải cách tài chính công")
    data = task_data(as_coordinator.get(reverse("solutions:task-edit", args=[task.pk]))
                     .context["form"])
    data["area"] = other_area.pk
    as_coordinator.post(reverse("solutions:task-edit", args=[task.pk]), data)
    change = as_coordinator.get(task.get_absolute_url()).context["history"][0].changes[0]
    assert (change.old, change.new) == (str(task.area), str(other_area))


# --- Helpers shared with the task tests -----------------------------------------------------


def task_data(form) -> dict:
    """The POST data of a task form as the page renders it (initial values and the version)."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            value = ""
        if isinstance(value, datetime.date):
            value = value.strftime("%d/%m/%Y")
        data[name] = value
    return data


# --- Query budgets of the new pages ---------------------------------------------------------
# As tests/test_query_counts.py: count a page's queries on a small data set, grow every table
# the page reads tenfold (pending reports, decisions, extensions, history rows, units, tasks),
# count again: the count must not grow and must stay within the budget (measured + 2).

BUDGETS = {  # measured + 2 (the coordinator's count: the most the page does)
    "verification-queue": 10,
    "assignment-detail": 15,
    "task-detail": 12,
    "task-edit": 12,
    "task-create": 12,
    "task-assign": 12,
}  # the dashboard's queries are named in tests/test_query_counts.py
SMALL, GROWTH = 2, 10


class Scene:
    """A focus task and its unit A assignment, which every round of grow() reports on, returns,
    extends and edits; plus pending reports of unit A and of new units for the queue."""

    def __init__(self, plan, unit_a, staff_a, coordinator, today):
        self.plan, self.unit_a, self.staff_a = plan, unit_a, staff_a
        self.coordinator, self.today = coordinator, today
        self.areas = [ReformAreaFactory(plan=plan, number=n) for n in (1, 2)]
        self.task = TaskFactory(plan=plan, area=self.areas[0], due_date=today + days(20))
        self.focus = AssignmentFactory(task=self.task, unit=unit_a)
        self.size = 0

    def grow(self, n: int) -> None:
        for i in range(self.size, self.size + n):
            unit = UnitFactory(kind=["provincial", "district", "commune"][i % 3])
            person = UserFactory()
            MembershipFactory(user=person, unit=unit)
            theirs = AssignmentFactory(task=TaskFactory(plan=self.plan), unit=unit)
            make_pending(theirs, person, reported_at=timezone.now() - days(i % 7 + 1))
            mine = AssignmentFactory(task=TaskFactory(plan=self.plan), unit=self.unit_a)
            make_pending(mine, self.staff_a, reported_at=timezone.now() - days(i % 5 + 1))
            AssignmentFactory(task=self.task, unit=unit, role=Assignment.Role.SUPPORT)

            record_progress(assignment=self.focus, user=self.staff_a, percent=100,
                            note=f"Báo cáo hoàn thành lần {i}")
            return_completion(assignment=self.focus, user=self.coordinator,
                              reason=f"Thiếu tài liệu lần {i}")
            extend_deadline(assignment=self.focus, user=self.coordinator,
                            new_due_date=self.focus.due_date + days(3),
                            reason=f"Gia hạn lần {i}", document=f"Công văn {i}/UBND")
            self.task = save_task(task=self.task, title=f"Nhiệm vụ, lần sửa {i}",
                                  area=self.areas[i % 2])
        self.size += n
        self.focus.refresh_from_db()

    def urls(self) -> dict[str, str]:
        return {
            "verification-queue": QUEUE,
            "assignment-detail": self.focus.get_absolute_url(),
            "task-detail": self.task.get_absolute_url(),
            "task-edit": reverse("solutions:task-edit", args=[self.task.pk]),
            "task-create": f"/tasks/new/?plan={self.plan.pk}",
            "task-assign": reverse("solutions:task-assign", args=[self.task.pk]),
        }


def count_queries(client, url: str) -> tuple[int, list[str]]:
    cache.clear()  # the uncached path: cached figures would hide the page's real queries
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert response.content  # rendered inside the context: lazy template queries count
    return len(captured), [q["sql"] for q in captured.captured_queries]


# Coordinators' own pages (task-edit, task-create, task-assign) only as coordinator: the
# others get 403 there, tested above.
@pytest.mark.parametrize("client_name,page_name", [
    (client, page)
    for client in ("as_coordinator", "as_staff_a", "as_leader")
    for page in BUDGETS
    if client == "as_coordinator" or not page.startswith("task-") or page == "task-detail"
])
def test_new_pages_have_a_bounded_query_count(request, client_name, page_name, plan, unit_a,
                                              staff_a, coordinator, today,
                                              django_assert_max_num_queries):
    page = page_name
    client = request.getfixturevalue(client_name)
    scene = Scene(plan, unit_a, staff_a, coordinator, today)
    scene.grow(SMALL)
    url = scene.urls()[page]
    client.get(url)  # warm-up: first-request work is not the page's
    small, small_sql = count_queries(client, url)

    scene.grow(SMALL * (GROWTH - 1))
    url = scene.urls()[page]
    with django_assert_max_num_queries(BUDGETS[page]):
        big, big_sql = count_queries(client, url)
    listing = "\n".join(f"{i + 1:3}. {sql[:200]}" for i, sql in enumerate(big_sql))
    assert big == small, f"{page} as {client_name}: {small} -> {big} queries\n{listing}"
