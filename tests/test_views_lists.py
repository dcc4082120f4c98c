"""/tasks/ and /assignments/ with their filters, the task page, the unit list and the unit page.

A small plan with six tasks and eight assignments, one of each kind worth telling apart:

    task  area sol  due          unit A                      unit B
    T1    1    1    today-5      lead, overdue               support, done on time
    T2    2    2    today+3      support, due soon           lead, due soon
    T3    2    1    today+40     -                           lead, stale
    T4    1    2    ongoing      lead, in progress           -
    T5    1    1    today-20     lead, done late             -
    T6    2    -    today+40     lead, stale                 -
"""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from solutions.models import Assignment
from tests.factories import (
    AssignmentFactory,
    PlanFactory,
    ReformAreaFactory,
    SolutionFactory,
    TaskFactory,
    UnitFactory,
)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def live_plan(db, today):
    return PlanFactory(year=today.year, start_date=today - days(200), end_date=today + days(200))


@pytest.fixture
def data(live_plan, unit_a, unit_b, today):
    plan = live_plan
    area1 = ReformAreaFactory(plan=plan, number=1, name="Cải cách thể chế")
    area2 = ReformAreaFactory(plan=plan, number=2, name="Cải cách thủ tục hành chính")
    sol1 = SolutionFactory(plan=plan, number=1, title="Tăng cường lãnh đạo")
    sol2 = SolutionFactory(plan=plan, number=2, title="Ứng dụng công nghệ")
    now = timezone.now()
    far = today + days(settings.DUE_SOON_DAYS + 33)
    long_ago = now - days(settings.STALE_DAYS + 30)

    def task(code, title, area, solution, due, description=""):
        return TaskFactory(plan=plan, code=code, title=title, area=area, solution=solution,
                           due_date=due, description=description)

    t = {
        "T1": task("1.1", "Rà soát thủ tục hành chính lĩnh vực tư pháp", area1, sol1,
                   today - days(5)),
        "T2": task("2.1", "Cấp giấy chứng nhận quyền sử dụng ĐẤT ĐAI", area2, sol2,
                   today + days(3)),
        "T3": task("2.2", "Chuyển đổi số trong cơ quan nhà nước", area2, sol1, far,
                   description="Số hóa hồ sơ, kết quả giải quyết thủ tục"),
        "T4": task("1.2", "Cải cách tài chính công", area1, sol2, None),
        "T5": task("1.3", "Xây dựng chính quyền điện tử", area1, sol1, today - days(20)),
        "T6": task("2.3", "Nâng cao chất lượng đội ngũ công chức", area2, None, far),
    }
    lead, support = Assignment.Role.LEAD, Assignment.Role.SUPPORT
    recent = dict(latest_percent=40, latest_report_at=now - days(1))
    a = {
        "A1": AssignmentFactory(task=t["T1"], unit=unit_a, role=lead, **recent),
        "B1": AssignmentFactory(task=t["T1"], unit=unit_b, role=support, latest_percent=100,
                                completed_on=today - days(6), latest_report_at=now - days(6)),
        "A2": AssignmentFactory(task=t["T2"], unit=unit_a, role=support, **recent),
        "B2": AssignmentFactory(task=t["T2"], unit=unit_b, role=lead, **recent),
        "B3": AssignmentFactory(task=t["T3"], unit=unit_b, role=lead, created_at=long_ago),
        "A4": AssignmentFactory(task=t["T4"], unit=unit_a, role=lead, **recent),
        "A5": AssignmentFactory(task=t["T5"], unit=unit_a, role=lead, latest_percent=100,
                                completed_on=today - days(10), latest_report_at=now - days(10)),
        "A6": AssignmentFactory(task=t["T6"], unit=unit_a, role=lead, created_at=long_ago),
    }
    # Another plan's rows never show in this plan's lists.
    other = PlanFactory(year=today.year - 1, status="closed", title="Kế hoạch năm trước")
    stray = TaskFactory(plan=other, title="Rà soát năm trước", due_date=other.end_date)
    AssignmentFactory(task=stray, unit=unit_a)
    return {"plan": plan, "area1": area1, "area2": area2, "sol1": sol1, "sol2": sol2,
            "unit_a": unit_a, "unit_b": unit_b, "tasks": t, "assignments": a}


def resolve(data, params: dict) -> dict:
    """Turn symbolic filter values (area1, sol2, unit_b...) into primary keys."""
    out = {"plan": data["plan"].pk}
    for key, value in params.items():
        out[key] = data[value].pk if isinstance(value, str) and value in data else value
    return out


def assignment_keys(data, response) -> set[str]:
    by_pk = {a.pk: k for k, a in data["assignments"].items()}
    rows = list(response.context["page"].object_list)
    assert all(a.pk in by_pk for a in rows), "a row from outside the test plan"
    return {by_pk[a.pk] for a in rows}


def task_keys(data, response) -> set[str]:
    by_pk = {t.pk: k for k, t in data["tasks"].items()}
    rows = list(response.context["page"].object_list)
    assert all(t.pk in by_pk for t in rows), "a row from outside the test plan"
    return {by_pk[t.pk] for t in rows}


def ids(table) -> list[str]:
    return ["&".join(f"{k}={v}" for k, v in params.items()) or "no-filter" for params, _ in table]


ALL_A = {"A1", "A2", "A4", "A5", "A6"}
ALL_B = {"B1", "B2", "B3"}

ASSIGNMENT_FILTERS = [
    ({}, ALL_A | ALL_B),
    ({"area": "area1"}, {"A1", "B1", "A4", "A5"}),
    ({"area": "area2"}, {"A2", "B2", "B3", "A6"}),
    ({"solution": "sol1"}, {"A1", "B1", "B3", "A5"}),
    ({"solution": "sol2"}, {"A2", "B2", "A4"}),
    ({"unit": "unit_a"}, ALL_A),
    ({"unit": "unit_b"}, ALL_B),
    ({"status": "on_time"}, {"B1"}),
    ({"status": "late"}, {"A5"}),
    ({"status": "in_progress"}, {"A2", "B2", "B3", "A4", "A6"}),
    ({"status": "overdue"}, {"A1"}),
    ({"flag": "due_soon"}, {"A2", "B2"}),
    ({"flag": "stale"}, {"B3", "A6"}),
    ({"role": "lead"}, {"A1", "B2", "B3", "A4", "A5", "A6"}),
    ({"role": "support"}, {"B1", "A2"}),
    ({"q": "ra soat"}, {"A1", "B1"}),
    ({"q": "Rà Soát"}, {"A1", "B1"}),
    ({"q": "dat dai"}, {"A2", "B2"}),
    ({"q": "thanh pho vinh"}, ALL_B),  # the unit's name
    ({"q": "ra soat vinh"}, {"B1"}),  # every word, in any field
    ({"q": "  "}, ALL_A | ALL_B),
    ({"q": "khong co gi"}, set()),
    ({"area": "area1", "status": "overdue"}, {"A1"}),
    ({"unit": "unit_b", "flag": "due_soon"}, {"B2"}),
    ({"solution": "sol1", "role": "lead", "status": "in_progress"}, {"B3"}),
]


@pytest.mark.parametrize("params, want", ASSIGNMENT_FILTERS, ids=ids(ASSIGNMENT_FILTERS))
def test_assignment_filters_for_a_leader(as_leader, data, params, want):
    response = as_leader.get("/assignments/", resolve(data, params))
    assert response.status_code == 200
    assert assignment_keys(data, response) == want


STAFF_A_ASSIGNMENTS = [
    ({}, ALL_A),
    ({"status": "on_time"}, set()),  # B1 is unit B's
    ({"status": "late"}, {"A5"}),
    ({"flag": "due_soon"}, {"A2"}),
    ({"flag": "stale"}, {"A6"}),
    ({"q": "ra soat"}, {"A1"}),
    ({"q": "thanh pho vinh"}, set()),
    ({"area": "area2"}, {"A2", "A6"}),
    ({"unit": "unit_a"}, ALL_A),
]


@pytest.mark.parametrize("params, want", STAFF_A_ASSIGNMENTS, ids=ids(STAFF_A_ASSIGNMENTS))
def test_assignment_filters_for_staff_see_only_their_units(as_staff_a, data, params, want):
    response = as_staff_a.get("/assignments/", resolve(data, params))
    assert response.status_code == 200
    assert assignment_keys(data, response) == want


def test_staff_cannot_filter_on_another_unit(as_staff_a, data):
    response = as_staff_a.get("/assignments/", resolve(data, {"unit": "unit_b"}))
    assert response.status_code == 200
    assert assignment_keys(data, response) == set()
    assert "unit" in response.context["filter"].errors
    # The unit filter offers only the person's own units.
    choices = list(response.context["filter"].form.fields["unit"].queryset)
    assert choices == [data["unit_a"]]
    assert data["unit_b"].name not in response.content.decode()


def test_the_plain_list_pages_list_everything_visible(as_leader, as_staff_a, data):
    # The nav links to /assignments/ and /tasks/ with no parameter at all.
    assert assignment_keys(data, as_leader.get("/assignments/")) == ALL_A | ALL_B
    assert assignment_keys(data, as_staff_a.get("/assignments/")) == ALL_A
    assert task_keys(data, as_leader.get("/tasks/")) == {"T1", "T2", "T3", "T4", "T5", "T6"}
    assert task_keys(data, as_staff_a.get("/tasks/")) == {"T1", "T2", "T4", "T5", "T6"}


def test_assignments_are_listed_worst_first(as_leader, data):
    response = as_leader.get("/assignments/", {"plan": data["plan"].pk})
    order = [a.urgency for a in response.context["page"].object_list]
    assert order == sorted(order)
    assert response.context["page"].object_list[0].pk == data["assignments"]["A1"].pk


ALL_T = {"T1", "T2", "T3", "T4", "T5", "T6"}
TASK_FILTERS = [
    ({}, ALL_T),
    ({"area": "area1"}, {"T1", "T4", "T5"}),
    ({"area": "area2"}, {"T2", "T3", "T6"}),
    ({"solution": "sol1"}, {"T1", "T3", "T5"}),
    ({"solution": "sol2"}, {"T2", "T4"}),
    ({"unit": "unit_a"}, {"T1", "T2", "T4", "T5", "T6"}),
    ({"unit": "unit_b"}, {"T1", "T2", "T3"}),
    ({"status": "on_time"}, {"T1"}),
    ({"status": "late"}, {"T5"}),
    ({"status": "overdue"}, {"T1"}),
    ({"status": "in_progress"}, {"T2", "T3", "T4", "T6"}),
    ({"flag": "due_soon"}, {"T2"}),
    ({"flag": "stale"}, {"T3", "T6"}),
    ({"q": "ra soat"}, {"T1"}),
    ({"q": "RA SOAT"}, {"T1"}),
    ({"q": "dat dai"}, {"T2"}),
    ({"q": "so hoa ho so"}, {"T3"}),  # the description
    ({"q": "chuyen doi so"}, {"T3"}),
    ({"q": "khong co gi"}, set()),
    ({"area": "area1", "status": "late"}, {"T5"}),
]


@pytest.mark.parametrize("params, want", TASK_FILTERS, ids=ids(TASK_FILTERS))
def test_task_filters_for_a_leader(as_leader, data, params, want):
    response = as_leader.get("/tasks/", resolve(data, params))
    assert response.status_code == 200
    assert task_keys(data, response) == want


STAFF_A_TASKS = [
    ({}, {"T1", "T2", "T4", "T5", "T6"}),
    ({"status": "on_time"}, set()),  # T1 is done on time only by unit B
    ({"status": "overdue"}, {"T1"}),
    ({"flag": "stale"}, {"T6"}),
    ({"q": "chuyen doi so"}, set()),  # T3 is unit B's only
    ({"area": "area2"}, {"T2", "T6"}),
]


@pytest.mark.parametrize("params, want", STAFF_A_TASKS, ids=ids(STAFF_A_TASKS))
def test_task_filters_for_staff_see_only_their_units(as_staff_a, data, params, want):
    response = as_staff_a.get("/tasks/", resolve(data, params))
    assert response.status_code == 200
    assert task_keys(data, response) == want


def test_staff_task_list_does_not_name_other_units(as_staff_a, data):
    html = as_staff_a.get("/tasks/", {"plan": data["plan"].pk}).content.decode()
    assert "Chuyển đổi số" not in html
    assert data["unit_b"].name not in html


ODD_PARAMS = [
    {"area": "abc"},
    {"area": "999999"},
    {"solution": "-1"},
    {"unit": "1.5"},
    {"status": "bogus"},
    {"flag": "bogus"},
    {"role": "boss"},
    {"page": "xyz"},
    {"page": "99999"},
    {"page": "-3"},
    {"page": "0"},
    {"q": "\x00"},
    {"q": "ra\x00soat"},
    {"q": "🙂🏛️"},
    {"q": "Ra\u0300 soa\u0301t"},  # decomposed (NFD) diacritics
    {"q": "%"},
    {"q": "_"},
    {"q": "\\"},
    {"q": "'; DROP TABLE solutions_task; --"},
    {"q": "\u202eتست\u200b\ufeff"},
    {"q": "ǅ ß ﬁ Ⅻ ①"},
    {"q": "x" * 5000},
    {"plan": "abc"},
    {"plan": "999999"},
]


@pytest.mark.parametrize("path", ["/tasks/", "/assignments/"])
@pytest.mark.parametrize("params", ODD_PARAMS, ids=lambda p: repr(p)[:40])
def test_odd_parameters_never_break_the_lists(as_leader, data, path, params):
    query = {"plan": data["plan"].pk, **params}
    response = as_leader.get(path, query)
    if any("\x00" in str(value) for value in params.values()):
        assert response.status_code == 400  # NUL, which PostgreSQL cannot store: refused
    elif "plan" in params:
        assert response.status_code == 404
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("path", ["/tasks/", "/assignments/"])
@pytest.mark.parametrize("params", [
    {"area": "abc"}, {"status": "bogus"}, {"flag": "bogus"},
])
def test_invalid_filters_show_errors_and_no_rows(as_leader, data, path, params):
    response = as_leader.get(path, {"plan": data["plan"].pk, **params})
    assert response.status_code == 200
    assert response.context["filter"].errors
    assert list(response.context["page"].object_list) == []
    assert "field--error" in response.content.decode()


def test_nfd_query_finds_the_nfc_title(as_leader, data):
    response = as_leader.get("/tasks/", {"plan": data["plan"].pk, "q": "Ra\u0300 soa\u0301t"})
    assert task_keys(data, response) == {"T1"}


@pytest.mark.parametrize("q", ["%", "_", "\\"])
def test_like_wildcards_are_literal(as_leader, data, q):
    response = as_leader.get("/assignments/", {"plan": data["plan"].pk, "q": q})
    assert assignment_keys(data, response) == set()


@pytest.fixture
def many(live_plan, unit_a):
    """55 assignments of unit A: more than one page of 50."""
    tasks = [TaskFactory(plan=live_plan, title=f"Nhiệm vụ số {i}") for i in range(55)]
    return [AssignmentFactory(task=t, unit=unit_a) for t in tasks]


def test_pages_of_the_assignment_list(as_staff_a, many, live_plan):
    base = {"plan": live_plan.pk}
    first = as_staff_a.get("/assignments/", base).context["page"]
    second = as_staff_a.get("/assignments/", {**base, "page": 2}).context["page"]
    assert (len(first.object_list), len(second.object_list)) == (50, 5)
    seen = {a.pk for a in first.object_list} | {a.pk for a in second.object_list}
    assert seen == {a.pk for a in many}
    # Out of range: the last page; not a number: the first.
    assert as_staff_a.get("/assignments/", {**base, "page": 99999}).context["page"].number == 2
    assert as_staff_a.get("/assignments/", {**base, "page": "xyz"}).context["page"].number == 1
    html = as_staff_a.get("/assignments/", base).content.decode()
    assert f"?plan={live_plan.pk}&amp;page=2" in html


def test_pages_of_the_task_list_keep_the_filters(as_leader, many, live_plan):
    query = {"plan": live_plan.pk, "q": "nhiem vu"}
    response = as_leader.get("/tasks/", {**query, "page": 2})
    assert response.context["page"].paginator.count == 55
    assert len(response.context["page"].object_list) == 5
    assert f"?plan={live_plan.pk}&amp;q=nhiem+vu&amp;page=1" in response.content.decode()


@pytest.mark.parametrize("path", ["/tasks/", "/assignments/"])
def test_lists_need_a_login(anonymous, path):
    response = anonymous.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


# --- The task page ------------------------------------------------------------------------------


def test_staff_of_an_assigned_unit_see_every_unit_but_link_only_their_own(as_staff_a, data):
    t1, a = data["tasks"]["T1"], data["assignments"]
    response = as_staff_a.get(f"/tasks/{t1.pk}/")
    assert response.status_code == 200
    assert {x.pk for x in response.context["assignments"]} == {a["A1"].pk, a["B1"].pk}
    html = response.content.decode()
    assert data["unit_a"].name in html
    assert data["unit_b"].name in html
    assert f'href="/assignments/{a["A1"].pk}/"' in html
    assert f'href="/assignments/{a["B1"].pk}/"' not in html


@pytest.mark.parametrize("client_name", ["as_leader", "as_coordinator"])
def test_readers_of_everything_get_every_link(request, client_name, data):
    client = request.getfixturevalue(client_name)
    t1, a = data["tasks"]["T1"], data["assignments"]
    html = client.get(f"/tasks/{t1.pk}/").content.decode()
    assert f'href="/assignments/{a["A1"].pk}/"' in html
    assert f'href="/assignments/{a["B1"].pk}/"' in html


def test_staff_of_an_unassigned_unit_get_404(as_staff_a, as_staff_b, data):
    assert as_staff_a.get(f"/tasks/{data['tasks']['T3'].pk}/").status_code == 404
    assert as_staff_b.get(f"/tasks/{data['tasks']['T4'].pk}/").status_code == 404
    assert as_staff_b.get(f"/tasks/{data['tasks']['T1'].pk}/").status_code == 200


def test_task_progress_is_the_average_of_its_lead_units(as_leader, data):
    # T2: unit B leads at 40%; unit A supports at 40%. T1: unit A leads at 40%, B supports (100%).
    t1 = as_leader.get(f"/tasks/{data['tasks']['T1'].pk}/").context["task"]
    assert (t1.progress, t1.is_done) == (40, False)
    t5 = as_leader.get(f"/tasks/{data['tasks']['T5'].pk}/").context["task"]
    assert (t5.progress, t5.is_done) == (100, True)


def test_unknown_task_is_404(as_leader, data):
    assert as_leader.get("/tasks/999999/").status_code == 404


# --- Units --------------------------------------------------------------------------------------


def test_unit_list_for_staff_holds_their_unit_only(as_staff_a, data):
    response = as_staff_a.get("/units/")
    assert response.status_code == 200
    assert [row.label for row in response.context["page"]] == [data["unit_a"].name]
    assert data["unit_b"].name not in response.content.decode()


def test_unit_list_for_a_leader_holds_every_unit_worst_first(as_leader, data):
    response = as_leader.get("/units/")
    assert response.status_code == 200
    rows = list(response.context["page"])
    # Unit A has one overdue assignment, unit B none.
    assert [row.label for row in rows] == [data["unit_a"].name, data["unit_b"].name]
    assert (rows[0].overdue, rows[0].late, rows[0].stale, rows[0].total) == (1, 1, 1, 5)
    assert (rows[1].on_time, rows[1].due_soon, rows[1].stale, rows[1].total) == (1, 1, 1, 3)


@pytest.mark.parametrize("client_name", ["as_staff_a", "as_head_a"])
def test_unit_page_for_its_own_people(request, client_name, data):
    client = request.getfixturevalue(client_name)
    response = client.get(f"/units/{data['unit_a'].pk}/")
    assert response.status_code == 200
    assert {a.pk for a in response.context["page"].object_list} == {
        data["assignments"][k].pk for k in ALL_A
    }
    totals = response.context["totals"]
    assert (totals.total, totals.overdue, totals.late, totals.in_progress) == (5, 1, 1, 3)


def test_unit_page_of_another_unit_is_404_for_staff(as_staff_a, as_staff_b, data):
    assert as_staff_a.get(f"/units/{data['unit_b'].pk}/").status_code == 404
    assert as_staff_b.get(f"/units/{data['unit_a'].pk}/").status_code == 404


@pytest.mark.parametrize("client_name", ["as_leader", "as_coordinator"])
def test_unit_pages_for_readers_of_everything(request, client_name, data):
    client = request.getfixturevalue(client_name)
    for key, keys in (("unit_a", ALL_A), ("unit_b", ALL_B)):
        response = client.get(f"/units/{data[key].pk}/")
        assert response.status_code == 200
        assert {a.pk for a in response.context["page"].object_list} == {
            data["assignments"][k].pk for k in keys
        }


def test_a_unit_with_no_assignment_is_visible_to_leaders(as_leader, data):
    lone = UnitFactory(name="Ban Dân tộc")
    response = as_leader.get(f"/units/{lone.pk}/")
    assert response.status_code == 200
    assert response.context["totals"].total == 0


def test_unknown_unit_is_404(as_leader, data):
    assert as_leader.get("/units/999999/").status_code == 404


# --- The unit filter when there are many units ---------------------------------------------------


@pytest.fixture
def many_units(monkeypatch):
    """As with a national plan's thousands of units (here: any unit at all)."""
    from solutions import filters

    monkeypatch.setattr(filters, "UNIT_SELECT_MAX", 0)


@pytest.mark.parametrize("path", ["/tasks/", "/assignments/"])
def test_few_units_are_offered_in_a_select(as_leader, data, path):
    html = as_leader.get(path, {"plan": data["plan"].pk}).content.decode()
    assert '<select name="unit"' in html and 'name="unit_name"' not in html


@pytest.mark.parametrize("path", ["/tasks/", "/assignments/"])
def test_many_units_are_searched_by_name_instead(as_leader, data, path, many_units):
    html = as_leader.get(path, {"plan": data["plan"].pk}).content.decode()
    assert 'name="unit_name"' in html
    assert '<select name="unit"' not in html and "<option value=\"%s\"" % data["unit_b"].pk \
        not in html


def test_unit_search_ignores_diacritics_and_matches_codes(as_leader, data, many_units):
    by_name = as_leader.get("/assignments/", resolve(data, {"unit_name": "thanh pho VINH"}))
    assert assignment_keys(data, by_name) == ALL_B
    by_code = as_leader.get("/assignments/", resolve(data, {"unit_name": "A01"}))
    assert assignment_keys(data, by_code) == ALL_A
    tasks = as_leader.get("/tasks/", resolve(data, {"unit_name": "tu phap"}))
    assert task_keys(data, tasks) == {"T1", "T2", "T4", "T5", "T6"}


def test_unit_search_stays_within_what_staff_may_see(as_staff_a, data, many_units):
    response = as_staff_a.get("/assignments/", resolve(data, {"unit_name": "Thành phố Vinh"}))
    assert assignment_keys(data, response) == set()


def test_a_link_to_one_unit_still_filters_and_names_it(as_leader, data, many_units):
    """The dashboard's and unit pages' links carry ?unit=<id>: kept in a hidden field."""
    response = as_leader.get("/assignments/", resolve(data, {"unit": "unit_b", "page": 1}),
                             HTTP_ACCEPT_LANGUAGE="en")
    assert assignment_keys(data, response) == ALL_B
    html = response.content.decode()
    assert f'<input type="hidden" name="unit" value="{data["unit_b"].pk}"' in html
    assert "Unit: Thành phố Vinh" in html
    assert f'href="?plan={data["plan"].pk}">All units</a>' in html


# --- A task's row in the task list ---------------------------------------------------------------


def test_a_task_row_sums_its_units_without_loading_them(as_leader, as_staff_a, live_plan,
                                                        unit_a, today):
    """Five lead units (three named, by name), one support; the progress is the lead units'
    average, the counts are of every visible unit, and staff count their own units only."""
    task = TaskFactory(plan=live_plan, code="9.1", title="Số hóa hồ sơ", due_date=today - days(1))
    names = ["Xã Nam Anh", "Xã Bắc Sơn", "Phường Đông Vĩnh", "Xã Tây Hiếu", "Xã Hưng Lộc"]
    for i, name in enumerate(names):
        done = i < 2
        AssignmentFactory(task=task, unit=UnitFactory(name=name, short_name="", kind="commune"),
                          latest_percent=100 if done else 20 * i,
                          completed_on=today - days(3) if done else None)
    AssignmentFactory(task=task, unit=unit_a, role=Assignment.Role.SUPPORT, latest_percent=10)
    summary = as_leader.get("/tasks/", {"plan": live_plan.pk}).context["page"][0].summary
    assert summary.lead_labels == ["Phường Đông Vĩnh", "Xã Bắc Sơn", "Xã Hưng Lộc"]
    assert summary.more_leads == 2
    assert summary.progress == round((100 + 100 + 40 + 60 + 80) / 5)
    assert (summary.total, summary.done, summary.overdue, summary.is_done) == (6, 2, 4, False)
    html = as_leader.get("/tasks/", {"plan": live_plan.pk}, HTTP_ACCEPT_LANGUAGE="en")
    html = html.content.decode()
    assert "Phường Đông Vĩnh, Xã Bắc Sơn, Xã Hưng Lộc" in html and "and 2 more" in html
    # The task's status is its lead units' (issue 10): the supporting unit's delay apart.
    assert (summary.lead_overdue, summary.support_overdue) == (3, 1)
    assert "3 lead units overdue" in html and "1 supporting unit overdue" in html
    assert "2/6 units done" in html
    # Unit A's staff see the task (their unit supports) with their own assignment only.
    mine = as_staff_a.get("/tasks/", {"plan": live_plan.pk}).context["page"][0].summary
    assert (mine.total, mine.leads, mine.lead_labels, mine.progress) == (1, 0, [], 0)


# --- A task's status follows its lead units (issue 10) ----------------------------------------


def test_a_done_task_never_shows_next_to_an_overdue_count(as_leader, live_plan, today):
    from django.utils import translation

    task = TaskFactory(plan=live_plan, code="9.1", due_date=today - days(10))
    AssignmentFactory(task=task, role=Assignment.Role.LEAD, latest_percent=100,
                      completed_on=today - days(12), due_date=task.due_date)
    AssignmentFactory(task=task, role=Assignment.Role.SUPPORT, due_date=task.due_date)
    with translation.override("en"):
        listing = as_leader.get("/tasks/", {"plan": live_plan.pk},
                                HTTP_ACCEPT_LANGUAGE="en").content.decode()
        detail = as_leader.get(task.get_absolute_url(),
                               HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for html in (listing, detail):
        assert "Done" in html
        assert "lead unit overdue" not in html
        assert "1 supporting unit overdue" in html


def test_a_task_with_a_lead_unit_overdue_is_not_done(as_leader, live_plan, today):
    task = TaskFactory(plan=live_plan, code="9.2", due_date=today - days(10))
    AssignmentFactory(task=task, role=Assignment.Role.LEAD, latest_percent=100,
                      completed_on=today - days(12), due_date=task.due_date)
    AssignmentFactory(task=task, role=Assignment.Role.LEAD, due_date=task.due_date)
    html = as_leader.get(task.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 lead unit overdue" in html
    assert 'badge badge--on_time">Done' not in html
