"""Property-based tests (hypothesis): arbitrary text, numbers, dates, filters and query strings
thrown at the forms and list pages. Whatever comes in, the answer is never a 500: invalid input
gets a form error (200, or 409 for a stale task edit) or a 400/404, and changes nothing.

The data of each test is built once and shared by its examples (hence the suppressed
function-scoped-fixture health check); every example runs in a savepoint that is rolled back,
so an accepted input does not change what the next example sees. The clients do not re-raise
a view's exception (raise_request_exception=False), so a crash shows as a 500 in the assertion,
with the input that caused it.
"""

import datetime
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from plans.models import Indicator, IndicatorValue, PeriodSnapshot, ReportingPeriod
from plans.services import ensure_periods
from solutions.models import (
    Assignment,
    DeadlineExtension,
    ProgressEntry,
    Task,
    Verification,
)
from solutions.services import record_progress
from tests.factories import (
    AssignmentFactory,
    PlanFactory,
    ReformAreaFactory,
    SolutionFactory,
    TaskFactory,
)

ALLOWED = {200, 302, 400, 403, 404, 405, 409}
# A form answers with its errors (200), success (302), or, for input holding NUL, which
# PostgreSQL cannot store, the 400 of reform_portal.middleware.RejectNulBytesMiddleware.
FORM_ANSWERS = {200, 302, 400}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
IMPORT_HEADER = "Mã,Lĩnh vực,Giải pháp,Nhiệm vụ,Sản phẩm,Chủ trì,Phối hợp,Thời hạn\n"

FUZZ = settings(
    max_examples=25,
    deadline=None,
    database=None,  # no .hypothesis/ directory in the repository
    # No shrinking: a failure is reported with the input as generated (the assertion names it),
    # in a second instead of half a minute. The inputs found so far are @example()s below.
    phases=[Phase.explicit, Phase.generate],
    report_multiple_bugs=False,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
    ],
)

# --- Strategies ---------------------------------------------------------------------------------

NASTY = [
    "", " ", "\x00", "a\x00b", "\t\n", "²", "١٢", "１２", "9" * 40, "-1", "0", "-0", "1e309",
    "NaN", "inf", "-Infinity", "0x1F", "1_000", "%00", "%", "<script>alert(1)</script>",
    "' OR 1=1 --", "\u202eabc", "🙂", "ẞ", "Cải cách hành chính", "C\u0309i cach",  # NFD
]
# Around the limits of the fields (300, 500, 2000, 5000 characters), and far beyond.
long_texts = st.builds(lambda n, c: c * n, st.sampled_from([299, 301, 501, 2001, 5001, 20000]),
                       st.sampled_from(["x", "ệ", "\x00"]))
texts = st.one_of(st.text(max_size=80), st.sampled_from(NASTY), long_texts)
numbers = st.one_of(
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=-5, max_value=105).map(str),
    st.sampled_from(NASTY),
    st.text(max_size=12),
)
dates = st.one_of(
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.dates().map(datetime.date.isoformat),
    st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2040, 12, 31))
    .map(lambda d: d.strftime("%d/%m/%Y")),
    st.sampled_from(["31/02/2026", "00/00/0000", "29/02/2100", "1/1/1", "31/12/9999",
                     "01/01/0001", "32/13/2026", "2026-02-30", "thường xuyên"]),
    texts,
)
FILTER_KEYS = ["q", "area", "solution", "unit", "status", "flag", "role", "page", "plan",
               "period"]
FILTER_VALUES = ["on_time", "late", "in_progress", "overdue", "due_soon", "stale", "awaiting",
                 "extended", "lead", "support", "last", "1", "2"]


def query_values(ids: list[int]) -> st.SearchStrategy:
    known = [*FILTER_VALUES, *(str(i) for i in ids)]
    return st.one_of(texts, numbers, st.sampled_from(known))


def query_dicts(ids: list[int]) -> st.SearchStrategy:
    keys = st.one_of(st.sampled_from(FILTER_KEYS), st.text(max_size=10))
    return st.dictionaries(keys, query_values(ids), max_size=6)


# --- Helpers --------------------------------------------------------------------------------------

WATCHED = [Task, Assignment, ProgressEntry, Verification, DeadlineExtension, ReportingPeriod,
           PeriodSnapshot, Indicator, IndicatorValue]


def db_state() -> dict:
    """A digest of every row of the tables the forms write (one query)."""
    q = connection.ops.quote_name
    sql = "SELECT " + ", ".join(
        f"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) "
        f"FROM {q(m._meta.db_table)} t)"
        for m in WATCHED
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip([m.__name__ for m in WATCHED], cursor.fetchone(), strict=True))


def changed(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


@contextmanager
def rolled_back():
    """One example: whatever it writes is undone for the next one."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def assert_answered(response, inputs, allowed=ALLOWED):
    status = response.status_code
    assert status != 500 and status in allowed, (
        f"{response.request['REQUEST_METHOD']} {response.request['PATH_INFO']} answered {status} "
        f"for {inputs!r}"
    )


def assert_renders(client: Client, urls: list[str], inputs) -> None:
    """After an accepted input, the pages that show it still render."""
    for url in urls:
        response = client.get(url)
        status = response.status_code
        assert status == 200, f"GET {url} answered {status} after {inputs!r}"


def assert_unchanged_unless_accepted(response, before, inputs, accepted=(302,)):
    after = db_state()
    if response.status_code not in accepted:
        assert after == before, (
            f"refused ({response.status_code}) but changed {changed(before, after)}: {inputs!r}"
        )
    return after


# --- The data ---------------------------------------------------------------------------------


@pytest.fixture
def pw(plan, task, unit_a, unit_b, assignment_a, staff_a, coordinator, leader, today):
    """Unit A's assignment awaiting verification (a 100% report with a PDF), unit B's on another
    task, the plan's periods, an indicator, and a plan of next year whose periods have not ended."""
    # Area and solution number 1, which the import's rows name.
    ReformAreaFactory(plan=plan, number=1)
    SolutionFactory(plan=plan, number=1)
    assignment_b = AssignmentFactory(task=TaskFactory(plan=plan, area=task.area), unit=unit_b)
    entry = record_progress(
        assignment=assignment_a, user=staff_a, percent=100, note="Đã hoàn thành",
        evidence=SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf"),
    )
    ensure_periods(plan)
    periods = list(plan.periods.all())
    indicator = Indicator.objects.create(plan=plan, name="Hồ sơ giải quyết đúng hạn",
                                         comparison="gte", target=Decimal("95"),
                                         unit_of_measure="%")
    IndicatorValue.objects.create(indicator=indicator, period=periods[0], actual=Decimal("93"),
                                  entered_by=coordinator)
    next_year = PlanFactory(year=today.year + 1)
    ensure_periods(next_year)

    return SimpleNamespace(
        plan=plan, task=task, assignment_a=assignment_a, assignment_b=assignment_b, entry=entry,
        periods=periods, indicator=indicator, unit_a=unit_a, unit_b=unit_b,
        open_period=next_year.periods.get(kind=ReportingPeriod.Kind.YEAR),
        staff_a=client_for(staff_a), coordinator=client_for(coordinator),
        leader=client_for(leader),
        ids=sorted({plan.pk, next_year.pk, task.pk, assignment_a.pk, assignment_b.pk, unit_a.pk,
                    unit_b.pk, task.area_id, task.solution_id, indicator.pk,
                    *(p.pk for p in periods)}),
    )


# --- The progress form --------------------------------------------------------------------------

def _file_name(name: str) -> str:
    # A name the test client can send at all (Django refuses "", "." and ".." before any view).
    return name if Path(name).name not in ("", ".", "..") else f"{name}x"


files = st.one_of(
    st.none(),
    st.tuples(st.one_of(st.text(max_size=40).map(_file_name), st.sampled_from(
        ["bien-ban.pdf", "a\x00.pdf", "../../etc/passwd", "x.PDF", ".pdf", "tệp kiểm chứng.docx",
         "x" * 300 + ".pdf"])),
        st.one_of(st.binary(max_size=256), st.binary(max_size=64).map(lambda b: PDF + b),
                  st.just(b"")),
    ),
)


@FUZZ
@given(percent=numbers, note=texts, evidence=files)
@example(percent="50", note="a\x00b", evidence=None)
@example(percent="\x00", note="Đã xong", evidence=None)
@example(percent="50", note="Đã xong", evidence=("a\x00.pdf", PDF))
@example(percent="²", note="Đã xong", evidence=None)
@example(percent="100", note="x" * 6000, evidence=None)
def test_progress_form_takes_anything(pw, percent, note, evidence):
    url = reverse("solutions:assignment-detail", args=[pw.assignment_a.pk])
    data = {"percent": percent, "note": note}
    if evidence is not None:
        data["evidence"] = SimpleUploadedFile(evidence[0], evidence[1])
    inputs = {"percent": percent, "note": note[:200], "evidence": evidence and
              (evidence[0], evidence[1][:40])}
    with rolled_back():
        before = db_state()
        response = pw.staff_a.post(url, data)
        assert_answered(response, inputs, FORM_ANSWERS)
        after = assert_unchanged_unless_accepted(response, before, inputs)
        if "\x00" in note or not note.strip():
            assert response.status_code in (200, 400), f"accepted an invalid note: {inputs!r}"
        if response.status_code == 302:
            assignment = Assignment.objects.get(pk=pw.assignment_a.pk)
            assert 0 <= assignment.latest_percent <= 100
            assert set(changed(before, after)) == {"Assignment", "ProgressEntry"}, inputs
            assert_renders(pw.staff_a, [url, reverse("solutions:my-assignments")], inputs)


# --- List pages and their filters ---------------------------------------------------------------

LIST_PAGES = [
    "insight:dashboard", "solutions:task-list", "solutions:assignment-list",
    "solutions:my-assignments", "solutions:verification-queue", "insight:unit-list",
    "insight:unit-ranking", "insight:unit-heatmap",
]


@settings(FUZZ, max_examples=35)
@given(data=st.data())
def test_list_pages_take_any_query_string(pw, data):
    name = data.draw(st.sampled_from(LIST_PAGES), label="page")
    role = data.draw(st.sampled_from(["staff_a", "coordinator", "leader"]), label="role")
    params = data.draw(query_dicts(pw.ids), label="params")
    response = getattr(pw, role).get(reverse(name), params)
    assert_answered(response, {"page": name, "role": role, "params": params}, {200, 400, 404})


def resolve(pw, value):
    """"<plan>", "<period0>"...: the ids of the test's data, known only once it is built."""
    ids = {"<plan>": pw.plan.pk, "<indicator>": pw.indicator.pk, "<open>": pw.open_period.pk,
           **{f"<period{i}>": p.pk for i, p in enumerate(pw.periods)}}
    return str(ids[value]) if value in ids else value


real_ids = st.sampled_from(["<plan>", "<indicator>", "<open>", "<period0>", "<period1>",
                            "<period3>"])


@settings(FUZZ, max_examples=25)
@given(plan=st.one_of(st.none(), query_values([]), st.just("<plan>")),
       period=st.one_of(st.none(), query_values([]), real_ids))
@example(plan="²", period=None)
@example(plan="9" * 30, period="9" * 30)
@example(plan="\x00", period="\x00")
@example(plan="<plan>", period="<open>")  # another plan's period
@example(plan="<plan>", period="<period1>")
def test_the_dashboard_takes_any_plan_and_period(pw, plan, period):
    params = {k: resolve(pw, v) for k, v in {"plan": plan, "period": period}.items()
              if v is not None}
    for client in (pw.staff_a, pw.coordinator):
        response = client.get(reverse("insight:dashboard"), params)
        assert_answered(response, params, {200, 400, 404})


@settings(FUZZ, max_examples=25)
@given(data=st.data())
def test_period_reports_take_any_query_string(pw, data):
    name = data.draw(st.sampled_from(["insight:period-report", "insight:period-report-xlsx",
                                      "insight:period-report-csv", "insight:period-list",
                                      "plans:indicator-list", "solutions:task-detail",
                                      "insight:unit-detail"]), label="page")
    params = data.draw(query_dicts(pw.ids), label="params")
    args = {"insight:period-list": pw.plan.pk, "plans:indicator-list": pw.plan.pk,
            "solutions:task-detail": pw.task.pk, "insight:unit-detail": pw.unit_a.pk}
    url = reverse(name, args=[args.get(name, pw.periods[1].pk)])
    response = pw.staff_a.get(url, params)
    assert_answered(response, {"url": url, "params": params}, {200, 400, 404})


@FUZZ
@given(confirm=st.one_of(texts, st.none()), extra=query_dicts([]))
def test_closing_a_period_that_has_not_ended_changes_nothing(pw, confirm, extra):
    data = extra | ({"confirm": confirm} if confirm is not None else {})
    with rolled_back():
        before = db_state()
        response = pw.coordinator.post(reverse("insight:period-close", args=[pw.open_period.pk]),
                                       data)
        assert_answered(response, data, FORM_ANSWERS)
        assert db_state() == before, f"a period not ended was closed: {data!r}"


# --- The coordinator's forms: tasks, extension, return --------------------------------------------


def task_fields(pw) -> st.SearchStrategy:
    ids = st.one_of(numbers, st.sampled_from([str(i) for i in pw.ids]), st.just(""))
    return st.fixed_dictionaries({
        "plan": st.one_of(ids, st.just(str(pw.plan.pk))),
        "area": st.one_of(ids, st.just(str(pw.task.area_id))),
        "solution": ids,
        "code": st.one_of(texts, st.from_regex(r"[1-6]\.[0-9]{1,3}", fullmatch=True)),
        "title": texts,
        "description": texts,
        "expected_output": texts,
        "due_date": dates,
        "source_document": texts,
    })


@settings(FUZZ, max_examples=30)
@given(data=st.data())
def test_the_task_form_takes_anything(pw, data):
    fields = data.draw(task_fields(pw), label="fields")
    with rolled_back():
        before = db_state()
        response = pw.coordinator.post(reverse("solutions:task-create"), fields)
        assert_answered(response, fields, FORM_ANSWERS)
        after = assert_unchanged_unless_accepted(response, before, fields)
        if response.status_code == 302:
            assert Task.objects.filter(plan_id=fields["plan"], code=fields["code"].strip()).exists()
            assert "Task" in changed(before, after)
            assert_renders(pw.coordinator, [response["Location"], reverse("solutions:task-list"),
                                            reverse("insight:dashboard")], fields)


@settings(FUZZ, max_examples=25)
@given(data=st.data(), version=st.one_of(numbers, st.just("1")))
def test_the_task_edit_form_takes_anything(pw, data, version):
    fields = data.draw(task_fields(pw), label="fields") | {"version": version}
    url = reverse("solutions:task-edit", args=[pw.task.pk])
    with rolled_back():
        before = db_state()
        response = pw.coordinator.post(url, fields)
        assert_answered(response, fields, FORM_ANSWERS | {409})
        assert_unchanged_unless_accepted(response, before, fields)
        if response.status_code == 302:
            assert Task.objects.get(pk=pw.task.pk).version == 2
            assert_renders(pw.coordinator, [response["Location"], reverse("insight:dashboard")],
                           fields)


@pytest.mark.parametrize("plan_id", ["²", "³", "¹"])
def test_a_superscript_digit_as_the_plan_is_a_form_error(pw, plan_id):
    """str.isdigit() is true of "²", int() refuses it: TaskForm must not use one for the other."""
    fields = {"plan": plan_id, "area": str(pw.task.area_id), "solution": "", "code": "9.9",
              "title": "Nhiệm vụ", "description": "", "expected_output": "Báo cáo",
              "due_date": "", "source_document": ""}
    with rolled_back():
        response = pw.coordinator.post(reverse("solutions:task-create"), fields)
        assert_answered(response, fields, {200})
        response = pw.coordinator.post(reverse("solutions:task-edit", args=[pw.task.pk]),
                                       fields | {"version": "1"})
        assert_answered(response, fields, {200})


@FUZZ
@given(new_due_date=dates, reason=texts, document=texts)
@example(new_due_date="31/12/9999", reason="Gia hạn", document="")
@example(new_due_date="01/01/2099", reason="a\x00b", document="")
@example(new_due_date="01/01/2099", reason="Gia hạn", document="\x00")
def test_the_extension_form_takes_anything(pw, new_due_date, reason, document):
    url = reverse("solutions:assignment-extend", args=[pw.assignment_a.pk])
    inputs = {"new_due_date": new_due_date, "reason": reason[:200], "document": document[:200]}
    with rolled_back():
        before = db_state()
        response = pw.coordinator.post(url, {"new_due_date": new_due_date, "reason": reason,
                                             "document": document})
        assert_answered(response, inputs, FORM_ANSWERS)
        after = assert_unchanged_unless_accepted(response, before, inputs)
        if response.status_code == 302:
            assert set(changed(before, after)) == {"Assignment", "DeadlineExtension"}, inputs
            assert_renders(pw.coordinator, [
                reverse("solutions:assignment-detail", args=[pw.assignment_a.pk]),
                reverse("insight:dashboard"), reverse("insight:unit-ranking"),
            ], inputs)


@FUZZ
@given(reason=texts, next_url=st.one_of(st.none(), texts, st.sampled_from(
    ["https://evil.example/", "//evil.example", "/verification/", "javascript:alert(1)"])))
@example(reason="a\x00b", next_url=None)
@example(reason="   ", next_url=None)
@example(reason="Thiếu biên bản", next_url="0")  # a next that is not a path: see below
def test_the_return_form_takes_anything(pw, reason, next_url):
    url = reverse("solutions:assignment-return", args=[pw.assignment_a.pk])
    data = {"reason": reason} | ({"next": next_url} if next_url is not None else {})
    inputs = {"reason": reason[:200], "next": next_url and next_url[:200]}
    with rolled_back():
        before = db_state()
        response = pw.coordinator.post(url, data)
        assert_answered(response, inputs, FORM_ANSWERS)
        after = assert_unchanged_unless_accepted(response, before, inputs)
        if "\x00" in reason or not reason.strip():
            assert response.status_code in (200, 400), (
                f"returned with an invalid reason: {inputs!r}")
        if response.status_code == 302:
            assert set(changed(before, after)) == {"Assignment", "Verification"}, inputs
            assert not response["Location"].startswith(("http", "//", "javascript")), inputs


# --- Plan targets -------------------------------------------------------------------------------


comparisons = st.one_of(st.sampled_from(["gte", "gt", "lte"]), texts)


@FUZZ
@given(name=texts, comparison=comparisons, target=numbers, unit_of_measure=texts,
       edit=st.booleans())
@example(name="SIPAS", comparison="gt", target="1e5", unit_of_measure="điểm", edit=False)
@example(name="SIPAS", comparison="gt", target="NaN", unit_of_measure="%", edit=True)
@example(name="a\x00b", comparison="gt", target="86", unit_of_measure="%", edit=False)
@example(name="SIPAS", comparison="gt", target="86", unit_of_measure="\x00", edit=True)
def test_the_indicator_form_takes_anything(pw, name, comparison, target, unit_of_measure, edit):
    data = {"name": name, "comparison": comparison, "target": target,
            "unit_of_measure": unit_of_measure}
    url = (reverse("plans:indicator-edit", args=[pw.indicator.pk]) if edit
           else reverse("plans:indicator-create", args=[pw.plan.pk]))
    inputs = {**data, "name": name[:200], "edit": edit}
    with rolled_back():
        before = db_state()
        response = pw.coordinator.post(url, data)
        assert_answered(response, inputs, FORM_ANSWERS)
        assert_unchanged_unless_accepted(response, before, inputs)
        if response.status_code == 302:
            assert_renders(pw.coordinator, [
                reverse("plans:indicator-list", args=[pw.plan.pk]), reverse("insight:dashboard"),
            ], inputs)
            assert_renders(pw.staff_a, [reverse("insight:dashboard")], inputs)


@FUZZ
@given(indicator=st.one_of(st.just("<indicator>"), real_ids, numbers),
       period=st.one_of(st.just("<period1>"), real_ids, numbers), actual=numbers, note=texts)
@example(indicator="<indicator>", period="<period1>", actual="1e-400", note="")
@example(indicator="<indicator>", period="<period1>", actual="9999999.999", note="")
@example(indicator="<indicator>", period="<period1>", actual="50", note="a\x00b")
@example(indicator="<indicator>", period="<open>", actual="50", note="")  # another plan's
@example(indicator="²", period="²", actual="50", note="")
def test_the_indicator_value_form_takes_anything(pw, indicator, period, actual, note):
    indicator, period = resolve(pw, indicator), resolve(pw, period)
    post = {"indicator": indicator, "period": period, "actual": actual, "note": note}
    url = reverse("plans:indicator-value", args=[pw.plan.pk])
    with rolled_back():
        before = db_state()
        response = pw.coordinator.post(url, post)
        assert_answered(response, post, FORM_ANSWERS)
        assert_unchanged_unless_accepted(response, before, post)
        if response.status_code == 302:
            assert_renders(pw.coordinator, [
                reverse("plans:indicator-list", args=[pw.plan.pk]), reverse("insight:dashboard"),
            ], post)
        # The preselection of the GET form takes anything too.
        response = pw.coordinator.get(url, {"indicator": indicator, "period": period})
        nul = "\x00" in str(indicator) + str(period)
        assert_answered(response, post, {400} if nul else {200})


# --- Importing a plan ---------------------------------------------------------------------------


def _uploads(settings_media) -> list[Path]:
    root = Path(settings_media) / "imports"
    return sorted(root.iterdir()) if root.exists() else []


@FUZZ
@given(name=st.one_of(st.sampled_from(["ke-hoach.csv", "ke-hoach.xlsx", "ke-hoach.xls",
                                       "ke-hoach", "KE-HOACH.CSV", "a\x00.csv", ".csv"]),
                      st.text(max_size=20).map(lambda s: s + ".csv"),
                      st.text(max_size=20).map(_file_name)),
       content=st.one_of(st.binary(max_size=512),
                         st.binary(max_size=256).map(lambda b: b"PK\x03\x04" + b),
                         st.binary(max_size=256).map(lambda b: IMPORT_HEADER.encode() + b)))
def test_the_import_takes_any_file(pw, name, content):
    url = reverse("solutions:plan-import", args=[pw.plan.pk])
    inputs = {"name": name, "content": content[:80]}
    with rolled_back():
        before, stored = db_state(), _uploads(django_settings.MEDIA_ROOT)
        response = pw.coordinator.post(url, {"file": SimpleUploadedFile(name, content)})
        assert_answered(response, inputs, FORM_ANSWERS)
        assert db_state() == before, inputs
        if response.status_code != 302:
            assert _uploads(django_settings.MEDIA_ROOT) == stored, inputs
        else:
            preview = pw.coordinator.get(response["Location"])
            assert_answered(preview, inputs, FORM_ANSWERS)


def _csv_cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


cells = st.one_of(texts, st.sampled_from(["1", "2", "A01", "B01", "STP", "Sở Tư pháp", "A01; B01",
                                          "31/12/2026", "thường xuyên", "Quý IV/2026", ""]))
rows = st.lists(st.lists(cells, min_size=0, max_size=9), min_size=1, max_size=4)


@FUZZ
@given(rows=rows)
@example(rows=[["7.1", "1", "", "Nhiệm vụ\x00 có ký tự NUL", "Báo cáo", "A01", "", "31/12/2026"]])
@example(rows=[["7\x001", "1", "", "Nhiệm vụ", "Báo cáo", "A01", "", "31/12/2026"]])
@example(rows=[["7.1", "1", "", "Nhiệm vụ", "Báo cáo", "Sở\x00", "", "31/12/2026"]])
@example(rows=[["7.1", "1", "", "Nhiệm vụ", "Báo cáo", "A01", "", "31/12/9999"]])
def test_the_import_takes_any_rows(pw, rows):
    """A CSV file with the right header and arbitrary cells: upload, preview, import. Either
    every row is imported or nothing is, and no step answers 500."""
    text = IMPORT_HEADER + "".join(",".join(_csv_cell(c) for c in row) + "\n" for row in rows)
    inputs = {"rows": rows}
    upload_url = reverse("solutions:plan-import", args=[pw.plan.pk])
    with rolled_back():
        before = db_state()
        response = pw.coordinator.post(upload_url, {
            "file": SimpleUploadedFile("ke-hoach.csv", text.encode(), content_type="text/csv")})
        assert_answered(response, inputs, FORM_ANSWERS)
        if response.status_code != 302:
            return
        preview_url = response["Location"]
        preview = pw.coordinator.get(preview_url)
        assert_answered(preview, inputs, FORM_ANSWERS)
        confirm = pw.coordinator.post(f"{preview_url}confirm/")
        assert_answered(confirm, inputs, {302})
        imported = not confirm["Location"].startswith(preview_url)
        after = db_state()
        if imported:
            assert {"Task", "Assignment"} <= set(changed(before, after)), inputs
            assert_renders(pw.coordinator, [confirm["Location"], reverse("insight:dashboard")],
                           inputs)
        else:
            assert after == before, f"a refused import changed {changed(before, after)}: {inputs!r}"


# --- Logging in and the language switcher -----------------------------------------------------


@settings(FUZZ, max_examples=25)
@given(username=texts, password=texts, next_url=st.one_of(st.none(), texts))
@example(username="staff_a\x00", password="x", next_url=None)
@example(username="x" * 256, password="x", next_url=None)  # see below
@example(username="staff_a", password="\x00", next_url="\x00")
def test_the_login_form_takes_anything(db, username, password, next_url):
    data = {"username": username, "password": password}
    if next_url is not None:
        data["next"] = next_url
    with rolled_back():
        response = Client(raise_request_exception=False).post(reverse("login"), data)
        # 429: django-axes locks a username out after five failures.
        assert_answered(response, {**data, "password": password[:100]}, {200, 302, 400, 429})


@settings(FUZZ, max_examples=25)
@given(language=st.one_of(st.sampled_from(["vi", "en", "fr", ""]), texts),
       next_url=st.one_of(st.none(), texts))
def test_the_language_switcher_takes_anything(pw, language, next_url):
    data = {"language": language} | ({"next": next_url} if next_url is not None else {})
    with rolled_back():
        response = pw.staff_a.post(reverse("set_language"), data)
        assert_answered(response, data, {200, 204, 302, 400})
        if response.status_code == 302:
            assert not response["Location"].startswith(("http", "//")), data


# --- What these tests found, one input each -------------------------------------------------------


@pytest.mark.parametrize("next_url", ["0", "verification", "queue"])
@pytest.mark.parametrize("action", ["solutions:assignment-verify", "solutions:assignment-return"])
def test_a_next_that_is_not_a_path_goes_back_to_the_assignment(pw, action, next_url):
    """_back() hands `next` to redirect(), which takes a text without "/" or "." for the name of
    a URL pattern: reverse("0") raises NoReverseMatch, a 500 after the decision was saved."""
    url = reverse(action, args=[pw.assignment_a.pk])
    with rolled_back():
        response = pw.coordinator.post(url, {"reason": "Thiếu biên bản", "next": next_url})
        assert_answered(response, {"next": next_url}, {302})
        assert response["Location"] == pw.assignment_a.get_absolute_url()


def test_a_username_longer_than_axes_keeps_is_a_form_error(db):
    """django-axes records a failed login's username in a varchar(255): a longer one must be
    refused by the form (User.username holds 150) before authenticate() runs."""
    with rolled_back():
        response = Client(raise_request_exception=False).post(
            reverse("login"), {"username": "x" * 256, "password": "secret"})
        assert_answered(response, {"username": "x" * 256}, {200})
        assert response.context["form"].errors


@pytest.mark.parametrize("row", [
    ["7\x001", "1", "", "Nhiệm vụ", "Báo cáo", "A01", "", "31/12/2026"],
    ["7.1", "1", "", "Nhiệm vụ\x00", "Báo cáo", "A01", "", "31/12/2026"],
    ["7.1", "1", "", "Nhiệm vụ", "Báo\x00cáo", "A01", "", "thường xuyên"],
], ids=["code", "title", "expected_output"])
def test_a_nul_in_an_imported_cell_never_reaches_postgresql(pw, row):
    """PostgreSQL refuses NUL in text: the preview must show it as a row error (or the import
    drop it), never a 500 at the confirmation."""
    text = IMPORT_HEADER + ",".join(_csv_cell(c) for c in row) + "\n"
    with rolled_back():
        response = pw.coordinator.post(reverse("solutions:plan-import", args=[pw.plan.pk]), {
            "file": SimpleUploadedFile("ke-hoach.csv", text.encode(), content_type="text/csv")})
        assert_answered(response, {"row": row}, FORM_ANSWERS)
        if response.status_code == 302:
            preview = response["Location"]
            assert_answered(pw.coordinator.get(preview), {"row": row}, {200})
            confirm = pw.coordinator.post(f"{preview}confirm/")
            assert_answered(confirm, {"row": row}, {302})
        texts_saved = Task.objects.filter(plan=pw.plan).values_list(
            "code", "title", "expected_output")
        assert not any("\x00" in "".join(t) for t in texts_saved)
