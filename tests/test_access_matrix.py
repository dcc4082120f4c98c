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

from index import models as index_models
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
from notifications.models import Delivery, Notice
from solutions.models import Comment, Reminder
from units.models import Membership, Profile, Unit

LOGIN_URL = "/accounts/login/"
LOGIN = "login"  # expected: 302 to the login page with ?next= (anonymous visitors)
ROLES = ("anonymous", "staff_a", "staff_b", "head_a", "coordinator", "leader", "admin")
# A refused POST must change nothing; 405 too (the method is refused before anything else).
REFUSED = {LOGIN, 403, 404, 405}
PUBLIC = {"login", "set_language", "healthz",  # as in test_views_misc.ALLOWED_PUBLIC
          "password_reset", "password_reset_done", "password_reset_confirm",
          "password_reset_complete", "notifications:unsubscribe",
          "surveys:short-link", "surveys:response-form", "surveys:response-thanks",
          "surveys:kiosk-form", "surveys:kiosk-thanks",
          "public:index", "public:period-detail", "public:period-csv", "public:period-json",
          "public:data-dictionary"}

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
    # --- surveys: an open campaign over units A and B with one answer (its questionnaire is
    # frozen), and a draft version of the questionnaire that may still be edited.
    from surveys.models import Campaign as SurveyCampaign
    from surveys.services import (
        Schema, campaign_save, questionnaire_default, questionnaire_new_version, response_submit,
    )

    survey_q = questionnaire_default()
    survey = campaign_save(campaign=SurveyCampaign(
        code="matrix", title="Khảo sát mức độ hài lòng thử", questionnaire=survey_q,
        start_date=today - datetime.timedelta(days=3), end_date=today + datetime.timedelta(days=30),
        period=periods["h1"], overall_indicator=indicator,
    ), units=[unit_a, unit_b])
    survey_schema = Schema.of(survey_q)
    response_submit(campaign=survey, unit=unit_a, schema=survey_schema,
                    answers={q.code: 4 for q in survey_schema.questions if q.is_scaled})
    survey_draft = questionnaire_new_version(questionnaire=survey_q)
    sessions = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        sessions[role] = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    # --- reports and public: a closed, published period (last year's first quarter)
    from insight.services import close_period
    from publication.services import period_publish

    published = last_year.periods.get(kind=ReportingPeriod.Kind.Q1)
    close_period(period=published, user=users["coordinator"])
    period_publish(period=published, user=users["coordinator"])
    world = SimpleNamespace(
        published=published,
        today=today, plan=plan, area=area, solution=solution, users=users, sessions=sessions,
        unit_a=unit_a, unit_b=unit_b, unit_c=UnitFactory(code="C01", name="Sở Y tế"),
        task_a=task_a, task_b=task_b, assignment_a=assignment_a, assignment_b=assignment_b,
        entry_a=entry_a, entry_b=entry_b, period=periods["h1"],
        closable=last_year.periods.get(kind=ReportingPeriod.Kind.YEAR),
        indicator=indicator, coordinator=users["coordinator"],
        **_notifications_world(users, assignment_a, assignment_b),
        # --- index: a campaign in each phase, each with unit A's and unit B's assessment
        **_index_world(today, users, unit_a, unit_b),
        survey=survey, survey_q=survey_q, survey_draft=survey_draft,
    )
    # --- probe (issue 10): an indicator without actuals, the only kind that may be deleted
    world.spare_indicator = Indicator.objects.create(
        plan=plan, name="Chỉ số hài lòng SIPAS", comparison="gt", target=Decimal("86"),
    )
    return world


def _notifications_world(users, assignment_a, assignment_b) -> dict:
    # --- notifications: a notice of staff_a's, a logged message, a comment with a file per unit
    from notifications.mail import unsubscribe_token
    from notifications.models import Delivery, Notice
    from solutions.services import comment_create

    notice = Notice.objects.create(recipient=users["staff_a"], kind="comment",
                                   subject="Trao đổi mới", url="/")
    delivery = Delivery.objects.create(to_address="staff_a@example.vn", kind="digest",
                                       subject="Bản tin", body_text="Nội dung")
    comments = {
        owner: comment_create(
            assignment=assignment, user=users[f"staff_{owner}"], body="Gửi kèm biên bản",
            attachment=SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf"))
        for owner, assignment in (("a", assignment_a), ("b", assignment_b))
    }
    return {"notice": notice, "delivery": delivery, "comment_a": comments["a"],
            "comment_b": comments["b"],
            "unsubscribe": unsubscribe_token(users["staff_a"].pk, "digest")}


def _index_world(today, users, unit_a, unit_b) -> dict:
    from index import services as index_services
    from index.models import Line
    from tests.index_world import add_document, advance, make_set, open_campaign, score_self

    admin = users["admin"]
    full = {"1.1": "20", "1.2": "10", "1.3": "10", "2.1": "30", "2.2": "5"}
    campaigns = {}
    for offset, phase in enumerate(("self", "appraisal", "explanation", "council",
                                    "published")):
        campaign = open_campaign(make_set(year=today.year - offset), [unit_a, unit_b])
        for assessment in campaign.assessments.all():
            score_self(assessment, admin, full)
            add_document(assessment, admin)
            if phase == "self":  # a file to download; left unsubmitted so the head may submit
                line = Line.objects.get(assessment=assessment, node__number="1.1")
                index_services.assessment_save_self(assessment=assessment, user=admin, inputs={
                    line.node_id: index_services.SelfInput(
                        score=line.self_score, file=SimpleUploadedFile(
                            "ke-hoach.pdf", PDF, content_type="application/pdf"))})
        advance(campaign, admin, min(offset + 1, 3))
        if phase == "council":  # line 1.2 disputed: the council has something to decide
            for assessment in campaign.assessments.all():
                line = Line.objects.get(assessment=assessment, node__number="1.2")
                index_services.assessment_explain(assessment=assessment, user=admin, inputs={
                    line.node_id: index_services.ExplanationInput("Đã bổ sung tài liệu")})
        campaigns[phase] = advance(campaign, admin, offset + 1)

    def of(phase, unit):
        return campaigns[phase].assessments.get(unit=unit)

    return {
        "index_campaigns": campaigns,
        "index_free_set": make_set(year=today.year + 1),
        "index_node": {phase: c.criteria_set.nodes.get(number="1.2")
                       for phase, c in campaigns.items()},
        **{f"index_{phase}_{o}": of(phase, unit) for phase in campaigns
           for o, unit in (("a", unit_a), ("b", unit_b))},
        **{f"index_evidence_{o}": Line.objects.get(
            assessment=of("self", unit), node__number="1.1").evidence.exclude(file="").get()
           for o, unit in (("a", unit_a), ("b", unit_b))},
    }


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


def _survey_models() -> list:
    from surveys import models as m

    return [m.Questionnaire, m.Factor, m.Question, m.Option, m.Campaign, m.CampaignUnit,
            m.Response, m.UnitTally, m.CampaignTally, m.Refusal]


SNAPSHOT_MODELS = [
    Plan, ReformArea, Solution, Task, Assignment, ProgressEntry, Verification,
    DeadlineExtension, ReportingPeriod, PeriodSnapshot, Indicator, IndicatorValue, Unit,
    Membership, Task.history.model, Assignment.history.model,
    Comment, Reminder, Notice, Delivery, Profile,
]
SNAPSHOT_MODELS += [  # --- index
    index_models.CriteriaSet, index_models.Node, index_models.Campaign, index_models.Assessment,
    index_models.Line, index_models.ScoreEntry, index_models.FinalScore, index_models.Evidence,
    *_survey_models(),
]


SNAPSHOT_MODELS += [index_models.Correction]  # --- index (session 5)

# --- reports and public
from publication.models import PublicationEvent, PublishedPeriod  # noqa: E402
from reports.models import PeriodNarrative  # noqa: E402

SNAPSHOT_MODELS += [PeriodNarrative, PeriodNarrative.history.model, PublishedPeriod,
                    PublicationEvent]


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
READ_ALL_ONLY = (LOGIN, 403, 403, 403, 200, 200, 200)  # coordinators and leaders
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


# --- index: a unit's own work (its members and administrators; coordinators and leaders 403),
# and pages that only read-all roles and appraisers see before publication.
A_UNIT_READ = (LOGIN, 200, 404, 200, 403, 403, 200)
B_UNIT_READ = (LOGIN, 404, 200, 404, 403, 403, 200)
A_UNIT_WRITE = (LOGIN, 302, 404, 302, 403, 403, 302)
B_UNIT_WRITE = (LOGIN, 404, 302, 404, 403, 403, 302)
INDEX_ALL_READ = (LOGIN, 404, 404, 404, 200, 200, 200)


def _index_campaign(phase: str) -> Callable:
    return lambda w, *_: {"pk": w.index_campaigns[phase].pk}


def _index_campaign_form(w) -> dict:
    return {"criteria_set": w.index_free_set.pk, "self_until": "15/01/2030",
            "appraisal_until": "15/02/2030", "explanation_until": "28/02/2030",
            "council_until": "10/03/2030"}


def _index_import(w) -> dict:
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    for row in [["STT", "Nội dung", "Điểm tối đa", "Phương thức chấm", "Tài liệu kiểm chứng"],
                ["I", "Cải cách thể chế", 100], ["1", "Rà soát văn bản", 100],
                ["1.1", "Ban hành kế hoạch rà soát", 100, "Có/Không", "x"]]:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return {"year": w.today.year + 7, "unit_kind": "commune", "name": "Bộ chỉ số xã",
            "total_points": "100", "file": SimpleUploadedFile("bo.xlsx", out.getvalue())}


def _index_scores(w) -> dict:
    nodes = {n.number: n.pk for n in w.index_campaigns["self"].criteria_set.components()}
    scores = {"1.1": "20", "1.2": "20", "1.3": "10", "2.1": "30", "2.2": "5"}
    return {**{f"score-{nodes[k]}": v for k, v in scores.items()},
            f"note-{nodes['1.2']}": "Kế hoạch chi tiết đến từng nhiệm vụ"}


def _index_line(w, phase: str, **fields) -> dict:
    return {f"{name}-{w.index_node[phase].pk}": value for name, value in fields.items()}


# --- surveys
SURVEY_READ_ALL = (LOGIN, 404, 404, 404, 200, 200, 200)  # the whole province: read-all roles


def _survey(w, *_):
    return {"pk": w.survey.pk}


def _survey_unit(owner: str) -> Callable:
    return lambda w, *_: {"pk": w.survey.pk, "unit_pk": getattr(w, f"unit_{owner.lower()}").pk}


def _survey_public(w, *_):
    return {"campaign_code": w.survey.code, "unit_code": w.unit_a.code}


def _survey_campaign_form(w, *, code: str) -> dict:
    return {"title": "Khảo sát 6 tháng cuối năm", "code": code,
            "start_date": w.today.strftime("%d/%m/%Y"),
            "end_date": (w.today + datetime.timedelta(days=40)).strftime("%d/%m/%Y"),
            "questionnaire": w.survey_q.pk, "period": w.period.pk,
            "overall_indicator": w.indicator.pk, "target": "90", "land_target": "85",
            "units": [w.unit_a.pk, w.unit_b.pk, w.unit_c.pk]}


def _survey_answers(w) -> dict:
    from surveys.forms import make_token

    data = {q.code: "5" for q in w.survey_q.questions.all() if q.is_scaled}
    return data | {"TTHC": "2", "CAITHIEN": ["1", "4"], "comment": "Tốt",
                   "token": make_token(w.survey, w.unit_a)}


def _survey_paper(w) -> dict:
    data = {f"r0-{q.code}": "4" for q in w.survey_q.questions.all() if q.is_scaled}
    return data | {"r0-TTHC": "4"}


def _survey_texts(w) -> dict:
    data = {}
    for q in w.survey_draft.questions.all():
        data |= {f"q{q.pk}-text_vi": q.text_vi + " (sửa)", f"q{q.pk}-text_en": q.text_en,
                 f"q{q.pk}-required": "on" if q.required else ""}
    for f in w.survey_draft.factors.all():
        data |= {f"f{f.pk}-title_vi": f.title_vi, f"f{f.pk}-title_en": f.title_en}
    return data


# --- index (session 5): corrections (after publication every person reads the assessment, so
# others get 403, not 404) and the criteria editor (coordinators; a frozen set: nobody).
INDEX_CORRECT_GET = (LOGIN, 403, 403, 403, 200, 403, 200)
NOBODY = (LOGIN, 403, 403, 403, 403, 403, 403)


def _index_set(phase: str) -> Callable:
    return lambda w, *_: {"pk": w.index_campaigns[phase].criteria_set_id}


def _index_set_node(phase: str) -> Callable:
    return lambda w, *_: {"pk": w.index_campaigns[phase].criteria_set_id,
                          "node_pk": w.index_node[phase].pk}


def _index_free_node(w, *_):
    return {"pk": w.index_free_set.pk, "node_pk": w.index_free_set.nodes.get(number="1.2").pk}


def _index_set_form(w, year=None) -> dict:
    data = {"name": "Bộ chỉ số CCHC các sở", "document": "Quyết định 3323/QĐ-UBND",
            "total_points": "100", "threshold_a": "90", "threshold_b": "80",
            "threshold_c": "70", "rescale_exempt": "on"}
    if year is not None:
        data |= {"year": year, "unit_kind": "commune"}
    return data


def _index_node_form(w) -> dict:
    return {"content": "Mức độ cụ thể của kế hoạch CCHC", "max_points": "20",
            "method": "levels", "levels": "0; 10; 20", "lower_bound": "0",
            "upper_bound": "100", "evidence_required": "on"}


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
    # An indicator with actuals cannot be deleted (issue 10): the spare one has none.
    "plans:indicator-delete": [Row(_pk("spare_indicator"), COORDINATORS_READ,
                                   COORDINATORS_WRITE)],
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
    # --- notifications: the bell's page, preferences, unsubscribe, delivery log, password reset
    "notifications:notice-list": [Row(_none, READ_ALL, NO_POST)],
    "notifications:notice-read": [Row(_pk("notice"), NO_GET,
                                      (LOGIN, 302, 404, 404, 404, 404, 404))],
    "notifications:notice-read-all": [Row(_none, NO_GET, (LOGIN,) + (302,) * 6, writes=False)],
    "notifications:preferences": [Row(
        _none, READ_ALL, (LOGIN,) + (302,) * 6,
        lambda w, *_: {"email": "ten@nghean.gov.vn", "phone": "0238 3844 201",
                       "digest_frequency": "weekly", "digest_time": "08:00", "language": "vi",
                       "notify_returned": "on"},
    )],
    "notifications:unsubscribe": [Row(lambda w, *_: {"token": w.unsubscribe}, (200,) * 7,
                                      (200,) * 7)],
    "notifications:delivery-list": [Row(_none, COORDINATORS_READ, NO_POST)],
    "notifications:delivery-detail": [Row(_pk("delivery"), COORDINATORS_READ, NO_POST)],
    "password_reset": [Row(_none, (200,) * 7, (302,) * 7,
                           lambda w, *_: {"email": "nobody@example.vn"}, writes=False)],
    "password_reset_done": [Row(_none, (200,) * 7, (405,) * 7)],
    "password_reset_confirm": [Row(lambda w, *_: {"uidb64": "MQ", "token": "set-password"},
                                   (200,) * 7, (200,) * 7, writes=False)],
    "password_reset_complete": [Row(_none, (200,) * 7, (405,) * 7)],
    "solutions:assignment-comment": _unit_rows(
        lambda o: _on(o, "assignment"), NO_GET, NO_GET, A_REPORT, B_REPORT,
        lambda w, *_: {"body": "Đơn vị đã bổ sung hồ sơ"},
    ),
    "solutions:assignment-remind": _unit_rows(
        lambda o: _on(o, "assignment"), NO_GET, NO_GET, A_COORD_WRITE, B_COORD_WRITE,
        lambda w, *_: {"message": "Đề nghị cập nhật tiến độ"},
    ),
    "solutions:comment-attachment": _unit_rows(lambda o: _on(o, "comment"), A_READ, B_READ,
                                               NO_POST, NO_POST),
    "solutions:unit-remind": _unit_rows(
        lambda o: _on(o, "unit"), NO_GET, NO_GET, A_COORD_WRITE, B_COORD_WRITE,
        lambda w, *_: {"message": ""},
    ),
    # --- index: the PAR index (a campaign in each phase; see _index_world)
    "index:campaign-list": [Row(_none, READ_ALL, NO_POST)],
    "index:campaign-create": [Row(_none, COORDINATORS_READ, COORDINATORS_WRITE,
                                  lambda w, *_: _index_campaign_form(w))],
    "index:campaign-detail": [Row(_index_campaign("self"), READ_ALL, NO_POST)],
    "index:campaign-advance": [Row(_index_campaign("self"), NO_GET, COORDINATORS_WRITE,
                                   lambda w, *_: {"phase": 1})],
    "index:campaign-results": [Row(_index_campaign("published"), READ_ALL, NO_POST),
                               Row(_index_campaign("self"), INDEX_ALL_READ, NO_POST)],
    "index:campaign-summary-xlsx": [Row(_index_campaign("published"), READ_ALL, NO_POST),
                                    Row(_index_campaign("self"), INDEX_ALL_READ, NO_POST)],
    "index:criteria-set-list": [Row(_none, READ_ALL, NO_POST)],
    "index:criteria-set-import": [Row(_none, COORDINATORS_READ, COORDINATORS_WRITE,
                                      lambda w, *_: _index_import(w))],
    "index:criteria-set-detail": [Row(_pk("index_free_set"), READ_ALL, NO_POST)],
    "index:criteria-set-export": [Row(_pk("index_free_set"), READ_ALL, NO_POST)],
    "index:criteria-set-copy": [Row(_pk("index_free_set"), NO_GET, COORDINATORS_WRITE,
                                    lambda w, *_: {"year": w.today.year + 5})],
    "index:assessment-detail": [
        *_unit_rows(lambda o: _on(o, "index_self"), A_READ, B_READ, NO_POST, NO_POST),
        Row(_on("A", "index_published"), READ_ALL, NO_POST, owner="A"),
    ],
    "index:assessment-xlsx": _unit_rows(lambda o: _on(o, "index_self"), A_READ, B_READ,
                                        NO_POST, NO_POST),
    "index:assessment-self": _unit_rows(
        lambda o: _on(o, "index_self"), A_UNIT_READ, B_UNIT_READ, A_UNIT_WRITE, B_UNIT_WRITE,
        lambda w, *_: _index_scores(w)),
    "index:assessment-submit": _unit_rows(
        lambda o: _on(o, "index_self"), NO_GET, NO_GET,
        (LOGIN, 403, 404, 302, 403, 403, 302), (LOGIN, 404, 403, 404, 403, 403, 302)),
    "index:assessment-appraise": _unit_rows(
        lambda o: _on(o, "index_appraisal"), A_COORD_READ, B_COORD_READ, A_COORD_WRITE,
        B_COORD_WRITE, lambda w, *_: _index_line(w, "appraisal", score="0", comment="Thiếu")),
    "index:assessment-explain": _unit_rows(
        lambda o: _on(o, "index_explanation"), A_UNIT_READ, B_UNIT_READ, A_UNIT_WRITE,
        B_UNIT_WRITE, lambda w, *_: _index_line(w, "explanation", explain="Đã bổ sung")),
    "index:assessment-decide": _unit_rows(
        lambda o: _on(o, "index_council"), A_COORD_READ, B_COORD_READ, A_COORD_WRITE,
        B_COORD_WRITE, lambda w, *_: _index_line(w, "council", final="20",
                                                 reason="Chấp nhận giải trình")),
    "index:line-evidence": _unit_rows(
        lambda o: lambda w, *_: {"pk": getattr(w, f"index_self_{o.lower()}").pk,
                                 "node_pk": w.index_node["self"].pk},
        A_UNIT_READ, B_UNIT_READ, A_UNIT_WRITE, B_UNIT_WRITE,
        lambda w, *_: {"document_number": "Quyết định số 9/QĐ-UBND"}),
    "index:evidence-download": _unit_rows(lambda o: _on(o, "index_evidence"), A_READ, B_READ,
                                          NO_POST, NO_POST),
    # --- surveys: campaigns, results, posters, paper forms, questionnaires; the public form
    "surveys:campaign-list": [Row(_none, READ_ALL, NO_POST)],
    "surveys:campaign-create": [Row(_none, COORDINATORS_READ, COORDINATORS_WRITE,
                                    lambda w, *_: _survey_campaign_form(w, code="moi"))],
    "surveys:campaign-detail": [Row(_survey, READ_ALL, NO_POST)],
    "surveys:campaign-edit": [Row(_survey, COORDINATORS_READ, COORDINATORS_WRITE,
                                  lambda w, *_: _survey_campaign_form(w, code="matrix"))],
    "surveys:campaign-close": [Row(_survey, NO_GET, COORDINATORS_WRITE)],
    "surveys:campaign-recompute": [Row(_survey, NO_GET, COORDINATORS_WRITE)],
    "surveys:campaign-results": [Row(_survey, SURVEY_READ_ALL, NO_POST)],
    "surveys:campaign-results-csv": [Row(_survey, SURVEY_READ_ALL, NO_POST)],
    "surveys:campaign-results-xlsx": [Row(_survey, SURVEY_READ_ALL, NO_POST)],
    "surveys:unit-results": _unit_rows(_survey_unit, A_READ, B_READ, NO_POST, NO_POST),
    "surveys:unit-poster": _unit_rows(_survey_unit, A_READ, B_READ, NO_POST, NO_POST),
    "surveys:paper-entry": _unit_rows(
        _survey_unit, (LOGIN, 200, 404, 200, 200, 403, 200), (LOGIN, 404, 200, 404, 200, 403, 200),
        A_REPORT, B_REPORT, lambda w, *_: _survey_paper(w)),
    "surveys:questionnaire-list": [Row(_none, SURVEY_READ_ALL, NO_POST)],
    "surveys:questionnaire-detail": [Row(lambda w, *_: {"pk": w.survey_q.pk}, SURVEY_READ_ALL,
                                         NO_POST)],
    "surveys:questionnaire-edit": [Row(
        lambda w, *_: {"pk": w.survey_draft.pk}, (LOGIN, 404, 404, 404, 200, 403, 200),
        (LOGIN, 404, 404, 404, 302, 403, 302), lambda w, *_: _survey_texts(w))],
    "surveys:questionnaire-copy": [Row(lambda w, *_: {"pk": w.survey_q.pk}, NO_GET,
                                       (LOGIN, 404, 404, 404, 302, 403, 302))],
    "surveys:short-link": [Row(
        lambda w, *_: {"short_code": w.survey.campaign_units.get(unit=w.unit_a).short_code},
        (302,) * 7, (405,) * 7)],
    "surveys:response-form": [Row(_survey_public, (200,) * 7, (302,) * 7,
                                  lambda w, *_: _survey_answers(w))],
    "surveys:response-thanks": [Row(_survey_public, (200,) * 7, (405,) * 7)],
    "surveys:kiosk-form": [Row(_survey_public, (200,) * 7, (302,) * 7,
                               lambda w, *_: _survey_answers(w))],
    "surveys:kiosk-thanks": [Row(_survey_public, (200,) * 7, (405,) * 7)],
    # --- reports: the official report (coordinators and leaders read, coordinators write)
    "reports:narrative-edit": [Row(
        _pk("period"), READ_ALL_ONLY, COORDINATORS_WRITE,
        lambda w, *_: {"agency": "UBND TỈNH NGHỆ AN", "number": "12", "number_suffix": "BC-UBND",
                   "place": "Nghệ An", "issued_on": "", "direction": "Chỉ đạo",
                   "assessment": "", "next_tasks": "", "proposals": "", "recipients": "",
                   "signer_title": "", "signer_name": "", "parent_agency": ""},
    )],
    "reports:report-docx": [Row(_pk("period"), READ_ALL_ONLY, NO_POST)],
    "reports:report-pdf": [Row(_pk("published"), READ_ALL_ONLY, NO_POST)],
    "reports:report-xlsx": [Row(_pk("period"), READ_ALL_ONLY, NO_POST)],
    # --- public: the public page and its open data (no login); publication (coordinators)
    "public:index": [Row(_none, (200,) * 7, (405,) * 7)],
    "public:data-dictionary": [Row(_none, (200,) * 7, (405,) * 7)],
    "public:period-detail": [Row(_pk("published"), (200,) * 7, (405,) * 7)],
    "public:period-csv": [Row(_pk("published"), (200,) * 7, (405,) * 7)],
    "public:period-json": [Row(_pk("published"), (200,) * 7, (405,) * 7)],
    "public:publication-list": [Row(_none, COORDINATORS_READ, NO_POST)],
    "public:period-publish": [Row(_pk("published"), NO_GET, COORDINATORS_WRITE,
                                  lambda w, *_: {"reason": ""})],
    "public:period-withdraw": [Row(_pk("published"), NO_GET, COORDINATORS_WRITE,
                                   lambda w, *_: {"reason": "Sai số liệu"})],
    # --- probe (issue 10): one CSV table a file; plan set-up
    "insight:period-table-csv": [
        Row(lambda w, *_: {"pk": w.period.pk, "table": "don-vi"}, READ_ALL, NO_POST)],
    "insight:period-table-csv-excel": [
        Row(lambda w, *_: {"pk": w.period.pk, "table": "tong-hop"}, READ_ALL, NO_POST)],
    "solutions:plan-create": [Row(
        _none, COORDINATORS_READ, COORDINATORS_WRITE,
        lambda w, *_: {"source": w.plan.pk, "year": w.today.year + 1, "action": "confirm",
                       "title": "Kế hoạch cải cách hành chính năm sau", "with_tasks": "on"},
    )],
    # --- ux: the menu's reporting periods, the glossary
    "insight:period-current": [Row(_none, (LOGIN, 302, 302, 302, 302, 302, 302), NO_POST)],
    "insight:glossary": [Row(_none, READ_ALL, NO_POST)],
    # --- index (session 5): corrections after the decision, the criteria editor. The free set
    # has no campaign (every edit); the self-assessment campaign's set takes wording only (its
    # tree's pages 403); the appraisal campaign's set is frozen (every page 403).
    "index:line-correct": _unit_rows(
        lambda o: lambda w, *_: {"pk": getattr(w, f"index_published_{o.lower()}").pk,
                                 "node_pk": w.index_node["published"].pk},
        INDEX_CORRECT_GET, INDEX_CORRECT_GET, COORDINATORS_WRITE, COORDINATORS_WRITE,
        lambda w, *_: {"score": "0", "reason": "Đính chính theo Quyết định 215/QĐ-UBND",
                       "document_number": "215/QĐ-UBND"}),
    "index:criteria-set-create": [Row(_none, COORDINATORS_READ, COORDINATORS_WRITE,
                                      lambda w, *_: _index_set_form(w, year=w.today.year + 9))],
    "index:criteria-set-edit": [
        Row(_pk("index_free_set"), COORDINATORS_READ, COORDINATORS_WRITE,
            lambda w, *_: _index_set_form(w)),
        Row(_index_set("self"), COORDINATORS_READ, COORDINATORS_WRITE,
            lambda w, *_: {"name": "Bộ chỉ số (đã sửa tên)", "document": "QĐ 3323"}),
        Row(_index_set("appraisal"), NOBODY, NOBODY, lambda w, *_: {"name": "Sửa"}),
    ],
    "index:node-create": [
        Row(_pk("index_free_set"), COORDINATORS_READ, COORDINATORS_WRITE,
            lambda w, *_: {"content": "Cải cách tài chính công", "max_points": "0"}),
        Row(_index_set("self"), NOBODY, NOBODY,
            lambda w, *_: {"content": "Cải cách tài chính công", "max_points": "0"}),
    ],
    "index:node-edit": [
        Row(_index_free_node, COORDINATORS_READ, COORDINATORS_WRITE,
            lambda w, *_: _index_node_form(w)),
        Row(_index_set_node("self"), COORDINATORS_READ, COORDINATORS_WRITE,
            lambda w, *_: {"content": "Mức độ cụ thể của kế hoạch (sửa lời văn)"}),
        Row(_index_set_node("appraisal"), NOBODY, NOBODY, lambda w, *_: _index_node_form(w)),
    ],
    "index:node-move": [
        Row(_index_free_node, NO_GET, COORDINATORS_WRITE, lambda w, *_: {"direction": "up"}),
        Row(_index_set_node("self"), NO_GET, NOBODY, lambda w, *_: {"direction": "up"}),
    ],
    "index:node-delete": [
        Row(_index_free_node, COORDINATORS_READ, COORDINATORS_WRITE),
        Row(_index_set_node("self"), NOBODY, NOBODY),
    ],
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
