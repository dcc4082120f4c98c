"""The dashboard (`/`) by role: its figures match the assignments built, and link to exactly them.

Every assignment is built in one timeliness class (solutions.models.with_timeliness): done on
time, done late, overdue, due soon (a flag on in progress), in progress, stale (a flag: no report
for STALE_DAYS); awaiting verification (a 100% report no coordinator has decided on) and
deadline extended are flags too. Plan dates are relative to today: nothing depends on the day the
suite runs.
"""

import datetime
import html as htmllib
import re
from collections import Counter

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext, override

from solutions.models import Assignment, Timeliness
from solutions.services import extend_deadline, verify_completion
from tests.factories import (
    AssignmentFactory,
    PlanFactory,
    ProgressEntryFactory,
    ReformAreaFactory,
    SolutionFactory,
    TaskFactory,
    UserFactory,
)

CLASSES = [c.value for c in Timeliness]
FLAGS = ["due_soon", "stale", "awaiting", "extended", "extended_late"]

# What each kind of assignment counts as: (class, due soon?, stale?).
KINDS = {
    "on_time": ("on_time", False, False),
    "late": ("late", False, False),
    "overdue": ("overdue", False, False),
    "overdue_stale": ("overdue", False, True),
    "due_soon": ("in_progress", True, False),
    "in_progress": ("in_progress", False, False),
    "ongoing": ("in_progress", False, False),
    "stale": ("in_progress", False, True),
    # 100% reported yesterday, awaiting a coordinator's verification: judged by the report's
    # date, so in time (in progress) or, reported after the due date, overdue.
    "awaiting": ("in_progress", False, False),
    "awaiting_late": ("overdue", False, False),
    # Overdue by its original date, extended well into the future.
    "extended": ("in_progress", False, False),
}
AWAITING = {"awaiting", "awaiting_late"}
EXTENDED = {"extended"}

# Unit A's and unit B's assignments: different numbers in each class, so swapped figures show.
SPEC_A = {"on_time": 2, "late": 1, "overdue": 3, "overdue_stale": 1, "due_soon": 1,
          "in_progress": 2, "ongoing": 1, "stale": 1, "awaiting": 1, "awaiting_late": 1,
          "extended": 2}
SPEC_B = {"on_time": 1, "late": 2, "overdue": 1, "due_soon": 2, "in_progress": 1, "stale": 3,
          "awaiting": 3, "extended": 1}


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def live_plan(db, today):
    # Wide around today: an ongoing task (judged at the plan's end) is never "due soon".
    return PlanFactory(year=today.year, start_date=today - days(200), end_date=today + days(200))


@pytest.fixture
def areas(live_plan):
    return [ReformAreaFactory(plan=live_plan, number=n, name=f"Lĩnh vực {n}") for n in (1, 2)]


@pytest.fixture
def solutions(live_plan):
    return [SolutionFactory(plan=live_plan, number=n, title=f"Giải pháp {n}") for n in (1, 2)]


def build(kind: str, *, plan, unit, area, solution, today) -> Assignment:
    """One assignment of the given kind, on a task of its own."""
    now = timezone.now()
    due = {
        "on_time": today - days(5),
        "late": today - days(10),
        "overdue": today - days(3),
        "overdue_stale": today - days(40),
        "due_soon": today + days(3),
        "in_progress": today + days(settings.DUE_SOON_DAYS + 20),
        "ongoing": None,
        "stale": today + days(settings.DUE_SOON_DAYS + 20),
        "awaiting": today + days(settings.DUE_SOON_DAYS + 20),
        "awaiting_late": today - days(6),
        "extended": today - days(5),
    }[kind]
    fields: dict = {}
    if kind == "on_time":
        fields = dict(latest_percent=100, completed_on=today - days(8),
                      latest_report_at=now - days(8))
    elif kind == "late":
        fields = dict(latest_percent=100, completed_on=today - days(2),
                      latest_report_at=now - days(2))
    elif kind == "overdue":
        fields = dict(latest_percent=40, latest_report_at=now - days(2))
    elif kind in ("overdue_stale", "stale"):
        fields = dict(latest_percent=10, created_at=now - days(settings.STALE_DAYS + 30))
    elif kind in ("due_soon", "in_progress", "ongoing", "extended"):
        fields = dict(latest_percent=20, latest_report_at=now - days(1))
    elif kind in AWAITING:
        fields = dict(latest_percent=100, latest_report_at=now - days(1))
    task = TaskFactory(plan=plan, area=area, solution=solution, due_date=due)
    assignment = AssignmentFactory(task=task, unit=unit, **fields)
    if kind in AWAITING:
        assignment.pending_entry = ProgressEntryFactory(
            assignment=assignment, percent=100, note="Đã hoàn thành",
            reported_at=fields["latest_report_at"], reported_by=UserFactory(username="reporter"),
        )
        assignment.save(update_fields=["pending_entry"])
    if kind in EXTENDED:
        extend_deadline(assignment=assignment, user=UserFactory(username="extender"),
                        new_due_date=today + days(settings.DUE_SOON_DAYS + 40),
                        reason="Chờ văn bản hướng dẫn")
    return assignment


def build_spec(spec, *, plan, unit, areas, solutions, today) -> dict[str, list[Assignment]]:
    built: dict[str, list[Assignment]] = {}
    i = 0
    for kind, n in spec.items():
        for _ in range(n):
            built.setdefault(kind, []).append(
                build(kind, plan=plan, unit=unit, area=areas[i % 2],
                      solution=solutions[i % 2], today=today)
            )
            i += 1
    return built


def expected(built: dict[str, list[Assignment]]) -> dict[str, set[int]]:
    """The pks behind each figure: the four classes and the four flags."""
    result: dict[str, set[int]] = {key: set() for key in (*CLASSES, *FLAGS)}
    for kind, assignments in built.items():
        cls, due_soon, stale = KINDS[kind]
        for a in assignments:
            result[cls].add(a.pk)
            if due_soon:
                result["due_soon"].add(a.pk)
            if stale:
                result["stale"].add(a.pk)
            if kind in AWAITING:
                result["awaiting"].add(a.pk)
            if kind in EXTENDED:
                result["extended"].add(a.pk)
                # Extended after its original deadline had passed: counted apart as well.
                result["extended_late"].add(a.pk)
    return result


def merge(*sets: dict[str, set[int]]) -> dict[str, set[int]]:
    return {key: set().union(*(s[key] for s in sets)) for key in sets[0]}


@pytest.fixture
def world(live_plan, areas, solutions, unit_a, unit_b, today):
    built_a = build_spec(SPEC_A, plan=live_plan, unit=unit_a, areas=areas,
                         solutions=solutions, today=today)
    built_b = build_spec(SPEC_B, plan=live_plan, unit=unit_b, areas=areas,
                         solutions=solutions, today=today)
    # Another plan's assignments of unit A never count on this plan's dashboard.
    other = PlanFactory(year=today.year - 1)
    AssignmentFactory(task=TaskFactory(plan=other, due_date=other.end_date), unit=unit_a)
    return {"a": expected(built_a), "b": expected(built_b), "built_a": built_a,
            "built_b": built_b}


def cards(html: str) -> dict[str, tuple[str, int]]:
    """The summary cards: class or flag -> (link, figure)."""
    found = {}
    for m in re.finditer(
        r'<a[^>]*\bclass="card card--(\w+)"[^>]*\bhref="([^"]+)"[^>]*>'
        r'.*?class="card__value"[^>]*>\s*(\d+)\s*<',
        html, re.S,
    ):
        found[m.group(1)] = (htmllib.unescape(m.group(2)), int(m.group(3)))
    return found


def listed_pks(client, link: str) -> set[int]:
    response = client.get(link)
    assert response.status_code == 200, link
    page = response.context["page"]
    assert page.paginator.count == len(page.object_list), "the test data fits on one page"
    return {a.pk for a in page.object_list}


# --- The figures by role ----------------------------------------------------------------------


@pytest.mark.parametrize("client_name, scope", [
    ("as_leader", "ab"), ("as_coordinator", "ab"), ("as_admin", "ab"),
    ("as_staff_a", "a"), ("as_head_a", "a"), ("as_staff_b", "b"),
])
def test_totals_match_the_assignments_built(request, client_name, scope, world, live_plan):
    client = request.getfixturevalue(client_name)
    want = merge(*(world[s] for s in scope))
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["plan"] == live_plan
    totals = response.context["totals"]
    for key in (*CLASSES, *FLAGS):
        assert getattr(totals, key) == len(want[key]), key
    assert totals.total == sum(len(want[c]) for c in CLASSES)


def test_the_numbers_are_the_ones_expected(world):
    # A guard on the builder itself: the figures above are not all zero, nor all alike.
    a = {k: len(v) for k, v in world["a"].items()}
    assert a == {"on_time": 2, "late": 1, "overdue": 5, "in_progress": 8,
                 "due_soon": 1, "stale": 2, "awaiting": 2, "extended": 2,
                 "extended_late": 2}
    b = {k: len(v) for k, v in world["b"].items()}
    assert b == {"on_time": 1, "late": 2, "overdue": 1, "in_progress": 10,
                 "due_soon": 2, "stale": 3, "awaiting": 3, "extended": 1,
                 "extended_late": 1}


@pytest.mark.parametrize("client_name, scope", [
    ("as_leader", "ab"), ("as_coordinator", "ab"), ("as_staff_a", "a"), ("as_staff_b", "b"),
])
def test_cards_link_to_exactly_the_assignments_counted(
    request, client_name, scope, world, live_plan
):
    client = request.getfixturevalue(client_name)
    want = merge(*(world[s] for s in scope))
    html = client.get("/").content.decode()
    found = cards(html)
    assert set(found) == {*CLASSES, *FLAGS}
    for key, (link, figure) in found.items():
        param = "flag" if key in FLAGS else "status"
        assert link == f"/assignments/?plan={live_plan.pk}&{param}={key}"
        assert figure == len(want[key]), key
        assert listed_pks(client, link) == want[key], key


def test_staff_do_not_see_other_units_on_the_dashboard(as_staff_a, world, unit_b, unit_a):
    response = as_staff_a.get("/")
    html = response.content.decode()
    assert unit_b.name not in html
    assert [row.label for row in response.context["by_unit"]] == [unit_a.name]
    overdue = {a.pk for a in response.context["overdue"]}
    assert overdue == world["a"]["overdue"]


def test_the_overdue_list_holds_every_overdue_assignment(as_leader, world):
    response = as_leader.get("/")
    overdue = list(response.context["overdue"])
    assert {a.pk for a in overdue} == world["a"]["overdue"] | world["b"]["overdue"]
    dues = [a.effective_due for a in overdue]
    assert dues == sorted(dues)  # the longest overdue first
    html = response.content.decode()
    for a in overdue:
        assert f'href="/assignments/{a.pk}/"' in html


def test_rows_by_area_solution_and_unit_link_to_their_assignments(
    as_leader, world, live_plan, areas, solutions, unit_a, unit_b
):
    response = as_leader.get("/")
    context = response.context
    everything = merge(world["a"], world["b"])
    all_pks = set().union(*(everything[c] for c in CLASSES))
    assignments = Assignment.objects.filter(pk__in=all_pks).select_related("task")

    for rows, attr, objects in (
        (context["by_area"], "task.area_id", areas),
        (context["by_solution"], "task.solution_id", solutions),
    ):
        assert len(rows) == len(objects)
        for row, obj in zip(rows, objects, strict=True):
            key = "area" if attr.startswith("task.area") else "solution"
            assert row.filter == {key: obj.pk}
            mine = {a.pk for a in assignments if getattr(a.task, f"{key}_id") == obj.pk}
            assert row.total == len(mine)
            for cls in CLASSES:
                assert getattr(row, cls) == len(mine & everything[cls]), (key, cls)
            link = f"/assignments/?plan={live_plan.pk}&{key}={obj.pk}&status=overdue"
            assert listed_pks(as_leader, link) == mine & everything["overdue"]

    by_unit = context["by_unit"]
    # Worst first: unit A has 5 overdue, unit B 1.
    assert [row.label for row in by_unit] == [unit_a.name, unit_b.name]
    for row, key in zip(by_unit, ("a", "b"), strict=True):
        for cls in (*CLASSES, *FLAGS):
            assert getattr(row, cls) == len(world[key][cls]), (key, cls)
        link = f"/assignments/?plan={live_plan.pk}&unit={row.filter['unit']}&flag=stale"
        assert escape(link) in response.content.decode()
        assert listed_pks(as_leader, link) == world[key]["stale"]


def test_a_progress_report_shows_at_once(as_staff_a, world, coordinator):
    in_progress = world["built_a"]["in_progress"][0]
    before = as_staff_a.get("/").context["totals"]
    response = as_staff_a.post(
        f"/assignments/{in_progress.pk}/", {"percent": "100", "note": "Đã hoàn thành"}
    )
    assert response.status_code == 302
    # Reported in time: still in progress, now awaiting the coordinator's verification.
    after = as_staff_a.get("/").context["totals"]
    assert after.awaiting == before.awaiting + 1
    assert (after.on_time, after.in_progress, after.total) == (
        before.on_time, before.in_progress, before.total
    )

    verify_completion(assignment=in_progress, user=coordinator)
    verified = as_staff_a.get("/").context["totals"]
    assert verified.on_time == before.on_time + 1
    assert verified.in_progress == before.in_progress - 1
    assert verified.awaiting == before.awaiting
    assert verified.total == before.total


def test_a_100_report_after_the_due_date_stays_overdue_until_verified_late(
    as_staff_a, world, coordinator
):
    overdue = world["built_a"]["overdue"][0]
    before = as_staff_a.get("/").context["totals"]
    as_staff_a.post(f"/assignments/{overdue.pk}/", {"percent": "100", "note": "Đã xong"})
    after = as_staff_a.get("/").context["totals"]
    assert (after.overdue, after.awaiting, after.late) == (
        before.overdue, before.awaiting + 1, before.late
    )

    verify_completion(assignment=overdue, user=coordinator)
    verified = as_staff_a.get("/").context["totals"]
    assert (verified.overdue, verified.awaiting, verified.late) == (
        before.overdue - 1, before.awaiting, before.late + 1
    )


def test_an_extension_shows_at_once(as_coordinator, world, coordinator, today):
    overdue = world["built_a"]["overdue"][0]
    before = as_coordinator.get("/").context["totals"]
    extend_deadline(assignment=overdue, user=coordinator, new_due_date=today + days(60),
                    reason="Chờ văn bản hướng dẫn của Bộ")
    after = as_coordinator.get("/").context["totals"]
    assert after.extended == before.extended + 1
    assert after.overdue == before.overdue - 1
    assert after.in_progress == before.in_progress + 1


def test_a_report_clears_the_stale_flag_at_once(as_staff_a, world):
    stale = world["built_a"]["stale"][0]
    before = as_staff_a.get("/").context["totals"]
    as_staff_a.post(f"/assignments/{stale.pk}/", {"percent": "30", "note": "Đang làm"})
    after = as_staff_a.get("/").context["totals"]
    assert after.stale == before.stale - 1
    assert after.in_progress == before.in_progress


# --- Which plan ---------------------------------------------------------------------------------


def test_the_dashboard_opens_on_the_active_plan_and_switches_by_parameter(
    as_leader, world, live_plan, today
):


    draft = PlanFactory(year=today.year + 1, status="draft", title="Kế hoạch năm sau")
    response = as_leader.get("/")
    assert response.context["plan"] == live_plan  # active beats a newer draft
    response = as_leader.get(f"/?plan={draft.pk}")
    assert response.status_code == 200
    assert response.context["plan"] == draft
    assert response.context["totals"].total == 0


def test_no_plan_at_all_says_so(as_leader, as_staff_a, db):
    with override("vi"):
        message = gettext(
            "There is no plan yet. An administrator creates one in the administration pages."
        )
    for client in (as_leader, as_staff_a):
        response = client.get("/")
        assert response.status_code == 200
        assert response.context["plan"] is None
        assert escape(message) in response.content.decode()


@pytest.mark.parametrize(
    "value", ["abc", "999999", "-1", "1.5", "1e3", "99999999999999999999999"]
)
def test_a_bad_plan_parameter_is_404(as_leader, world, value):
    assert as_leader.get(f"/?plan={value}").status_code == 404


def test_a_nul_in_the_query_is_a_400(as_leader, world):
    assert as_leader.get("/?plan=%00").status_code == 400


def test_anonymous_is_sent_to_login(anonymous):
    response = anonymous.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_the_dashboard_reads_only(as_coordinator, world):
    assert as_coordinator.post("/").status_code == 405


def test_counts_agree_with_the_python_rule(as_leader, world, today):
    # The same assignments judged one by one (Assignment.timeliness_on) give the same figures.
    totals = as_leader.get("/").context["totals"]
    pks = set().union(*(merge(world["a"], world["b"])[c] for c in CLASSES))
    judged = [a.timeliness_on(today) for a in Assignment.objects.filter(pk__in=pks)
              .select_related("task__plan")]
    counts = Counter(cls for cls, _, _ in judged)
    for cls in CLASSES:
        assert getattr(totals, cls) == counts[cls]
    assert totals.due_soon == sum(1 for _, soon, _ in judged if soon)
    assert totals.stale == sum(1 for _, _, stale in judged if stale)
    assert totals.awaiting == Assignment.objects.filter(
        pk__in=pks, pending_entry__isnull=False).count() == 5


def test_cached_figures_change_with_the_next_report(as_leader, world, staff_a, unit_a):
    """The dashboard's figures are cached, exactly: a report, verification or extension
    changes the data version, so the next page shows it."""
    from solutions.models import Assignment
    from solutions.services import record_progress

    first = as_leader.get("/").context["totals"]
    assert as_leader.get("/").context["totals"] == first  # from the cache
    assignment = Assignment.objects.filter(
        unit=unit_a, completed_on__isnull=True, pending_entry=None
    ).first()
    record_progress(assignment=assignment, user=staff_a, percent=100, note="Hoàn thành")
    after = as_leader.get("/").context["totals"]
    assert after.awaiting == first.awaiting + 1
