"""`manage.py load_demo`: idempotent, faithful to the reorganisations, and a live dashboard mix."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from plans.demo import DEFAULT_PASSWORD, load_demo
from plans.models import Plan, ReformArea
from solutions.models import Assignment, ProgressEntry, Solution, Task
from units.models import Membership, Unit

EVERY_CLASS = ("on_time", "late", "in_progress", "overdue", "due_soon", "stale")


@pytest.fixture(autouse=True)
def _default_password(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)


def current_plan() -> Plan:
    return Plan.objects.get(year=timezone.localdate().year, status=Plan.Status.ACTIVE)


def snapshot() -> dict[str, int]:
    models = [Group, get_user_model(), Membership, Unit, Plan, ReformArea, Solution, Task,
              Assignment, ProgressEntry]
    return {model.__name__: model.objects.count() for model in models}


# --- Runs of the command on an empty database ----------------------------------------------------


def test_command_runs_twice_with_identical_counts(db):
    out = StringIO()
    call_command("load_demo", stdout=out)
    first = snapshot()
    call_command("load_demo", stdout=out)

    assert snapshot() == first
    assert first["Unit"] == 56
    assert first["Plan"] == 2
    assert first["User"] == 6
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
    counts = Assignment.objects.filter(task__plan=plan).timeliness_counts(on=day)

    for name in EVERY_CLASS:
        assert counts[name] >= 3, (name, counts)


def test_password_comes_from_the_environment_and_is_reset(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-pass")
    call_command("load_demo", stdout=StringIO())
    assert Client().login(username="staff.tuphap", password="another-demo-pass")

    monkeypatch.delenv("DEMO_PASSWORD")
    call_command("load_demo", stdout=StringIO())
    assert not Client().login(username="staff.tuphap", password="another-demo-pass")
    assert Client().login(username="staff.tuphap", password=DEFAULT_PASSWORD)


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
        now = timezone.now()
        entries: dict[int, list[ProgressEntry]] = {}
        for entry in ProgressEntry.objects.order_by("reported_at", "pk"):
            entries.setdefault(entry.assignment_id, []).append(entry)
        assignments = Assignment.objects.select_related("unit")

        assert len(entries) > 0.8 * assignments.count()
        for assignment in assignments:
            history = entries.get(assignment.pk, [])
            assert assignment.completed_on is None or assignment.latest_percent == 100
            if not history:
                assert assignment.latest_percent == 0
                assert assignment.latest_report_at is None
                continue
            newest = history[-1]
            assert assignment.latest_percent == newest.percent
            assert assignment.latest_report_at == newest.reported_at
            percents = [e.percent for e in history]
            assert percents == sorted(percents)
            assert len({e.reported_at for e in history}) == len(history)
            first_done = next((e for e in history if e.percent == 100), None)
            expected_done = timezone.localdate(first_done.reported_at) if first_done else None
            assert assignment.completed_on == expected_done
            assert assignment.created_at <= history[0].reported_at
            assert newest.reported_at < now
            if assignment.unit.active_to:
                assert timezone.localdate(newest.reported_at) <= assignment.unit.active_to

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
        assert Client().login(username=username, password=DEFAULT_PASSWORD)
