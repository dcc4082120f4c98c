"""The write services: record_progress() and assign_task(), on real PostgreSQL.

Verification, return and deadline extension: tests/test_verification_service.py.
"""

import datetime
import re
import threading
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from solutions.models import Assignment, ProgressEntry
from solutions.services import assign_task, record_progress, verify_completion
from tests.factories import (
    AssignmentFactory,
    PlanFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
UTC = datetime.UTC


@pytest.fixture
def reporter(db):
    return UserFactory(username="reporter")


@pytest.fixture
def clock(monkeypatch):
    """Set the wall clock the service reads (timezone.now); the database is untouched."""

    def set_now(moment: datetime.datetime):
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return set_now


def _fail_on(table: str, when: str, condition: str = "true"):
    """A real PostgreSQL trigger that aborts a write half-way through a service call.

    Created inside the test's transaction, so it disappears with the rollback at the end.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION pg_temp.fail_write() RETURNS trigger AS $$"
            " BEGIN RAISE EXCEPTION 'write refused by test trigger'; END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            f"CREATE TRIGGER test_fail_write {when} ON {table} FOR EACH ROW"
            f" WHEN ({condition}) EXECUTE FUNCTION pg_temp.fail_write()"
        )


class TestRecordProgress:
    def test_appends_one_entry_and_updates_the_latest_fields(self, assignment_a, reporter):
        entry = record_progress(
            assignment=assignment_a, user=reporter, percent=40, note="Đã dự thảo kế hoạch"
        )

        assert ProgressEntry.objects.filter(assignment=assignment_a).count() == 1
        entry.refresh_from_db()
        assert (entry.percent, entry.note, entry.reported_by) == (
            40, "Đã dự thảo kế hoạch", reporter
        )
        stored = Assignment.objects.get(pk=assignment_a.pk)
        assert stored.latest_percent == 40
        assert stored.latest_report_at == entry.reported_at
        assert stored.completed_on is None
        # The caller's object reflects the write too.
        assert assignment_a.latest_percent == 40
        assert assignment_a.latest_report_at == entry.reported_at

    def test_each_report_is_a_new_entry_and_history_is_kept(self, assignment_a, reporter):
        for percent in (10, 30, 60):
            record_progress(assignment=assignment_a, user=reporter, percent=percent, note="x")
        percents = list(
            ProgressEntry.objects.filter(assignment=assignment_a)
            .order_by("reported_at", "pk")
            .values_list("percent", flat=True)
        )
        assert percents == [10, 30, 60]
        assignment_a.refresh_from_db()
        assert assignment_a.latest_percent == 60

    def test_a_stale_object_from_the_caller_is_not_trusted(self, assignment_a, reporter):
        stale_copy = Assignment.objects.get(pk=assignment_a.pk)
        record_progress(assignment=assignment_a, user=reporter, percent=100, note="xong")
        # A later report through an out-of-date object withdraws from the database state.
        record_progress(assignment=stale_copy, user=reporter, percent=90, note="sửa lại")
        assignment_a.refresh_from_db()
        assert (assignment_a.latest_percent, assignment_a.completed_on) == (90, None)
        assert assignment_a.pending_entry_id is None

    def test_100_percent_awaits_verification_and_does_not_complete(
        self, assignment_a, reporter, clock
    ):
        now = clock(datetime.datetime(2025, 3, 10, 20, 0, tzinfo=UTC))
        entry = record_progress(
            assignment=assignment_a, user=reporter, percent=100, note="Hoàn thành"
        )

        stored = Assignment.objects.get(pk=assignment_a.pk)
        assert stored.pending_entry == entry
        assert stored.completed_on is None
        assert stored.is_done is False
        assert stored.is_awaiting_verification is True
        assert (stored.latest_percent, stored.latest_report_at) == (100, now)
        # The caller's object reflects the write too.
        assert assignment_a.pending_entry_id == entry.pk
        assert assignment_a.completed_on is None

    def test_verification_completes_on_the_local_date_of_the_report(
        self, assignment_a, reporter, clock
    ):
        # 20:00 UTC on 10/3 is 03:00 on 11/3 in Vietnam (UTC+7): the local date counts.
        clock(datetime.datetime(2025, 3, 10, 20, 0, tzinfo=UTC))
        entry = record_progress(
            assignment=assignment_a, user=reporter, percent=100, note="Hoàn thành"
        )
        # Verified a week later: the completion keeps the report's date.
        clock(datetime.datetime(2025, 3, 17, 2, 0, tzinfo=UTC))
        verify_completion(assignment=assignment_a, user=UserFactory(username="coord"))

        assignment_a.refresh_from_db()
        assert assignment_a.completed_on == datetime.date(2025, 3, 11)
        assert assignment_a.completed_on == timezone.localdate(entry.reported_at)
        assert assignment_a.pending_entry_id is None

    def test_a_second_100_while_awaiting_becomes_the_report_awaiting_verification(
        self, assignment_a, reporter, clock
    ):
        # Before verification the newest 100% report is the one a coordinator decides on
        # (it carries the latest evidence), so the completion takes its date.
        clock(datetime.datetime(2025, 3, 1, 3, 0, tzinfo=UTC))
        first = record_progress(assignment=assignment_a, user=reporter, percent=100, note="xong")
        later = clock(datetime.datetime(2025, 3, 5, 3, 0, tzinfo=UTC))
        second = record_progress(
            assignment=assignment_a, user=reporter, percent=100, note="bổ sung"
        )

        assignment_a.refresh_from_db()
        assert assignment_a.pending_entry == second != first
        assert assignment_a.latest_report_at == later
        verify_completion(assignment=assignment_a, user=reporter)
        assignment_a.refresh_from_db()
        assert assignment_a.completed_on == datetime.date(2025, 3, 5)

    def test_a_later_report_below_100_withdraws_the_pending_one(
        self, assignment_a, reporter, clock
    ):
        clock(datetime.datetime(2025, 3, 1, 3, 0, tzinfo=UTC))
        record_progress(assignment=assignment_a, user=reporter, percent=100, note="xong")
        clock(datetime.datetime(2025, 3, 2, 3, 0, tzinfo=UTC))
        record_progress(assignment=assignment_a, user=reporter, percent=80, note="còn thiếu")

        assignment_a.refresh_from_db()
        assert (assignment_a.latest_percent, assignment_a.completed_on) == (80, None)
        assert assignment_a.pending_entry_id is None
        assert assignment_a.is_done is False

        # Reporting 100% again awaits verification anew, dated by the new report.
        clock(datetime.datetime(2025, 3, 9, 3, 0, tzinfo=UTC))
        again = record_progress(
            assignment=assignment_a, user=reporter, percent=100, note="xong hẳn"
        )
        verify_completion(assignment=assignment_a, user=reporter)
        assignment_a.refresh_from_db()
        assert again.percent == 100
        assert assignment_a.completed_on == datetime.date(2025, 3, 9)

    def test_a_verified_assignment_takes_no_more_reports(self, assignment_a, reporter):
        record_progress(assignment=assignment_a, user=reporter, percent=100, note="xong")
        verify_completion(assignment=assignment_a, user=reporter)
        before = Assignment.objects.values().get(pk=assignment_a.pk)

        with pytest.raises(ValidationError) as refused:
            record_progress(assignment=assignment_a, user=reporter, percent=60, note="mở lại")

        assert refused.value.code == "closed"
        assert ProgressEntry.objects.filter(assignment=assignment_a).count() == 1
        assert Assignment.objects.values().get(pk=assignment_a.pk) == before

    def test_percent_over_100_changes_nothing(self, assignment_a, reporter):
        first = record_progress(assignment=assignment_a, user=reporter, percent=40, note="x")
        before = Assignment.objects.values().get(pk=assignment_a.pk)

        with pytest.raises(IntegrityError):
            record_progress(assignment=assignment_a, user=reporter, percent=101, note="quá")

        assert list(ProgressEntry.objects.filter(assignment=assignment_a)) == [first]
        assert Assignment.objects.values().get(pk=assignment_a.pk) == before
        assert assignment_a.latest_percent == 40

    def test_a_failure_after_the_entry_is_written_rolls_the_entry_back(
        self, assignment_a, reporter
    ):
        record_progress(assignment=assignment_a, user=reporter, percent=40, note="x")
        before = Assignment.objects.values().get(pk=assignment_a.pk)
        # The entry INSERT succeeds; the assignment UPDATE that follows is refused.
        _fail_on("solutions_assignment", "BEFORE UPDATE")

        with pytest.raises(DatabaseError, match="refused by test trigger"):
            record_progress(assignment=assignment_a, user=reporter, percent=70, note="y")

        assert ProgressEntry.objects.filter(assignment=assignment_a).count() == 1
        assert not ProgressEntry.objects.filter(percent=70).exists()
        assert Assignment.objects.values().get(pk=assignment_a.pk) == before
        assert (assignment_a.latest_percent, assignment_a.completed_on) == (40, None)

    def test_a_failed_completion_does_not_complete(self, assignment_a, reporter):
        _fail_on("solutions_assignment", "BEFORE UPDATE")
        with pytest.raises(DatabaseError):
            record_progress(assignment=assignment_a, user=reporter, percent=100, note="xong")
        assignment_a.refresh_from_db()
        assert (assignment_a.latest_percent, assignment_a.completed_on) == (0, None)
        assert assignment_a.pending_entry_id is None
        assert not ProgressEntry.objects.exists()

    def test_evidence_is_stored_under_a_random_name_inside_media_root(
        self, assignment_a, reporter, settings
    ):
        upload = SimpleUploadedFile("Báo cáo quý 1.PDF", PDF, content_type="application/pdf")
        entry = record_progress(
            assignment=assignment_a, user=reporter, percent=30, note="x", evidence=upload
        )

        entry.refresh_from_db()
        assert entry.evidence_name == "Báo cáo quý 1.PDF"
        stored = entry.evidence.name
        assert re.fullmatch(r"evidence/\d{4}/\d{2}/[A-Za-z0-9_-]{32}\.pdf", stored), stored
        assert "Báo" not in stored and "quý" not in stored
        path = Path(entry.evidence.path).resolve()
        assert path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
        assert path.read_bytes() == PDF

    def test_the_same_upload_name_twice_gives_two_files(self, assignment_a, reporter):
        entries = [
            record_progress(
                assignment=assignment_a, user=reporter, percent=p, note="x",
                evidence=SimpleUploadedFile("report.pdf", PDF),
            )
            for p in (10, 20)
        ]
        names = {e.evidence.name for e in entries}
        assert len(names) == 2
        assert all(Path(e.evidence.path).exists() for e in entries)
        assert {e.evidence_name for e in entries} == {"report.pdf"}

    def test_a_path_in_the_upload_name_cannot_escape_media_root(
        self, assignment_a, reporter, settings
    ):
        upload = SimpleUploadedFile("../../../etc/cron.d/evil.pdf", PDF)
        entry = record_progress(
            assignment=assignment_a, user=reporter, percent=30, note="x", evidence=upload
        )
        assert ".." not in entry.evidence.name
        assert "/" not in entry.evidence_name
        assert Path(entry.evidence.path).resolve().is_relative_to(
            Path(settings.MEDIA_ROOT).resolve()
        )

    def test_no_evidence_leaves_the_file_fields_empty(self, assignment_a, reporter):
        entry = record_progress(assignment=assignment_a, user=reporter, percent=30, note="x")
        entry.refresh_from_db()
        assert not entry.evidence
        assert entry.evidence_name == ""


class TestAssignTask:
    @pytest.fixture
    def task(self, db):
        plan = PlanFactory(year=2025)
        return TaskFactory(plan=plan, due_date=datetime.date(2025, 6, 30))

    def test_assigns_many_units_with_the_task_due_date(self, task):
        units = UnitFactory.create_batch(5)
        created = assign_task(task=task, units=units)

        assert len(created) == 5
        assert all(a.pk for a in created)
        stored = Assignment.objects.filter(task=task).order_by("unit_id")
        assert [a.unit_id for a in stored] == sorted(u.pk for u in units)
        for assignment in stored:
            assert assignment.due_date == datetime.date(2025, 6, 30)
            assert assignment.original_due_date == datetime.date(2025, 6, 30)
            assert assignment.role == Assignment.Role.LEAD
            assert (assignment.latest_percent, assignment.completed_on) == (0, None)
            assert assignment.latest_report_at is None

    def test_role_support(self, task):
        assign_task(task=task, units=[UnitFactory()], role=Assignment.Role.SUPPORT)
        assert Assignment.objects.get(task=task).role == Assignment.Role.SUPPORT

    def test_ongoing_task_gives_ongoing_assignments(self, task):
        task.due_date = None
        task.save()
        assign_task(task=task, units=UnitFactory.create_batch(2))
        assert list(
            Assignment.objects.filter(task=task).values_list("due_date", "original_due_date")
        ) == [(None, None), (None, None)]

    def test_units_already_assigned_keep_their_assignment(self, task):
        kept_unit, new_unit = UnitFactory(), UnitFactory()
        kept = AssignmentFactory(
            task=task, unit=kept_unit, role=Assignment.Role.SUPPORT,
            due_date=datetime.date(2025, 9, 30), original_due_date=datetime.date(2025, 6, 30),
            latest_percent=50,
        )

        created = assign_task(task=task, units=[kept_unit, new_unit])

        assert [a.unit for a in created] == [new_unit]
        assert Assignment.objects.filter(task=task).count() == 2
        kept_after = Assignment.objects.get(pk=kept.pk)
        assert kept_after.due_date == datetime.date(2025, 9, 30)  # the extension survives
        assert kept_after.role == Assignment.Role.SUPPORT
        assert kept_after.latest_percent == 50

    def test_assigning_again_is_a_no_op(self, task):
        units = UnitFactory.create_batch(3)
        assign_task(task=task, units=units)
        assert assign_task(task=task, units=units) == []
        assert Assignment.objects.filter(task=task).count() == 3

    def test_assignments_of_other_tasks_do_not_count_as_existing(self, task):
        unit = UnitFactory()
        AssignmentFactory(task=TaskFactory(plan=task.plan), unit=unit)
        assert len(assign_task(task=task, units=[unit])) == 1

    def test_a_unit_listed_twice_is_assigned_once(self, task):
        unit, other = UnitFactory(), UnitFactory()
        created = assign_task(task=task, units=[unit, other, unit])
        assert len(created) == 2
        assert Assignment.objects.filter(task=task).count() == 2

    def test_all_or_nothing(self, task):
        units = UnitFactory.create_batch(4)
        refused = units[2]
        _fail_on("solutions_assignment", "BEFORE INSERT", f"NEW.unit_id = {refused.pk}")

        with pytest.raises(DatabaseError, match="refused by test trigger"):
            assign_task(task=task, units=units)

        assert not Assignment.objects.filter(task=task).exists()
        assert not Assignment.history.filter(task=task).exists()

    def test_writes_one_creation_history_row_each_naming_the_user(self, task):
        coordinator = UserFactory(username="history-coordinator")
        created = assign_task(task=task, units=UnitFactory.create_batch(3), user=coordinator)

        rows = Assignment.history.filter(task=task)
        assert sorted(rows.values_list("id", flat=True)) == sorted(a.pk for a in created)
        assert set(rows.values_list("history_type", "history_user", "due_date")) == {
            ("+", coordinator.pk, datetime.date(2025, 6, 30))
        }

    def test_without_a_user_the_history_names_nobody(self, task):
        assign_task(task=task, units=[UnitFactory()])
        row = Assignment.history.get(task=task)
        assert (row.history_type, row.history_user) == ("+", None)

    def test_units_already_assigned_get_no_new_history_row(self, task):
        unit = UnitFactory()
        assign_task(task=task, units=[unit])
        assign_task(task=task, units=[unit])
        assert Assignment.history.filter(task=task).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_reports_are_serialised():
    """20 reports at once on one assignment: 20 entries, latest fields = the newest entry."""
    plan = PlanFactory(year=2025)
    assignment = AssignmentFactory(task=TaskFactory(plan=plan))
    user = UserFactory()
    percents = list(range(81, 101))  # one of them awaits verification
    start = threading.Barrier(len(percents))
    errors = []

    def report(percent):
        try:
            start.wait(timeout=30)
            record_progress(
                assignment=Assignment.objects.get(pk=assignment.pk),
                user=user,
                percent=percent,
                note=f"báo cáo {percent}",
            )
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=report, args=(p,)) for p in percents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(t.is_alive() for t in threads)
    assert errors == []
    entries = ProgressEntry.objects.filter(assignment=assignment)
    assert entries.count() == 20
    assert sorted(entries.values_list("percent", flat=True)) == percents
    newest = entries.order_by("-reported_at", "-pk").first()
    assignment.refresh_from_db()
    assert assignment.latest_percent == newest.percent
    assert assignment.latest_report_at == newest.reported_at
    # A 100% report awaits verification only while it is the newest one.
    assert assignment.pending_entry_id == (newest.pk if newest.percent == 100 else None)
    assert assignment.completed_on is None


@pytest.mark.django_db(transaction=True)
def test_record_progress_commits_as_one_transaction():
    """Outside any test transaction: a refused report leaves nothing behind after rollback."""
    plan = PlanFactory(year=2025)
    assignment = AssignmentFactory(task=TaskFactory(plan=plan))
    user = UserFactory()

    with pytest.raises(IntegrityError):
        record_progress(assignment=assignment, user=user, percent=101, note="x")
    record_progress(assignment=assignment, user=user, percent=55, note="x")

    # A fresh connection sees only committed data.
    connection.close()
    assert ProgressEntry.objects.filter(assignment=assignment).count() == 1
    assert Assignment.objects.get(pk=assignment.pk).latest_percent == 55
    with transaction.atomic():
        assert ProgressEntry.objects.get(assignment=assignment).percent == 55
