"""The access matrix: every URL pattern x every role x GET and POST, with the expected status.

A row per URL pattern (and per owner for the objects of a unit: unit A's and unit B's), a column
per role. Read it as the portal's access rules in one table (README, units/access.py):
anonymous visitors are sent to the login page, outsiders get 404 (an object's existence is not
revealed), read-only people get 403 on writes, coordinators and administrators may do everything.

- test_every_url_pattern_has_a_row walks the URLconf: a new URL pattern without a row fails it.
- Every POST sends valid data, so a refusal is the access check's and not a form error; a refused
  POST (login redirect, 403, 404, 405) must leave the database and the stored files as they were,
  and an accepted one must have changed them (proof that the data sent was valid).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from plans.models import (
    Indicator,
    IndicatorValue,
    PeriodSnapshot,
    Plan,
    ReformArea,
    ReportingPeriod,
)
from plans.services import ensure_periods
from solutions.models import (
    Assignment,
    DeadlineExtension,
    ProgressEntry,
    Solution,
    Task,
    Verification,
)
from solutions.services import record_progress
from tests.factories import (
    PASSWORD,
    AssignmentFactory,
    MembershipFactory,
    PlanFactory,
    ReformAreaFactory,
    SolutionFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
)
from units.access import COORDINATORS_GROUP, LEADERS_GROUP
from units.models import Membership, Unit

LOGIN_URL = "/accounts/login/"
LOGIN = "login"  # expected: 302 to the login page with ?next= (anonymous visitors)
ROLES = ("anonymous", "staff_a", "staff_b", "head_a", "coordinator", "leader", "admin")
# A refused POST must change nothing; 405 too (the method is refused before anything else).
REFUSED = {LOGIN, 403, 404, 405}
PUBLIC = {"login", "set_language", "healthz"}  # as in test_views_misc.ALLOWED_PUBLIC

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
IMPORT_HEADER = "Mã,Lĩnh vực,Giải pháp,Nhiệm vụ,Sản phẩm,Chủ trì,Phối hợp,Thời hạn\n"


# --- The world: a plan, unit A's and unit B's objects on different tasks -------------------------


MD5 = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _user(username: str, *, groups=(), unit=None, role=Membership.Role.STAFF, **extra):
    user = UserFactory(username=username, groups=list(groups), **extra)
    if unit is not None:
        MembershipFactory(user=user, unit=unit, role=role)
    return user


def build_world(today: datetime.date) -> SimpleNamespace:
    """Unit A and unit B each lead one task of the plan, and neither is assigned to the other's.
    Each has reported 100% with an evidence file (awaiting verification), so that verify, return
    and the evidence download have something to act on. The people mirror conftest.py's
    (built here because conftest's fixtures are per test)."""
    unit_a = UnitFactory(code="A01", name="Sở Tư pháp", short_name="STP")
    unit_b = UnitFactory(code="B01", name="Thành phố Vinh", short_name="TP Vinh", kind="district")
    users = {
        "staff_a": _user("staff_a", unit=unit_a),
        "head_a": _user("head_a", unit=unit_a, role=Membership.Role.HEAD),
        "staff_b": _user("staff_b", unit=unit_b),
        "coordinator": _user("coordinator", groups=[COORDINATORS_GROUP]),
        "leader": _user("leader", groups=[LEADERS_GROUP]),
        "admin": _user("admin", is_staff=True, is_superuser=True),
    }
    plan = PlanFactory(year=today.year, start_date=datetime.date(today.year, 1, 1),
                       end_date=datetime.date(today.year, 12, 31))
    area = ReformAreaFactory(plan=plan, number=1)
    ReformAreaFactory(plan=plan, number=2)
    solution = SolutionFactory(plan=plan, number=1)
    due = today + datetime.timedelta(days=20)
    task_a = TaskFactory(plan=plan, area=area, solution=solution, code="1.1", due_date=due)
    task_b = TaskFactory(plan=plan, area=area, solution=solution, code="1.2", due_date=due)
    assignment_a = AssignmentFactory(task=task_a, unit=unit_a)
    assignment_b = AssignmentFactory(task=task_b, unit=unit_b)
    entry_a = record_progress(
        assignment=assignment_a, user=users["staff_a"], percent=100,
        note="Đã hoàn thành, có biên bản",
        evidence=SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf"),
    )
    entry_b = record_progress(
        assignment=assignment_b, user=users["staff_b"], percent=100, note="Đã hoàn thành",
        evidence=SimpleUploadedFile("bao-cao.pdf", PDF, content_type="application/pdf"),
    )
    ensure_periods(plan)
    periods = {p.kind: p for p in plan.periods.all()}
    # A period that has certainly ended, whatever today is: last year's plan's year period.
    last_year = PlanFactory(year=today.year - 1, status=Plan.Status.CLOSED)
    ensure_periods(last_year)
    indicator = Indicator.objects.create(
        plan=plan, name="Tỷ lệ hồ sơ giải quyết đúng hạn", comparison="gte",
        target=Decimal("95"), unit_of_measure="%",
    )
    IndicatorValue.objects.create(indicator=indicator, period=periods["q1"],
                                  actual=Decimal("93.5"), entered_by=users["coordinator"])
    sessions = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        sessions[role] = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    return SimpleNamespace(
        today=today, plan=plan, area=area, solution=solution, users=users, sessions=sessions,
        unit_a=unit_a, unit_b=unit_b, unit_c=UnitFactory(code="C01", name="Sở Y tế"),
        task_a=task_a, task_b=task_b, assignment_a=assignment_a, assignment_b=assignment_b,
        entry_a=entry_a, entry_b=entry_b, period=periods["h1"],
        closable=last_year.periods.get(kind=ReportingPeriod.Kind.YEAR),
        indicator=indicator, coordinator=users["coordinator"],
    )


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once per module (and xdist worker) inside a transaction that is rolled
    back at the end; each test runs in a savepoint of it (pytest-django's db fixture), like
    Django's TestCase.setUpTestData: some 600 tests x ~70 ms of factories would be too slow."""
    media = tmp_path_factory.mktemp("matrix-media")
    overridden = override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=MD5)
    overridden.enable()
    outer = transaction.atomic()
    try:
        with django_db_blocker.unblock():
            outer.__enter__()
            world = build_world(timezone.localdate())
        yield SimpleNamespace(world=world, media=media)
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
        overridden.disable()


@pytest.fixture(autouse=True)
def _test_settings(_test_settings, settings, shared_world):
    """conftest.py's, then the shared world's MEDIA_ROOT, where its evidence files are."""
    settings.MEDIA_ROOT = shared_world.media


@pytest.fixture
def world(db, shared_world):
    return shared_world.world


def client_for(world, role: str) -> Client:
    """A client on the role's session, opened once in the shared world (each test's changes to
    it, a logout or an upload's token, are rolled back with the test's savepoint)."""
    client = Client()
    if role != "anonymous":
        client.cookies[django_settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


SNAPSHOT_MODELS = [
    Plan, ReformArea, Solution, Task, Assignment, ProgressEntry, Verification,
    DeadlineExtension, ReportingPeriod, PeriodSnapshot, Indicator, IndicatorValue, Unit,
    Membership, Task.history.model, Assignment.history.model,
]


def _snapshot_sql() -> str:
    # One query: a digest of every row of each table (PostgreSQL's row-to-text cast).
    q = connection.ops.quote_name
    return "SELECT " + ", ".join(
        f"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.{q(m._meta.pk.column)}), ''))"
        f" FROM {q(m._meta.db_table)} t)"
        for m in SNAPSHOT_MODELS
    )


def snapshot() -> dict:
    """Every row of the models a POST could change, and the files kept under MEDIA_ROOT."""
    with connection.cursor() as cursor:
        cursor.execute(_snapshot_sql())
        digests = cursor.fetchone()
    state = {m._meta.label: digest for m, digest in zip(SNAPSHOT_MODELS, digests, strict=True)}
    media = Path(django_settings.MEDIA_ROOT)
    state["files"] = sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())
    return state


# --- What each URL is given: its arguments and a valid POST ---------------------------------------


def _import_file(w) -> SimpleUploadedFile:
    row = f"7.1,1,1,Nhiệm vụ nhập từ tệp,Báo cáo,A01,,31/12/{w.plan.year}\n"
    return SimpleUploadedFile("ke-hoach.csv", (IMPORT_HEADER + row).encode(),
                              content_type="text/csv")


def _import_token(w, role: str, client: Client) -> dict:
    """A real upload: the person's own if they may import, else a coordinator's (whose token a
    leader or a unit's staff could have seen), so that the refusal is the access check's."""
    if role not in ("coordinator", "admin"):
        client = Client()
        client.force_login(w.coordinator)
    response = client.post(reverse("solutions:plan-import", args=[w.plan.pk]),
                           {"file": _import_file(w)})
    assert response.status_code == 302, "the upload of the import fixture failed"
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    return {"plan_pk": w.plan.pk, "token": token}


def _task_form(w, task, **changes) -> dict:
    data = {
        "plan": task.plan_id, "area": task.area_id, "solution": task.solution_id or "",
        "code": task.code, "title": task.title, "description": task.description,
        "expected_output": task.expected_output,
        "due_date": task.due_date.strftime("%d/%m/%Y") if task.due_date else "",
        "source_document": task.source_document, "version": task.version,
    }
    return data | changes


def _progress(w) -> dict:
    return {"percent": 60, "note": "Đang hoàn thiện dự thảo"}


def _extend(w) -> dict:
    new = w.today + datetime.timedelta(days=60)
    return {"new_due_date": new.strftime("%d/%m/%Y"), "reason": "Chờ ý kiến của Bộ",
            "document": "Công văn số 123/UBND-NC"}


def _plan(w, *_):
    return {"plan_pk": w.plan.pk}


def _none(w, *_):
    return {}


def _on(owner: str, attribute: str) -> Callable:
    """kwargs {"pk": <unit A's or unit B's object>.pk}"""
    return lambda w, *_: {"pk": getattr(w, f"{attribute}_{owner.lower()}").pk}


def _pk(attribute: str) -> Callable:
    return lambda w, *_: {"pk": getattr(w, attribute).pk}


@dataclass(frozen=True)
class Row:
    """The expected status of GET and POST, role by role (in the order of ROLES)."""

    kwargs: Callable
    get: tuple
    post: tuple
    data: Callable | None = None  # (world, "a" / "b" / "") -> a valid POST
    owner: str = ""  # "A" or "B" for a unit's object
    writes: bool = True  # an accepted POST changes the database or the stored files


#                    anonymous  staff_a  staff_b  head_a  coordinator  leader  admin
READ_ALL = (LOGIN, 200, 200, 200, 200, 200, 200)
NO_POST = (LOGIN, 405, 405, 405, 405, 405, 405)
NO_GET = NO_POST
COORDINATORS_READ = (LOGIN, 403, 403, 403, 200, 403, 200)
COORDINATORS_WRITE = (LOGIN, 403, 403, 403, 302, 403, 302)
# Unit A's object: its members read it, unit B's staff are outsiders, read-all roles read it.
A_READ = (LOGIN, 200, 404, 200, 200, 200, 200)
B_READ = (LOGIN, 404, 200, 404, 200, 200, 200)
# Reporting progress: the unit's members and coordinators; the leader reads only.
A_REPORT = (LOGIN, 302, 404, 302, 302, 403, 302)
B_REPORT = (LOGIN, 404, 302, 404, 302, 403, 302)
# Coordinators' actions on a unit's object: its own members get 403, outsiders 404.
A_COORD_READ = (LOGIN, 403, 404, 403, 200, 403, 200)
B_COORD_READ = (LOGIN, 404, 403, 404, 200, 403, 200)
A_COORD_WRITE = (LOGIN, 403, 404, 403, 302, 403, 302)
B_COORD_WRITE = (LOGIN, 404, 403, 404, 302, 403, 302)


def _unit_rows(kwargs_on: Callable, get_a, get_b, post_a, post_b, data=None) -> list[Row]:
    return [Row(kwargs_on("A"), get_a, post_a, data, owner="A"),
            Row(kwargs_on("B"), get_b, post_b, data, owner="B")]


MATRIX: dict[str, list[Row]] = {
    # --- The project's own: login, logout, language, health check
    "login": [Row(_none, (200, 302, 302, 302, 302, 302, 302), (302,) * 7,
                  lambda w, *_: {"username": "staff_a", "password": PASSWORD}, writes=False)],
    "logout": [Row(_none, (LOGIN, 405, 405, 405, 405, 405, 405),
                   (LOGIN, 302, 302, 302, 302, 302, 302), writes=False)],
    "set_language": [Row(_none, (302,) * 7, (302,) * 7,
                         lambda w, *_: {"language": "en", "next": "/"}, writes=False)],
    "healthz": [Row(_none, (200,) * 7, (405,) * 7)],
    # --- plans: the dashboard, reporting periods, targets, import
    "insight:dashboard": [Row(_none, READ_ALL, NO_POST)],
    "insight:period-list": [Row(_plan, READ_ALL, NO_POST)],
    "insight:period-report": [Row(_pk("period"), READ_ALL, NO_POST)],
    "insight:period-report-xlsx": [Row(_pk("period"), READ_ALL, NO_POST)],
    "insight:period-report-csv": [Row(_pk("period"), READ_ALL, NO_POST)],
    "insight:period-close": [Row(_pk("closable"), COORDINATORS_READ, COORDINATORS_WRITE,
                               lambda w, *_: {"confirm": "on"})],
    "plans:indicator-list": [Row(_plan, READ_ALL, NO_POST)],
    "plans:indicator-create": [Row(
        _plan, COORDINATORS_READ, COORDINATORS_WRITE,
        lambda w, *_: {"name": "Chỉ số SIPAS", "comparison": "gt", "target": "86,5",
                   "unit_of_measure": "%"},
    )],
    "plans:indicator-value": [Row(
        _plan, COORDINATORS_READ, COORDINATORS_WRITE,
        lambda w, *_: {"indicator": w.indicator.pk, "period": w.period.pk, "actual": "96,5",
                   "note": "Báo cáo số 45/BC-SNV"},
    )],
    "plans:indicator-edit": [Row(
        _pk("indicator"), COORDINATORS_READ, COORDINATORS_WRITE,
        lambda w, *_: {"name": "Tỷ lệ hồ sơ giải quyết đúng và trước hạn", "comparison": "gte",
                   "target": "97", "unit_of_measure": "%"},
    )],
    "plans:indicator-delete": [Row(_pk("indicator"), COORDINATORS_READ, COORDINATORS_WRITE)],
    "solutions:plan-import": [Row(_plan, COORDINATORS_READ, COORDINATORS_WRITE,
                              lambda w, *_: {"file": _import_file(w)})],
    "solutions:plan-import-preview": [Row(_import_token, COORDINATORS_READ, NO_POST)],
    "solutions:plan-import-confirm": [Row(_import_token, NO_GET, COORDINATORS_WRITE)],
    # --- solutions: lists, tasks, assignments, verification, evidence
    "solutions:my-assignments": [Row(_none, READ_ALL, NO_POST)],
    "solutions:task-list": [Row(_none, READ_ALL, NO_POST)],
    "solutions:assignment-list": [Row(_none, READ_ALL, NO_POST)],
    "solutions:verification-queue": [Row(_none, READ_ALL, NO_POST)],
    "solutions:task-create": [Row(
        _none, COORDINATORS_READ, COORDINATORS_WRITE,
        lambda w, *_: {"plan": w.plan.pk, "area": w.area.pk, "solution": "", "code": "2.9",
                   "title": "Số hoá hồ sơ", "expected_output": "Kho dữ liệu",
                   "due_date": f"30/09/{w.plan.year}"},
    )],
    "solutions:task-detail": _unit_rows(lambda o: _on(o, "task"), A_READ, B_READ,
                                        NO_POST, NO_POST),
    "solutions:task-edit": _unit_rows(
        lambda o: _on(o, "task"), A_COORD_READ, B_COORD_READ, A_COORD_WRITE, B_COORD_WRITE,
        lambda w, owner: _task_form(w, getattr(w, f"task_{owner}"), title="Tên mới"),
    ),
    "solutions:task-assign": _unit_rows(
        lambda o: _on(o, "task"), A_COORD_READ, B_COORD_READ, A_COORD_WRITE, B_COORD_WRITE,
        lambda w, *_: {"units": [w.unit_c.pk], "role": "support"},
    ),
    "solutions:assignment-detail": _unit_rows(
        lambda o: _on(o, "assignment"), A_READ, B_READ, A_REPORT, B_REPORT,
        lambda w, *_: _progress(w),
    ),
    "solutions:assignment-verify": _unit_rows(
        lambda o: _on(o, "assignment"), NO_GET, NO_GET, A_COORD_WRITE, B_COORD_WRITE,
    ),
    "solutions:assignment-return": _unit_rows(
        lambda o: _on(o, "assignment"), NO_GET, NO_GET, A_COORD_WRITE, B_COORD_WRITE,
        lambda w, *_: {"reason": "Thiếu quyết định ban hành"},
    ),
    "solutions:assignment-extend": _unit_rows(
        lambda o: _on(o, "assignment"), NO_GET, NO_GET, A_COORD_WRITE, B_COORD_WRITE,
        lambda w, *_: _extend(w),
    ),
    "solutions:evidence-download": _unit_rows(lambda o: _on(o, "entry"), A_READ, B_READ,
                                              NO_POST, NO_POST),
    # --- units
    "insight:unit-list": [Row(_none, READ_ALL, NO_POST)],
    "insight:unit-ranking": [Row(_none, READ_ALL, NO_POST)],
    "insight:unit-heatmap": [Row(_none, READ_ALL, NO_POST)],
    "insight:unit-detail": _unit_rows(lambda o: _on(o, "unit"), A_READ, B_READ, NO_POST, NO_POST),
    # --- ux: the menu's reporting periods, the glossary
    "insight:period-current": [Row(_none, (LOGIN, 302, 302, 302, 302, 302, 302), NO_POST)],
    "insight:glossary": [Row(_none, READ_ALL, NO_POST)],
}


# --- Walking the URLconf -----------------------------------------------------------------------


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin" or entry.namespace == "admin":
                continue  # the Django admin: tests/test_admin.py
            ns = ":".join(filter(None, [namespace, entry.namespace]))
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name, prefix + str(entry.pattern), tuple(entry.pattern.converters)


def _is_static(route: str) -> bool:
    prefixes = [(url or "").lstrip("/") for url in (django_settings.STATIC_URL,
                                                    django_settings.MEDIA_URL)]
    return any(prefix and route.startswith(prefix) for prefix in prefixes)


def project_patterns() -> dict[str, tuple[str, tuple]]:
    """{name: (route, argument names)} of every URL pattern but the admin's and static files."""
    found = {}
    for name, route, arguments in _walk(get_resolver().url_patterns):
        if _is_static(route):
            continue
        assert name, f"URL pattern {route!r} has no name: name it and give it a matrix row"
        found[name] = (route, arguments)
    return found


def test_every_url_pattern_has_a_row():
    missing = sorted(set(project_patterns()) - set(MATRIX))
    assert not missing, (
        "URL patterns with no row in the access matrix (add one to MATRIX in "
        f"tests/test_access_matrix.py): {', '.join(missing)}"
    )


def test_no_row_for_a_pattern_that_is_gone():
    assert sorted(set(MATRIX) - set(project_patterns())) == []


def test_unit_objects_are_tried_across_units():
    """Every URL of a unit's object (an argument pk under solutions: or units:) has a row for
    unit A's object and one for unit B's."""
    owned = [
        name for name, (_route, arguments) in project_patterns().items()
        if name.split(":")[0] in ("solutions", "units") and "pk" in arguments
    ]
    assert owned
    for name in owned:
        assert {row.owner for row in MATRIX.get(name, [])} == {"A", "B"}, name


def test_only_the_allowed_pages_are_public():
    """The matrix agrees with LoginRequiredMiddleware's short allowed list."""
    public = {name for name, rows in MATRIX.items()
              if any(r.get[0] != LOGIN or r.post[0] != LOGIN for r in rows)}
    assert public == PUBLIC


def test_every_row_has_a_status_for_each_role():
    for name, rows in MATRIX.items():
        for row in rows:
            assert len(row.get) == len(row.post) == len(ROLES), name


# --- The matrix itself ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    row: Row
    role: str
    method: str

    @property
    def expected(self):
        statuses = self.row.get if self.method == "GET" else self.row.post
        return statuses[ROLES.index(self.role)]

    @property
    def id(self) -> str:
        owner = f"({self.row.owner})" if self.row.owner else ""
        return f"{self.name}{owner}-{self.role}-{self.method}"


CASES = [
    Case(name, row, role, method)
    for name, rows in MATRIX.items()
    for row in rows
    for role in ROLES
    for method in ("GET", "POST")
]


def _post_data(case: Case, w) -> dict:
    return case.row.data(w, case.row.owner.lower()) if case.row.data else {}


def _describe(expected) -> str:
    return "302 to the login page" if expected == LOGIN else str(expected)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_access(case, world):
    client = client_for(world, case.role)
    url = reverse(case.name, kwargs=case.row.kwargs(world, case.role, client))
    before = snapshot() if case.method == "POST" else None

    if case.method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, _post_data(case, world))
    if response.streaming:
        # Read to the end: the test client then closes the file (and only then; calling
        # response.close() here would send request_finished and close the test's connection).
        b"".join(response.streaming_content)

    location = response.get("Location", "")
    got = (LOGIN if response.status_code == 302 and location.startswith(f"{LOGIN_URL}?next=")
           else response.status_code)
    assert got == case.expected, (
        f"{case.method} {url} as {case.role}: expected {_describe(case.expected)}, "
        f"got {response.status_code} {location}"
    )
    if case.method != "POST":
        return
    after = snapshot()
    if case.expected in REFUSED:
        changed = sorted(k for k in before if before[k] != after[k])
        assert after == before, (
            f"POST {url} as {case.role} was refused ({response.status_code}) but changed: "
            f"{changed}"
        )
    elif case.row.writes:
        # An accepted POST did its work: the data sent is valid, so the refusals above are
        # the access checks' and not form errors.
        assert after != before, f"POST {url} as {case.role} was accepted but changed nothing"
