"""/my/: the person's own units' assignments, overdue first, then due soon, in progress,
awaiting verification, done."""

import datetime
import re

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext, override

from solutions.services import record_progress, return_completion, verify_completion
from tests.factories import AssignmentFactory, MembershipFactory, PlanFactory, TaskFactory


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def live_plan(db, today):
    return PlanFactory(year=today.year, start_date=today - days(200), end_date=today + days(200))


def make(plan, unit, due, *, title, done=None):
    task = TaskFactory(plan=plan, due_date=due, title=title)
    fields = {}
    if done is not None:
        fields = dict(latest_percent=100, completed_on=done, latest_report_at=timezone.now())
    return AssignmentFactory(task=task, unit=unit, **fields)


def awaiting(plan, unit, due, *, title, reporter):
    """An assignment whose unit reported 100% (through the service): awaiting verification."""
    assignment = make(plan, unit, due, title=title)
    record_progress(assignment=assignment, user=reporter, percent=100, note="Đã hoàn thành")
    return assignment


@pytest.fixture
def mine(live_plan, unit_a, unit_b, staff_a, today):
    """Unit A's assignments (created out of order on purpose) and one of unit B's."""
    soon = today + days(min(2, settings.DUE_SOON_DAYS))
    far = today + days(settings.DUE_SOON_DAYS + 30)
    built = {
        "done": make(live_plan, unit_a, today - days(20), title="Nhiệm vụ đã xong",
                     done=today - days(25)),
        "in_progress": make(live_plan, unit_a, far, title="Nhiệm vụ đang làm"),
        "due_soon": make(live_plan, unit_a, soon, title="Nhiệm vụ sắp đến hạn"),
        "overdue_recent": make(live_plan, unit_a, today - days(1), title="Nhiệm vụ trễ một ngày"),
        "overdue_old": make(live_plan, unit_a, today - days(30), title="Nhiệm vụ trễ lâu"),
        "ongoing": make(live_plan, unit_a, None, title="Nhiệm vụ thường xuyên"),
        # Reported 100% before its due date (still ahead): awaiting, never "due soon".
        "awaiting": awaiting(live_plan, unit_a, soon, title="Nhiệm vụ chờ xác nhận",
                             reporter=staff_a),
    }
    built["other_unit"] = make(live_plan, unit_b, today - days(5), title="Việc của đơn vị B")
    # The same person's unit in another (older) plan: not this plan's list.
    old = PlanFactory(year=today.year - 1)
    built["old_plan"] = make(old, unit_a, old.end_date, title="Việc năm trước")
    return built


EXPECTED_ORDER = ["overdue_old", "overdue_recent", "due_soon", "in_progress", "ongoing",
                  "awaiting", "done"]


def test_lists_only_my_units_assignments_worst_first(as_staff_a, mine):
    response = as_staff_a.get("/my/")
    assert response.status_code == 200
    listed = [a.pk for a in response.context["assignments"]]
    assert listed == [mine[k].pk for k in EXPECTED_ORDER]


def test_the_html_shows_them_in_that_order(as_staff_a, mine):
    html = as_staff_a.get("/my/").content.decode()
    positions = [html.index(f'href="/assignments/{mine[k].pk}/"') for k in EXPECTED_ORDER]
    assert positions == sorted(positions)
    assert "Việc của đơn vị B" not in html
    assert f'href="/assignments/{mine["other_unit"].pk}/"' not in html
    assert "Việc năm trước" not in html


def test_groups_are_headed_overdue_due_soon_in_progress_awaiting_done(as_staff_a, mine):
    html = as_staff_a.get("/my/").content.decode()
    groups = [html.index(f"group--{n}") for n in range(5)]
    assert groups == sorted(groups)
    # Each assignment sits in its group: overdue ones before the due-soon heading, and so on.
    assert html.index(f'href="/assignments/{mine["overdue_recent"].pk}/"') < groups[1]
    assert groups[1] < html.index(f'href="/assignments/{mine["due_soon"].pk}/"') < groups[2]
    assert groups[2] < html.index(f'href="/assignments/{mine["ongoing"].pk}/"') < groups[3]
    assert groups[3] < html.index(f'href="/assignments/{mine["awaiting"].pk}/"') < groups[4]
    assert groups[4] < html.index(f'href="/assignments/{mine["done"].pk}/"')


def test_awaiting_verification_is_not_headed_done(as_staff_a, mine):
    html = as_staff_a.get("/my/").content.decode()
    with override("vi"):
        done = gettext("Done")

    def heading(n):
        return html.split(f"group--{n}")[1].split("</h2>")[0]

    assert done in heading(4)
    assert done not in heading(3)


def test_a_verified_assignment_moves_to_done(as_staff_a, mine, coordinator):
    verify_completion(assignment=mine["awaiting"], user=coordinator)
    assignments = list(as_staff_a.get("/my/").context["assignments"])
    listed = [a.pk for a in assignments]
    # Done, by due date: the one done long ago was due 20 days ago, the new one is due soon.
    assert listed[-2:] == [mine["done"].pk, mine["awaiting"].pk]
    rows = {a.pk: a for a in assignments}
    assert (rows[mine["awaiting"].pk].urgency, rows[mine["awaiting"].pk].timeliness) == (
        4, "on_time"
    )
    assert not any(a.is_awaiting for a in rows.values())


def test_a_returned_report_shows_its_reason_until_the_next_100(
    as_staff_a, mine, staff_a, coordinator
):
    returned = mine["awaiting"]
    reason = "Thiếu quyết định ban hành kèm theo"
    return_completion(assignment=returned, user=coordinator, reason=reason)
    assert reason in as_staff_a.get("/my/").content.decode()
    # A report below 100% keeps it: the unit still has to address it.
    record_progress(assignment=returned, user=staff_a, percent=90, note="Đang bổ sung")
    assert reason in as_staff_a.get("/my/").content.decode()
    # The next 100% report answers it.
    record_progress(assignment=returned, user=staff_a, percent=100, note="Đã bổ sung")
    assert reason not in as_staff_a.get("/my/").content.decode()


def test_a_head_sees_the_same_list(as_head_a, mine):
    listed = [a.pk for a in as_head_a.get("/my/").context["assignments"]]
    assert listed == [mine[k].pk for k in EXPECTED_ORDER]


def test_staff_of_the_other_unit_see_only_theirs(as_staff_b, mine):
    listed = [a.pk for a in as_staff_b.get("/my/").context["assignments"]]
    assert listed == [mine["other_unit"].pk]


def test_a_person_in_two_units_sees_both(staff_a, unit_b, as_staff_a, mine):
    MembershipFactory(user=staff_a, unit=unit_b)
    listed = {a.pk for a in as_staff_a.get("/my/").context["assignments"]}
    assert listed == {mine[k].pk for k in (*EXPECTED_ORDER, "other_unit")}


def test_another_plan_by_parameter(as_staff_a, mine):
    old_plan = mine["old_plan"].task.plan
    response = as_staff_a.get(f"/my/?plan={old_plan.pk}")
    assert response.status_code == 200
    assert [a.pk for a in response.context["assignments"]] == [mine["old_plan"].pk]


@pytest.mark.parametrize("value", ["abc", "999999"])
def test_a_bad_plan_parameter_is_404(as_staff_a, mine, value):
    assert as_staff_a.get(f"/my/?plan={value}").status_code == 404


@pytest.mark.parametrize("client_name", ["as_coordinator", "as_leader"])
def test_a_person_without_a_unit_gets_the_explanation(request, client_name, mine):
    client = request.getfixturevalue(client_name)
    with override("vi"):
        explanation = gettext(
            "You are not a member of any unit, so nothing is assigned to you. "
            "The task list and the dashboard show the whole plan."
        )
    response = client.get("/my/")
    assert response.status_code == 200
    assert list(response.context["units"]) == []
    html = response.content.decode()
    assert escape(explanation) in html
    assert 'href="/tasks/"' in html
    # Readers of everything still get no assignment listed as "theirs".
    for a in mine.values():
        assert f'href="/assignments/{a.pk}/"' not in html


def test_a_unit_without_assignments_says_so(as_staff_b, live_plan):
    with override("vi"):
        message = gettext("Your units have no assignment in this plan.")
    response = as_staff_b.get("/my/")
    assert response.status_code == 200
    assert escape(message) in response.content.decode()


def test_no_plan_at_all_is_not_an_error(as_staff_a, db):
    response = as_staff_a.get("/my/")
    assert response.status_code == 200
    assert list(response.context["assignments"]) == []


def test_anonymous_is_sent_to_login(anonymous):
    response = anonymous.get("/my/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/my/"


def test_overdue_items_show_days_late(as_staff_a, mine):
    html = as_staff_a.get("/my/").content.decode()
    assert mine["overdue_old"].days_late() == 30
    item = html.split(f'href="/assignments/{mine["overdue_old"].pk}/"')[1].split("</li>")[0]
    assert re.search(r'<strong class="is-overdue">[^<]*\b30\b[^<]*</strong>', item)
    recent = html.split(f'href="/assignments/{mine["overdue_recent"].pk}/"')[1].split("</li>")[0]
    assert re.search(r'<strong class="is-overdue">[^<]*\b1\b[^<]*</strong>', recent)


def test_units_link_to_their_pages(as_staff_a, unit_a, unit_b, mine):
    html = as_staff_a.get("/my/").content.decode()
    assert f'href="/units/{unit_a.pk}/"' in html
    assert f'href="/units/{unit_b.pk}/"' not in html

