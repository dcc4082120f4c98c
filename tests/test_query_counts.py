"""Query budgets: every page's query count is bounded by a constant, whatever the data size.

Each test builds a small plan, counts the queries of one page, grows the data tenfold (tasks,
units, assignments, progress entries, people, and the rows of the very task, assignment and unit
the page shows), and counts again: the count must be the page's named queries (EXPECTED) at both
sizes. A new query needs a name and a reason (a new panel on the page), never an N+1.

Both a reader of everything (leader) and unit staff are measured: their visibility filters differ.
The past plan's ongoing tasks (no due date, judged at the plan's end) are overdue, which is the
case where a page reaches for the plan's end date row by row if it is not careful.
"""

import datetime

import pytest
from django.core.cache import cache
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from solutions.models import Assignment
from tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    PlanFactory,
    ProgressEntryFactory,
    ReformAreaFactory,
    SolutionFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
)

SMALL, GROWTH = 2, 10  # the small data set, then ten times as much

# The queries of each page, named (healthchecks' style): the count is exact, at both sizes.
SIGNED_IN = ["session", "person", "unread notices (the bell)"]
GROUPS = ["the person's groups"]
PLAN = ["the plan shown (?plan= or the current one)"]
# A figures cache miss: the data version, the read, and Django's database cache writing
# (a count for culling, a savepoint, the key looked up, the row inserted, the savepoint released).
CACHE_MISS = ["data version", "cache read"]
CACHE_WRITE = ["cache: count for culling", "cache: savepoint", "cache: key looked up",
               "cache: insert", "cache: savepoint released"]
LIST_FILTERS = ["units count (select or search box)", "rows count",
                "areas (filter)", "solutions (filter)", "units (filter)"]
DASHBOARD = [*SIGNED_IN, *PLAN, *GROUPS, *CACHE_MISS,
             "figures by area and solution, by unit and by month (one scan)", "unit names",
             "first overdue ids", "those overdue rows", *CACHE_WRITE, "areas", "solutions",
             "contact persons of the units shown", "indicators",
             "the current reporting period (compliance)", "plan picker", "period picker"]
TASK_LIST = [*SIGNED_IN, *GROUPS, *PLAN, "units count (select or search box)", "rows count",
             "the page's tasks", "their first lead units", "their figures",
             "areas (filter)", "solutions (filter)", "units (filter)", "plan picker"]
ASSIGNMENT_LIST = [*SIGNED_IN, *GROUPS, *PLAN, *LIST_FILTERS, "the page's assignments",
                   "plan picker"]
EXPECTED = {
    "dashboard": DASHBOARD,
    "dashboard-past-plan": DASHBOARD,
    "my": [*SIGNED_IN, *PLAN, "the person's units", "their assignments", *GROUPS],
    "my-past-plan": [*SIGNED_IN, *PLAN, "the person's units", "their assignments", *GROUPS],
    "task-list": TASK_LIST,
    "task-list-past-plan": TASK_LIST,
    "assignment-list": ASSIGNMENT_LIST,
    "assignment-list-past-plan": ASSIGNMENT_LIST,
    "assignment-list-filtered": [*SIGNED_IN, *GROUPS, *PLAN, "units count (select or search box)",
                                 "the area filtered on", "the unit filtered on", "rows count",
                                 "areas (filter)", "solutions (filter)", "units (filter)",
                                 "the page's assignments", "plan picker"],
    "assignment-detail": [*SIGNED_IN, *GROUPS, "the assignment", "may the person report",
                          "the task's other assignments", "reports", "verifications",
                          "extensions", "reminders", "comments",
                          "may the person write in the conversation"],
    "task-detail": [*SIGNED_IN, *GROUPS, "the task", "its assignments",
                    "which of them the person may see"],
    "unit-list": [*SIGNED_IN, *PLAN, *GROUPS, "figures by unit", "unit names"],
    "unit-detail": [*SIGNED_IN, *GROUPS, "the unit", *PLAN, "its scorecard", "rows count",
                    "the page's assignments", "the current reporting period (compliance)"],
}
# Who reads everything skips what only scopes a unit's staff, and the reverse.
NOT_FOR = {
    ("my", "reads all"): "their assignments",  # a leader belongs to no unit: nothing to list
    ("my-past-plan", "reads all"): "their assignments",
    ("task-detail", "reads all"): "which of them the person may see",
}


# The menu (base.html) asks who the person is (their groups, read once a request) and, for a
# coordinator only, counts the reports awaiting verification.
COORDINATOR_MENU = ["reports awaiting verification (the menu's count)"]


# A coordinator may report and write on any assignment (no membership to look up) and reads
# its history of changes.
FOR_COORDINATORS = {
    "assignment-detail": (["may the person report", "may the person write in the conversation"],
                          ["the history of changes"]),
}


def expected(page: str, client_name: str) -> list[str]:
    role = "reads all" if client_name in ("as_leader", "as_coordinator") else "unit"
    skipped = NOT_FOR.get((page, role))
    names = [name for name in EXPECTED[page] if name != skipped]
    if client_name != "as_coordinator":
        return names
    dropped, added = FOR_COORDINATORS.get(page, ([], []))
    return [name for name in names if name not in dropped] + added + COORDINATOR_MENU


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


class Scene:
    """A live plan and a past one, unit A (staff_a's) and unit B, and a focus task whose
    assignment, task and unit pages are measured; grow() adds rows everywhere."""

    def __init__(self, today, unit_a, unit_b, staff_a):
        self.today, self.unit_a, self.unit_b, self.staff_a = today, unit_a, unit_b, staff_a
        self.plan = PlanFactory(year=today.year, start_date=today - days(200),
                                end_date=today + days(200))
        self.past = PlanFactory(year=today.year - 1, status="closed",
                                start_date=today - days(500), end_date=today - days(140))
        self.areas = [ReformAreaFactory(plan=self.plan, number=n) for n in range(1, 7)]
        self.solutions = [SolutionFactory(plan=self.plan, number=n) for n in range(1, 11)]
        self.past_areas = [ReformAreaFactory(plan=self.past, number=n) for n in range(1, 7)]
        self.focus_task = TaskFactory(plan=self.plan, area=self.areas[0],
                                      solution=self.solutions[0], due_date=today - days(4),
                                      title="Rà soát, đơn giản hóa thủ tục hành chính")
        self.focus = AssignmentFactory(task=self.focus_task, unit=unit_a)
        AssignmentFactory(task=self.focus_task, unit=unit_b, role=Assignment.Role.SUPPORT)
        self.size = 0

    def grow(self, n: int) -> None:
        now = timezone.now()
        dues = [self.today - days(9), self.today + days(2),
                self.today + days(settings.DUE_SOON_DAYS + 30), None]
        for i in range(self.size, self.size + n):
            unit = UnitFactory(kind="district" if i % 2 else "provincial")
            person = UserFactory()
            MembershipFactory(user=person, unit=unit)
            # A live task with unit A leading, a new unit supporting and unit B on every third.
            task = TaskFactory(plan=self.plan, area=self.areas[i % 6],
                               solution=self.solutions[i % 10] if i % 5 else None,
                               due_date=dues[i % 4], description=f"Mô tả số {i}")
            done = i % 4 == 0  # due in the past: done late
            mine = AssignmentFactory(
                task=task, unit=self.unit_a,
                latest_percent=100 if done else 30,
                completed_on=self.today - days(1) if done else None,
                latest_report_at=now - days(1),
                created_at=now - days(settings.STALE_DAYS + 10),
            )
            AssignmentFactory(task=task, unit=unit, role=Assignment.Role.SUPPORT,
                              created_at=now - days(settings.STALE_DAYS + 10))
            if i % 3 == 0:
                AssignmentFactory(task=task, unit=self.unit_b)
            for reporter in (self.staff_a, person):
                ProgressEntryFactory(assignment=mine, reported_by=reporter, percent=30)
            # The focus task gains a unit, the focus assignment a report (some with a file).
            AssignmentFactory(task=self.focus_task, unit=unit, role=Assignment.Role.SUPPORT)
            ProgressEntryFactory(
                assignment=self.focus, reported_by=person if i % 2 else self.staff_a,
                percent=min(10 + i, 99), evidence=f"evidence/2026/01/f{i}.pdf" if i % 2 else "",
                evidence_name=f"bao-cao-{i}.pdf" if i % 2 else "",
            )
            # A past-plan ongoing task, never finished: overdue, judged at the plan's end.
            old = TaskFactory(plan=self.past, area=self.past_areas[i % 6], solution=None,
                              due_date=None)
            AssignmentFactory(task=old, unit=self.unit_a, latest_percent=50,
                              latest_report_at=now - days(150))
            AssignmentFactory(task=old, unit=unit, role=Assignment.Role.SUPPORT)
        self.size += n
        self.focus.refresh_from_db()


@pytest.fixture
def scene(db, today, unit_a, unit_b, staff_a):
    return Scene(today, unit_a, unit_b, staff_a)


def page_urls(scene: Scene) -> dict[str, str]:
    plan, past = scene.plan.pk, scene.past.pk
    return {
        "dashboard": f"/?plan={plan}",
        "dashboard-past-plan": f"/?plan={past}",
        "my": f"/my/?plan={plan}",
        "my-past-plan": f"/my/?plan={past}",
        "task-list": f"/tasks/?plan={plan}",
        "task-list-past-plan": f"/tasks/?plan={past}",
        "assignment-list": f"/assignments/?plan={plan}",
        "assignment-list-past-plan": f"/assignments/?plan={past}",
        "assignment-list-filtered": f"/assignments/?plan={plan}&q=ra+soat&status=overdue"
                                    f"&area={scene.areas[0].pk}&unit={scene.unit_a.pk}",
        "assignment-detail": f"/assignments/{scene.focus.pk}/",
        "task-detail": f"/tasks/{scene.focus_task.pk}/",
        "unit-list": f"/units/?plan={plan}",
        "unit-detail": f"/units/{scene.unit_a.pk}/?plan={plan}",
    }


PAGES = list(EXPECTED)


def count(client, url: str) -> tuple[int, list[str]]:
    cache.clear()  # the uncached path: cached figures would hide the page's real queries
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        content = response.content  # rendered inside the context: lazy template queries count
    assert response.status_code == 200, (url, response.status_code)
    assert content
    return len(captured), [q["sql"] for q in captured.captured_queries]


def describe(sqls: list[str]) -> str:
    return "\n".join(f"  {i + 1:2}. {sql[:220]}" for i, sql in enumerate(sqls))


@pytest.mark.parametrize("client_name", ["as_leader", "as_staff_a"])
@pytest.mark.parametrize("page", PAGES)
def test_query_count_does_not_grow_with_the_data(request, scene, page, client_name):
    client = request.getfixturevalue(client_name)
    scene.grow(SMALL)
    url = page_urls(scene)[page]
    client.get(url)  # warm-up: first-request work is not the page's
    small, small_sql = count(client, url)

    scene.grow(SMALL * (GROWTH - 1))  # ten times the rows of the small set
    big, big_sql = count(client, url)

    names = expected(page, client_name)
    assert small == len(names), (
        f"{page} as {client_name}: {small} queries, expected {len(names)}: {names}\n"
        f"{describe(small_sql)}"
    )
    assert big == small, (
        f"{page} as {client_name}: {small} queries with {SMALL} rows of growth, "
        f"{big} with {SMALL * GROWTH}.\nQueries at the larger size:\n{describe(big_sql)}"
    )


def test_the_scene_really_grows_tenfold(scene):
    scene.grow(SMALL)
    counts_small = _table_counts(scene)
    scene.grow(SMALL * (GROWTH - 1))
    counts_big = _table_counts(scene)
    for key, small in counts_small.items():
        assert counts_big[key] >= small * 4, (key, small, counts_big[key])
    assert counts_big["focus entries"] == SMALL * GROWTH
    assert counts_big["focus task units"] == SMALL * GROWTH + 2


def _table_counts(scene: Scene) -> dict[str, int]:
    from solutions.models import ProgressEntry, Task
    from units.models import Unit

    return {
        "tasks": Task.objects.count(),
        "units": Unit.objects.count(),
        "assignments": Assignment.objects.count(),
        "entries": ProgressEntry.objects.count(),
        "unit A assignments": Assignment.objects.filter(unit=scene.unit_a).count(),
        "focus entries": scene.focus.entries.count(),
        "focus task units": scene.focus_task.assignments.count(),
    }


@pytest.mark.parametrize("client_name", ["as_coordinator", "as_head_a"])
@pytest.mark.parametrize("page", ["dashboard", "my", "assignment-detail", "task-list"])
def test_other_roles_make_the_same_queries(request, scene, page, client_name):
    client = request.getfixturevalue(client_name)
    scene.grow(SMALL * GROWTH)
    url = page_urls(scene)[page]
    client.get(url)
    queries, sqls = count(client, url)
    names = expected(page, client_name)
    assert queries == len(names), f"{page} as {client_name}: {queries} {names}\n{describe(sqls)}"
