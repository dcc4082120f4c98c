"""`manage.py load_demo`: idempotent, faithful to the reorganisations, and a live dashboard mix."""

import datetime
import itertools
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from demo.loader import DEFAULT_PASSWORD, load_demo
from plans.models import Plan, ReformArea
from solutions.models import (
    Assignment,
    DeadlineExtension,
    ProgressEntry,
    Solution,
    Task,
    Timeliness,
    Verification,
)
from solutions.services import assign_task
from units.models import Membership, Unit, unit_contacts

EVERY_CLASS = ("on_time", "late", "in_progress", "overdue", "due_soon", "stale")


@pytest.fixture(autouse=True)
def _default_password(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)


def logs_in(username: str, password: str) -> bool:
    """Log in through the login form, as a person does (django-axes needs the request, so
    Client.login() is not enough): True when the session then belongs to that user."""
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    user_id = client.session.get("_auth_user_id")
    if user_id is None:
        assert response.status_code == 200  # the form again, with its error
        return False
    assert response.status_code == 302
    assert str(get_user_model().objects.get(username=username).pk) == user_id
    return True


def current_plan() -> Plan:
    return Plan.objects.get(year=timezone.localdate().year, status=Plan.Status.ACTIVE)


def snapshot() -> dict[str, int]:
    models = [Group, get_user_model(), Membership, Unit, Plan, ReformArea, Solution, Task,
              Assignment, ProgressEntry, Verification, DeadlineExtension]
    # The audit history too: a run that saves what did not change writes history rows.
    models += [model.history.model for model in (Membership, Unit, Task, Assignment)]
    return {model.__name__: model.objects.count() for model in models}


def returned(assignments):
    return assignments.exclude(returned_reason="")


# --- Runs of the command on an empty database ----------------------------------------------------


def test_command_runs_twice_with_identical_counts(db):
    out = StringIO()
    call_command("load_demo", stdout=out)
    first = snapshot()
    call_command("load_demo", stdout=out)

    assert snapshot() == first
    assert first["Unit"] == 56
    assert first["Plan"] == 2
    # The six accounts of README and the appraiser, and the units' contact persons.
    contacts = get_user_model().objects.filter(username__startswith="daumoi.")
    assert first["User"] == 7 + contacts.count()
    assert not any(user.has_usable_password() for user in contacts)
    # Every unit has someone to call about it, but for a few not recorded yet.
    named = set(unit_contacts(Unit.objects.values_list("pk", flat=True)))
    assert 45 <= len(named) < first["Unit"]
    assert Unit.objects.get(code="STP").pk in named  # its head, head.tuphap
    assert first["Verification"] > 300
    assert first["DeadlineExtension"] >= 5
    assert "Demo data loaded." in out.getvalue()


def test_second_run_creates_nothing(db):
    first = load_demo()
    again = load_demo()

    assert all(c["created"] == 0 for c in again.values()), again
    assert {name: c["total"] for name, c in again.items()} == {
        name: c["total"] for name, c in first.items()
    }


def test_later_run_keeps_deadlines_and_history(db):
    day = datetime.date(2027, 5, 10)
    load_demo(today=day)
    before = snapshot()
    deadlines = dict(Task.objects.values_list("pk", "due_date"))

    load_demo(today=day + datetime.timedelta(days=20))

    assert snapshot() == before
    assert dict(Task.objects.values_list("pk", "due_date")) == deadlines


def test_dry_run_saves_nothing(db):
    out = StringIO()
    call_command("load_demo", "--dry-run", stdout=out)

    assert Unit.objects.count() == 0
    assert Task.objects.count() == 0
    assert "would create" in out.getvalue()
    assert "Dry run" in out.getvalue()


@pytest.mark.parametrize(
    "day",
    [datetime.date(2027, 1, 3), datetime.date(2027, 6, 30), datetime.date(2027, 12, 20)],
    ids=str,
)
def test_every_class_whatever_the_day(db, day):
    load_demo(today=day)
    plan = Plan.objects.get(year=day.year, status=Plan.Status.ACTIVE)
    assignments = Assignment.objects.filter(task__plan=plan)
    counts = assignments.timeliness_counts(on=day)

    for name in EVERY_CLASS:
        assert counts[name] >= 3, (name, counts)
    assert counts["awaiting"] >= 5, counts
    assert counts["extended"] >= 4, counts
    assert returned(assignments).count() >= 2
    # Everything happened before the day the demo is for.
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    assert not ProgressEntry.objects.filter(reported_at__gte=start).exists()
    assert not Verification.objects.filter(decided_at__gte=start).exists()
    assert not DeadlineExtension.objects.filter(decided_at__gte=start).exists()


def test_verifies_what_an_older_demo_completed(db):
    """A demo loaded before verification existed completed assignments on their first 100%
    report, with no decision: the next run verifies them (and only once)."""
    load_demo()
    plan = current_plan()
    task = plan.tasks.get(code="1.5")
    (old,) = assign_task(task=task, units=[Unit.objects.get(code="SNV")])
    reported_at = timezone.make_aware(datetime.datetime(plan.year, 1, 20, 17, 5))
    entry = ProgressEntry.objects.create(
        assignment=old, percent=100, note="Đã hoàn thành.",
        reported_by=get_user_model().objects.get(username="coordinator"),
        reported_at=reported_at,
    )
    Assignment.objects.filter(pk=old.pk).update(
        latest_percent=100, latest_report_at=reported_at, completed_on=reported_at.date(),
    )

    again = load_demo()

    assert again["verifications"]["created"] == 1
    verification = Verification.objects.get(assignment=old)
    assert verification.entry == entry
    assert verification.decision == Verification.Decision.VERIFIED
    assert verification.decided_by.username == "coordinator"
    assert reported_at < verification.decided_at < timezone.now()
    old.refresh_from_db()
    assert old.completed_on == timezone.localdate(reported_at)
    assert load_demo()["verifications"]["created"] == 0


def test_password_comes_from_the_environment_and_is_reset(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-pass")
    call_command("load_demo", stdout=StringIO())
    assert logs_in("staff.tuphap", "another-demo-pass")

    monkeypatch.delenv("DEMO_PASSWORD")
    call_command("load_demo", stdout=StringIO())
    assert not logs_in("staff.tuphap", "another-demo-pass")
    assert logs_in("staff.tuphap", DEFAULT_PASSWORD)


# --- Read-only checks of one load -----------------------------------------------------------------


@pytest.fixture(scope="class")
def loaded(django_db_setup, django_db_blocker):
    """One load for the whole class, rolled back after its last test."""
    # The hasher the autouse settings fixture of conftest.py gives each test.
    md5 = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), md5, transaction.atomic():
        yield load_demo(password=DEFAULT_PASSWORD)
        transaction.set_rollback(True)


@pytest.mark.usefixtures("loaded", "db")
class TestLoadedDemo:
    def test_2024_plan_has_areas_solutions_and_tasks(self):
        plan = Plan.objects.get(year=2024)

        assert plan.status == Plan.Status.CLOSED
        assert plan.title == "Kế hoạch cải cách hành chính năm 2024"
        assert list(plan.areas.values_list("number", flat=True)) == [0, 1, 2, 3, 4, 5, 6]
        assert list(plan.solutions.values_list("number", flat=True)) == list(range(1, 11))
        assert plan.tasks.count() >= 40
        assert set(plan.tasks.values_list("area__number", flat=True)) == set(range(7))
        assert plan.tasks.filter(due_date__isnull=True).count() >= 3
        assert plan.tasks.exclude(solution=None).count() >= 30

    def test_2024_plan_uses_the_units_of_2024(self):
        units = Unit.objects.filter(assignments__task__plan__year=2024).distinct()

        assert not units.filter(active_from__gt=datetime.date(2024, 12, 31)).exists()
        assert not units.filter(active_to__lt=datetime.date(2024, 1, 1)).exists()
        # Tasks that go to every locality at once ("UBND các huyện, thành phố, thị xã").
        every_district = [
            task for task in Task.objects.filter(plan__year=2024)
            if task.assignments.filter(
                role=Assignment.Role.LEAD, unit__kind=Unit.Kind.DISTRICT).count() == 21
        ]
        assert len(every_district) >= 3

    def test_2024_plan_ends_mostly_done_a_few_overdue(self):
        counts = Assignment.objects.filter(task__plan__year=2024).timeliness_counts()

        assert counts["on_time"] > counts["total"] * 0.7
        assert counts["late"] > 0
        assert counts["overdue"] > 0
        assert counts["in_progress"] == 0

    def test_reorganisations(self):
        vinh, cua_lo = Unit.objects.get(code="412"), Unit.objects.get(code="413")
        assert cua_lo.active_to == datetime.date(2024, 11, 30)
        assert cua_lo.successor == vinh
        assert vinh.active_to == datetime.date(2025, 6, 30)
        assert vinh.successor is None
        assert Unit.objects.get(code="SKHDT").successor.code == "STC"
        assert Unit.objects.get(code="STNMT").successor.name == "Sở Nông nghiệp và Môi trường"
        assert Unit.objects.get(code="SNV").active_to is None

        active = Unit.objects.active(on=datetime.date(2025, 8, 1))
        assert active.filter(kind=Unit.Kind.PROVINCIAL).count() == 15
        assert not active.filter(kind=Unit.Kind.DISTRICT).exists()
        assert active.filter(kind=Unit.Kind.COMMUNE).count() == 11
        on_2024 = Unit.objects.filter(kind=Unit.Kind.DISTRICT)
        assert on_2024.active(on=datetime.date(2024, 6, 1)).count() == 21
        assert on_2024.active(on=datetime.date(2024, 12, 15)).count() == 20

    def test_current_plan_shows_every_class(self):
        plan = current_plan()
        counts = Assignment.objects.filter(task__plan=plan).timeliness_counts()

        assert plan.tasks.count() >= 40
        assert list(plan.areas.values_list("number", flat=True)) == [0, 1, 2, 3, 4, 5, 6]
        assert plan.solutions.count() == 10
        for name in EVERY_CLASS:
            assert counts[name] >= 3, (name, counts)
        assert counts["on_time"] > counts["late"]
        assert counts["on_time"] > counts["overdue"]

    def test_current_plan_uses_todays_units(self):
        used = Unit.objects.filter(assignments__task__plan=current_plan()).distinct()

        assert set(used) <= set(Unit.objects.active(on=timezone.localdate()))
        assert used.filter(kind=Unit.Kind.COMMUNE).count() == 11

    @pytest.mark.parametrize(
        ("code", "classes"),
        [
            ("STP", ("on_time", "late", "in_progress", "overdue", "due_soon")),
            ("16681", ("on_time", "in_progress", "overdue", "due_soon")),
        ],
    )
    def test_demo_staff_units_have_a_rich_mix(self, code, classes):
        counts = Assignment.objects.filter(
            task__plan=current_plan(), unit__code=code
        ).timeliness_counts()

        for name in classes:
            assert counts[name] >= 1, (code, name, counts)

    def test_history_matches_latest_fields(self):
        """The latest fields are what record_progress, verify_completion and return_completion
        would have left after these reports and decisions."""
        now = timezone.now()
        entries: dict[int, list[ProgressEntry]] = {}
        for entry in ProgressEntry.objects.order_by("reported_at", "pk"):
            entries.setdefault(entry.assignment_id, []).append(entry)
        decisions: dict[int, list[Verification]] = {}
        for verification in Verification.objects.order_by("decided_at", "pk"):
            decisions.setdefault(verification.assignment_id, []).append(verification)
        assignments = Assignment.objects.select_related("unit")

        assert len(entries) > 0.8 * assignments.count()
        for assignment in assignments:
            history = entries.get(assignment.pk, [])
            decided = decisions.get(assignment.pk, [])
            assert assignment.completed_on is None or assignment.latest_percent == 100
            if not history:
                assert assignment.latest_percent == 0
                assert assignment.latest_report_at is None
                assert not decided
                continue
            newest = history[-1]
            assert assignment.latest_percent == newest.percent
            assert assignment.latest_report_at == newest.reported_at
            assert len({e.reported_at for e in history}) == len(history)
            assert assignment.created_at <= history[0].reported_at
            assert newest.reported_at < now
            if assignment.unit.active_to:
                assert timezone.localdate(newest.reported_at) <= assignment.unit.active_to
            # Progress only grows, but for the report after a return.
            returns = {v.entry_id for v in decided if v.decision == Verification.Decision.RETURNED}
            for before, after in itertools.pairwise(history):
                assert after.percent >= before.percent or before.pk in returns
            # Every decision is on a 100% report, after it and before now.
            for verification in decided:
                assert verification.entry.assignment_id == assignment.pk
                assert verification.entry.percent == 100
                assert verification.entry.reported_at < verification.decided_at < now
            undecided_full = newest.percent == 100 and newest.pk not in {
                v.entry_id for v in decided}
            assert (assignment.pending_entry_id == newest.pk) == undecided_full
            if assignment.pending_entry_id:
                assert assignment.completed_on is None

    def test_every_completion_was_verified_on_its_first_full_report(self):
        verifications = {
            v.assignment_id: v for v in Verification.objects.filter(
                decision=Verification.Decision.VERIFIED).select_related("entry", "decided_by")
        }
        done = Assignment.objects.filter(completed_on__isnull=False)

        assert done.filter(task__plan__year=2024).count() > 250
        assert done.filter(task__plan=current_plan()).count() > 100
        assert set(verifications) == set(done.values_list("pk", flat=True))
        assert Verification.objects.filter(
            decision=Verification.Decision.VERIFIED).count() == len(verifications)
        for assignment in done:
            verification = verifications[assignment.pk]
            first_full = assignment.entries.filter(percent=100).order_by("reported_at", "pk")[0]
            assert verification.entry == first_full
            assert verification.decided_by.username == "coordinator"
            assert verification.reason == ""
            assert assignment.completed_on == timezone.localdate(first_full.reported_at)
            # A little after the report: within a week.
            assert verification.decided_at - first_full.reported_at < datetime.timedelta(days=7)
            assert assignment.pending_entry_id is None
            assert assignment.returned_reason == ""

    def test_current_plan_has_reports_awaiting_verification(self):
        plan = current_plan()
        today = timezone.localdate()
        awaiting = list(
            Assignment.objects.with_timeliness().filter(task__plan=plan, is_awaiting=True)
            .select_related("unit", "pending_entry")
        )

        assert len(awaiting) >= 5
        assert {"16681", "STP"} <= {a.unit.code for a in awaiting}
        for assignment in awaiting:
            entry = assignment.pending_entry
            assert entry.percent == 100
            assert assignment.latest_percent == 100
            assert assignment.latest_report_at == entry.reported_at
            assert assignment.completed_on is None
            assert not entry.verifications.exists()
            # Reported in the last week or so: the coordinator has not got to it yet.
            assert today - timezone.localdate(entry.reported_at) <= datetime.timedelta(days=10)
            in_time = timezone.localdate(entry.reported_at) <= assignment.effective_due_date
            assert assignment.timeliness == (
                Timeliness.IN_PROGRESS if in_time or assignment.effective_due_date >= today
                else Timeliness.OVERDUE
            )
        in_time = [a for a in awaiting
                   if timezone.localdate(a.pending_entry.reported_at) <= a.effective_due_date]
        assert len(in_time) >= 3
        # ... and one reported after its deadline, overdue while it waits.
        assert any(a.timeliness == Timeliness.OVERDUE for a in awaiting)
        assert Assignment.objects.filter(task__plan__year=2024, pending_entry__isnull=False
                                         ).count() == 0

    def test_current_plan_has_returned_reports(self):
        plan = current_plan()
        sent_back = list(returned(Assignment.objects.filter(task__plan=plan)
                                  ).select_related("unit"))

        assert len(sent_back) >= 2
        assert "16681" in {a.unit.code for a in sent_back}
        for assignment in sent_back:
            verification = assignment.verifications.latest("decided_at")
            assert verification.decision == Verification.Decision.RETURNED
            assert verification.reason == assignment.returned_reason
            assert verification.decided_by.username == "coordinator"
            assert verification.entry.percent == 100
            assert assignment.completed_on is None
            assert assignment.pending_entry_id is None
            # The unit has reported again since, below 100%.
            later = assignment.entries.filter(reported_at__gt=verification.decided_at)
            assert later.exists()
            assert assignment.latest_percent < 100
        reasons = {a.returned_reason for a in sent_back}
        assert "Chưa có tài liệu kiểm chứng: đề nghị bổ sung quyết định ban hành." in reasons or (
            len(reasons) >= 2)

    def test_current_plan_has_deadline_extensions(self):
        plan = current_plan()
        today = timezone.localdate()
        now = timezone.now()
        extended = list(
            Assignment.objects.with_timeliness().filter(task__plan=plan, is_extended=True)
            .select_related("unit", "task")
        )

        assert len(extended) >= 4
        assert "16681" in {a.unit.code for a in extended}
        assert set(DeadlineExtension.objects.values_list("assignment", flat=True)) == {
            a.pk for a in extended}
        for assignment in extended:
            chain = list(assignment.extensions.order_by("decided_at", "pk"))
            assert chain, assignment
            assert assignment.original_due_date == assignment.task.due_date
            assert chain[0].previous_due_date == assignment.original_due_date
            for first, second in itertools.pairwise(chain):
                assert second.previous_due_date == first.new_due_date
            assert chain[-1].new_due_date == assignment.due_date
            for extension in chain:
                assert extension.new_due_date > extension.previous_due_date
                assert extension.reason
                # Dated the day of the decision, the Vietnamese way: 15/9/2026.
                day = timezone.localdate(extension.decided_at)
                assert extension.document.startswith("Công văn số ")
                assert extension.document.endswith(f" ngày {day.day}/{day.month}/{day.year}")
                assert extension.decided_by.username == "coordinator"
                assert assignment.created_at < extension.decided_at < now
        # An extension that turned a would-be overdue assignment into one in progress.
        assert any(
            a.original_due_date < today <= a.due_date and a.timeliness == Timeliness.IN_PROGRESS
            for a in extended
        )
        assert any(len(a.extensions.all()) > 1 for a in extended)

    def test_audit_history_ends_in_the_current_state(self):
        """One history row per change, as the services' saves would have written them."""
        fields = ["due_date", "latest_percent", "latest_report_at", "completed_on",
                  "pending_entry_id", "returned_reason", "created_at"]
        newest = {}
        for row in Assignment.history.order_by("history_date", "history_id"):
            newest[row.id] = row
        assignments = list(Assignment.objects.all())

        assert set(newest) == {a.pk for a in assignments}
        for assignment in assignments:
            row = newest[assignment.pk]
            assert {f: getattr(row, f) for f in fields} == {
                f: getattr(assignment, f) for f in fields}, assignment
            assert row.history_date <= timezone.now()
        counts = Assignment.history.filter(history_type="~").count()
        assert counts == ProgressEntry.objects.count() + Verification.objects.count() + (
            DeadlineExtension.objects.count())
        assert Task.history.filter(history_type="+").count() == Task.objects.count()

    def test_2024_history_stays_in_2024(self):
        start = timezone.make_aware(datetime.datetime(2024, 1, 1, 8))
        end = timezone.make_aware(datetime.datetime(2025, 1, 1))
        entries = ProgressEntry.objects.filter(assignment__task__plan__year=2024)

        assert entries.count() > 300
        assert not entries.exclude(reported_at__gte=start, reported_at__lt=end).exists()
        assert not Assignment.objects.filter(task__plan__year=2024).exclude(
            created_at=start).exists()

    def test_reports_by_demo_staff(self):
        by_unit = ProgressEntry.objects.filter
        assert by_unit(assignment__unit__code="412", reported_by__username="staff.vinh").exists()
        assert by_unit(assignment__unit__code="16681", reported_by__username="staff.vinh").exists()
        assert not by_unit(assignment__unit__code="STP").exclude(
            reported_by__username="staff.tuphap").exists()
        assert by_unit(assignment__unit__code="SNV", reported_by__username="coordinator").exists()

    def test_demo_accounts(self):
        users = {u.username: u for u in get_user_model().objects.all()}

        assert users["admin"].is_superuser and users["admin"].is_staff
        assert users["coordinator"].groups.filter(name="coordinators").exists()
        assert users["leader"].groups.filter(name="leaders").exists()
        assert not users["leader"].is_staff
        assert set(users["staff.vinh"].memberships.values_list("unit__code", flat=True)) == {
            "412", "16681"}
        assert users["head.tuphap"].memberships.get().role == Membership.Role.HEAD
        assert all(u.first_name and u.last_name for u in users.values())

    @pytest.mark.parametrize(
        "username", ["staff.vinh", "staff.tuphap", "head.tuphap", "coordinator", "leader", "admin"]
    )
    def test_demo_users_log_in_with_the_demo_password(self, username):
        assert logs_in(username, DEFAULT_PASSWORD)
