"""generate_scale_data at a tiny scale: counts, constraints, every class, latest fields."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from plans.models import Plan
from solutions.models import Assignment, DeadlineExtension, ProgressEntry, Task
from demo.scale import apportion, plan_title, quota
from units.access import LEADERS_GROUP
from units.models import Membership, Unit

TINY = ["--units", "20", "--tasks", "30", "--assignments", "200", "--entries", "1000",
        "--seed", "7"]


def generate(*extra: str) -> str:
    out = StringIO()
    call_command("generate_scale_data", *TINY, *extra, stdout=out)
    return out.getvalue()


@pytest.fixture
def plan(db) -> Plan:
    generate()
    year = timezone.localdate().year
    return Plan.objects.get(year=year, title=plan_title(year))


def test_counts(plan):
    assert Unit.objects.filter(code__startswith="SCALE-").count() == 20
    assert set(Unit.objects.filter(code__startswith="SCALE-").values_list("kind", flat=True)) == {
        "provincial", "district", "commune", "other"}
    assert plan.status == Plan.Status.ACTIVE
    assert sorted(plan.areas.values_list("number", flat=True)) == list(range(7))
    assert sorted(plan.solutions.values_list("number", flat=True)) == list(range(1, 11))
    assert Task.objects.filter(plan=plan).count() == 30
    assignments = Assignment.objects.filter(task__plan=plan)
    assert assignments.count() == 200
    assert not Task.objects.filter(plan=plan, assignments__isnull=True).exists()
    assert set(assignments.values_list("role", flat=True)) == {"lead", "support"}
    assert ProgressEntry.objects.filter(assignment__task__plan=plan).count() == 1000


def test_accounts(plan):
    User = get_user_model()
    leader = User.objects.get(username="scale.leader")
    assert leader.groups.filter(name=LEADERS_GROUP).exists()
    assert leader.check_password("demo-pass-2024")
    staff = User.objects.get(username="scale.staff1")
    assert Membership.objects.filter(user=staff).count() == 2
    assert Assignment.objects.filter(task__plan=plan, unit__memberships__user=staff).exists()


def test_every_class_appears(plan):
    counts = Assignment.objects.filter(task__plan=plan).timeliness_counts()
    assert counts["total"] == 200
    for name in ("on_time", "late", "in_progress", "overdue", "due_soon", "stale", "awaiting",
                 "extended"):
        assert counts[name] > 0, (name, counts)
    assignments = Assignment.objects.filter(task__plan=plan)
    assert assignments.filter(due_date__isnull=True).exists()  # ongoing tasks
    assert assignments.filter(latest_report_at__isnull=True).exists()  # never reported
    assert DeadlineExtension.objects.filter(assignment__task__plan=plan).count() == counts[
        "extended"]


def test_constraints_hold(plan):
    assignments = Assignment.objects.filter(task__plan=plan)
    assert not assignments.filter(completed_on__isnull=False).exclude(latest_percent=100).exists()
    assert not assignments.filter(pending_entry__isnull=False).exclude(latest_percent=100).exists()
    assert not assignments.filter(pending_entry__isnull=False, completed_on__isnull=False).exists()
    assert not assignments.filter(latest_percent__gt=100).exists()
    for extension in DeadlineExtension.objects.filter(assignment__task__plan=plan):
        assert extension.new_due_date > extension.previous_due_date
        assert extension.assignment.due_date == extension.new_due_date
        assert extension.assignment.original_due_date == extension.previous_due_date


def test_latest_fields_follow_the_newest_entry(plan):
    now = timezone.now()
    entries: dict[int, list[ProgressEntry]] = {}
    for entry in ProgressEntry.objects.filter(assignment__task__plan=plan).order_by(
        "reported_at", "pk"
    ):
        entries.setdefault(entry.assignment_id, []).append(entry)
    for a in Assignment.objects.filter(task__plan=plan):
        history = entries.get(a.pk, [])
        if not history:
            assert (a.latest_percent, a.latest_report_at, a.completed_on, a.pending_entry_id) == (
                0, None, None, None)
            continue
        times = [e.reported_at for e in history]
        assert times == sorted(set(times)), "strictly increasing report times"
        assert times[-1] <= now
        assert history[0].reported_at > a.created_at
        newest = history[-1]
        assert a.latest_percent == newest.percent
        assert a.latest_report_at == newest.reported_at
        full = [e for e in history if e.percent == 100]
        if a.completed_on is not None:
            assert a.completed_on == timezone.localdate(full[0].reported_at)
        if a.pending_entry_id is not None:
            assert a.pending_entry_id == newest.pk and newest.percent == 100
        if full:
            # A 100% report is the last one: either verified (completed) or awaiting.
            assert full == [newest]
            assert (a.completed_on is None) != (a.pending_entry_id is None)
        percents = [e.percent for e in history]
        assert percents == sorted(percents)


def test_second_run_into_the_same_plan_is_refused(plan):
    before = ProgressEntry.objects.count(), Assignment.objects.count(), Unit.objects.count()
    with pytest.raises(CommandError, match="already exists"):
        generate()
    assert (ProgressEntry.objects.count(), Assignment.objects.count(),
            Unit.objects.count()) == before


def test_another_plan_year_reuses_the_units(plan):
    units = Unit.objects.count()
    out = generate("--plan-year", str(plan.year - 1))
    assert "written" in out
    assert Unit.objects.count() == units
    assert Plan.objects.filter(title__startswith="Kế hoạch CCHC (dữ liệu thử tải)").count() == 2


def test_dry_run_writes_nothing(db):
    out = generate("--dry-run")
    assert "Dry run" in out
    assert not Plan.objects.exists()
    assert not Unit.objects.exists()


def test_sizes_that_cannot_fit_are_refused(db):
    with pytest.raises(CommandError, match="too few"):
        call_command("generate_scale_data", "--units", "5", "--tasks", "5", "--assignments",
                     "20", "--entries", "3", stdout=StringIO())
    with pytest.raises(CommandError, match="do not fit"):
        call_command("generate_scale_data", "--units", "2", "--tasks", "2", "--assignments",
                     "5", "--entries", "10", stdout=StringIO())


def test_quota_and_apportion():
    import random

    labels = quota(10, {"a": 0.9, "b": 0.05, "c": 0.05}, random.Random(1))
    assert len(labels) == 10 and set(labels) == {"a", "b", "c"}
    parts = apportion(1000, [1, 1, 50, 3], 1, 400)
    assert sum(parts) == 1000 and all(1 <= p <= 400 for p in parts)
