"""The coordinator's services on real PostgreSQL: verify_completion(), return_completion(),
extend_deadline(), save_task() (optimistic concurrency), and the audit history they leave.

A unit's 100% report does not complete its assignment: it awaits a coordinator's verification.
Verified, the assignment is complete on the local date of that report, however late the
verification; returned, it is in progress again and the reason is kept for the unit until its
next 100% report. Every refusal is a ValidationError (or StaleEdit) that changes nothing.
"""

import datetime
import threading
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from solutions.models import (
    Assignment,
    DeadlineExtension,
    ProgressEntry,
    Task,
    Timeliness,
    Verification,
)
from solutions.services import (
    StaleEdit,
    extend_deadline,
    record_progress,
    return_completion,
    save_task,
    verify_completion,
)
from tests.factories import (
    AssignmentFactory,
    PlanFactory,
    ReformAreaFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
)
from tests.test_progress_service import _fail_on

UTC = datetime.UTC
DUE = datetime.date(2025, 6, 30)
PLAN_END = datetime.date(2025, 12, 31)


def at(year, month, day, hour=9, minute=0) -> datetime.datetime:
    """An aware moment in local time (Asia/Ho_Chi_Minh, UTC+7)."""
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


@pytest.fixture
def clock(monkeypatch):
    """Set the wall clock the services read (timezone.now); the database is untouched."""

    def set_now(moment: datetime.datetime):
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return set_now


@pytest.fixture
def plan_2025(db):
    return PlanFactory(year=2025, start_date=datetime.date(2025, 1, 1), end_date=PLAN_END)


@pytest.fixture
def work(plan_2025):
    """An assignment due 30/06/2025, assigned at the start of the year."""
    task = TaskFactory(plan=plan_2025, due_date=DUE)
    return AssignmentFactory(task=task, unit=UnitFactory(), created_at=at(2025, 1, 2))


@pytest.fixture
def ongoing(plan_2025):
    """An ongoing task's assignment (thường xuyên): no due date, judged at the plan's end."""
    task = TaskFactory(plan=plan_2025, due_date=None)
    return AssignmentFactory(task=task, unit=UnitFactory(), created_at=at(2025, 1, 2))


@pytest.fixture
def unit_staff(db):
    return UserFactory(username="unit-staff")


@pytest.fixture
def coord(db):
    return UserFactory(username="coord")


def state(assignment: Assignment) -> dict:
    return Assignment.objects.values().get(pk=assignment.pk)


def rows() -> dict[str, int]:
    """Everything a refused call must leave as it was."""
    return {
        "entries": ProgressEntry.objects.count(),
        "verifications": Verification.objects.count(),
        "extensions": DeadlineExtension.objects.count(),
        "assignment_history": Assignment.history.count(),
        "task_history": Task.history.count(),
    }


def judged(assignment: Assignment, on: datetime.date) -> tuple:
    """(timeliness, due soon, stale, urgency) in SQL, checked against the Python rule."""
    row = Assignment.objects.with_timeliness(on=on).get(pk=assignment.pk)
    loaded = Assignment.objects.select_related("task__plan", "pending_entry").get(
        pk=assignment.pk
    )
    sql = (row.timeliness, row.is_due_soon, row.is_stale)
    assert tuple(loaded.timeliness_on(on)) == sql, "SQL and Python disagree"
    return (*sql, row.urgency)


def report_100(assignment, user, clock, moment, note="Đã hoàn thành") -> ProgressEntry:
    clock(moment)
    return record_progress(assignment=assignment, user=user, percent=100, note=note)


# --- verify_completion ---------------------------------------------------------------------


class TestVerify:
    def test_verifies_the_report_awaiting_verification(self, work, unit_staff, coord, clock):
        entry = report_100(work, unit_staff, clock, at(2025, 6, 20, 10))
        clock(at(2025, 7, 5, 15))
        verification = verify_completion(assignment=work, user=coord)

        verification.refresh_from_db()
        assert verification.assignment == work
        assert verification.entry == entry
        assert verification.decision == Verification.Decision.VERIFIED
        assert (verification.reason, verification.decided_by) == ("", coord)
        stored = Assignment.objects.get(pk=work.pk)
        assert stored.completed_on == datetime.date(2025, 6, 20)
        assert stored.pending_entry_id is None
        assert (stored.latest_percent, stored.returned_reason) == (100, "")
        assert stored.is_done and not stored.is_awaiting_verification
        # The caller's object reflects the write too.
        assert (work.completed_on, work.pending_entry_id) == (datetime.date(2025, 6, 20), None)

    def test_the_decision_is_timestamped_now(self, assignment_a, staff_a, coordinator):
        record_progress(assignment=assignment_a, user=staff_a, percent=100, note="xong")
        before = timezone.now()
        verification = verify_completion(assignment=assignment_a, user=coordinator)
        assert before <= verification.decided_at <= timezone.now()

    @pytest.mark.parametrize(
        "reported, verified, completed_on, timeliness, days_late",
        [
            # On the due date, late in the evening; verified ten days after the due date.
            (at(2025, 6, 30, 23, 59), at(2025, 7, 10), datetime.date(2025, 6, 30),
             Timeliness.ON_TIME, 0),
            # 06:00 local on 1/7 is still 30/6 in UTC: the local date counts, one day late.
            (at(2025, 7, 1, 6), at(2025, 7, 1, 8), datetime.date(2025, 7, 1),
             Timeliness.LATE, 1),
            # 20:00 UTC on 30/6 is 03:00 on 1/7 in Vietnam.
            (datetime.datetime(2025, 6, 30, 20, tzinfo=UTC), at(2025, 7, 2),
             datetime.date(2025, 7, 1), Timeliness.LATE, 1),
            # Well before; verified months later.
            (at(2025, 3, 3), at(2025, 11, 20), datetime.date(2025, 3, 3),
             Timeliness.ON_TIME, 0),
            # Five days late; verified the next day.
            (at(2025, 7, 5), at(2025, 7, 6), datetime.date(2025, 7, 5), Timeliness.LATE, 5),
        ],
        ids=["on-the-due-date", "early-morning-after", "utc-evening-of-the-due-date",
             "months-before", "five-days-late"],
    )
    def test_completion_takes_the_local_date_of_the_report_not_of_the_verification(
        self, work, unit_staff, coord, clock, reported, verified, completed_on, timeliness,
        days_late,
    ):
        entry = report_100(work, unit_staff, clock, reported)
        clock(verified)
        verify_completion(assignment=work, user=coord)

        work.refresh_from_db()
        assert work.completed_on == completed_on == timezone.localdate(entry.reported_at)
        for on in (timezone.localdate(verified), datetime.date(2026, 3, 1)):
            assert judged(work, on) == (timeliness, False, False, 4)
        assert work.days_late() == days_late

    def test_the_coordinators_delay_never_makes_the_unit_late(
        self, work, unit_staff, coord, clock
    ):
        report_100(work, unit_staff, clock, at(2025, 6, 28))
        # Awaiting a decision long after the due date: in progress, not overdue, not stale.
        for on in (datetime.date(2025, 6, 29), datetime.date(2025, 7, 1),
                   datetime.date(2025, 9, 30)):
            assert judged(work, on) == (Timeliness.IN_PROGRESS, False, False, 3)
        clock(at(2025, 9, 30))
        verify_completion(assignment=work, user=coord)
        assert judged(work, datetime.date(2025, 9, 30)) == (Timeliness.ON_TIME, False, False, 4)

    def test_a_report_after_the_due_date_is_overdue_while_awaiting(
        self, work, unit_staff, coord, clock
    ):
        report_100(work, unit_staff, clock, at(2025, 7, 3))
        assert judged(work, datetime.date(2025, 7, 3)) == (Timeliness.OVERDUE, False, False, 0)
        clock(at(2025, 7, 20))
        verify_completion(assignment=work, user=coord)
        assert judged(work, datetime.date(2025, 7, 20)) == (Timeliness.LATE, False, False, 4)

    def test_verifies_an_ongoing_task_against_the_plan_end(
        self, ongoing, unit_staff, coord, clock
    ):
        report_100(ongoing, unit_staff, clock, at(2025, 12, 31, 22))
        clock(at(2026, 1, 15))
        verify_completion(assignment=ongoing, user=coord)
        ongoing.refresh_from_db()
        assert ongoing.completed_on == PLAN_END
        assert judged(ongoing, datetime.date(2026, 1, 15))[0] == Timeliness.ON_TIME

    @pytest.mark.parametrize(
        "history",
        [
            [],
            [60],
            [100, 80],  # withdrawn by a lower report
            [100, "verify"],
            [100, "return"],
        ],
        ids=["never-reported", "below-100", "withdrawn", "already-verified", "returned"],
    )
    def test_refused_without_a_report_awaiting_verification(
        self, work, unit_staff, coord, history
    ):
        for step in history:
            if step == "verify":
                verify_completion(assignment=work, user=coord)
            elif step == "return":
                return_completion(assignment=work, user=coord, reason="Thiếu hồ sơ")
            else:
                record_progress(assignment=work, user=unit_staff, percent=step, note="x")
        before, counts = state(work), rows()

        with pytest.raises(ValidationError) as refused:
            verify_completion(assignment=work, user=coord)

        assert refused.value.code == "not_pending"
        assert state(work) == before
        assert rows() == counts

    def test_a_stale_object_from_the_caller_is_not_trusted(self, work, unit_staff, coord):
        stale = Assignment.objects.get(pk=work.pk)
        record_progress(assignment=work, user=unit_staff, percent=100, note="xong")
        # The caller's copy predates the report; the service reads the locked row.
        verify_completion(assignment=stale, user=coord)
        assert Assignment.objects.get(pk=work.pk).is_done
        with pytest.raises(ValidationError):
            verify_completion(assignment=work, user=coord)
        assert Verification.objects.filter(assignment=work).count() == 1

    def test_a_failure_half_way_leaves_no_decision_behind(self, work, unit_staff, coord):
        record_progress(assignment=work, user=unit_staff, percent=100, note="xong")
        before, counts = state(work), rows()
        # The Verification INSERT succeeds; the assignment UPDATE that follows is refused.
        _fail_on("solutions_assignment", "BEFORE UPDATE")

        with pytest.raises(DatabaseError, match="refused by test trigger"):
            verify_completion(assignment=work, user=coord)

        assert state(work) == before
        assert rows() == counts
        assert (work.completed_on, work.pending_entry_id) == (None, before["pending_entry_id"])


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_verifying_at_once_make_one_decision():
    plan = PlanFactory(year=2025)
    assignment = AssignmentFactory(task=TaskFactory(plan=plan))
    record_progress(assignment=assignment, user=UserFactory(), percent=100, note="xong")
    coordinators = [UserFactory(), UserFactory()]
    start = threading.Barrier(2)
    outcomes = []

    def verify(user):
        try:
            start.wait(timeout=30)
            verify_completion(assignment=Assignment.objects.get(pk=assignment.pk), user=user)
            outcomes.append("verified")
        except ValidationError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=verify, args=(u,)) for u in coordinators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["not_pending", "verified"]
    assert Verification.objects.filter(assignment=assignment).count() == 1
    assignment.refresh_from_db()
    assert assignment.is_done and assignment.pending_entry_id is None


# --- return_completion ---------------------------------------------------------------------


class TestReturn:
    def test_returns_the_report_with_its_reason(self, work, unit_staff, coord, clock):
        entry = report_100(work, unit_staff, clock, at(2025, 6, 20))
        clock(at(2025, 6, 22))
        verification = return_completion(
            assignment=work, user=coord, reason="  Thiếu quyết định phê duyệt.\n"
        )

        verification.refresh_from_db()
        assert (verification.entry, verification.decision, verification.decided_by) == (
            entry, Verification.Decision.RETURNED, coord
        )
        assert verification.reason == "Thiếu quyết định phê duyệt."
        stored = Assignment.objects.get(pk=work.pk)
        assert stored.pending_entry_id is None
        assert stored.completed_on is None
        assert stored.returned_reason == "Thiếu quyết định phê duyệt."
        # No earlier report was accepted: the bar goes back to 0 (issue 10); the report stays
        # in the history as it was.
        assert stored.latest_percent == 0
        assert entry.percent == 100
        assert (work.pending_entry_id, work.returned_reason) == (
            None, "Thiếu quyết định phê duyệt."
        )

    def test_a_returned_assignment_is_judged_as_open_again(
        self, work, unit_staff, coord, clock
    ):
        # Reported in time, returned after the due date: the report no longer counts.
        report_100(work, unit_staff, clock, at(2025, 6, 25))
        assert judged(work, datetime.date(2025, 7, 3)) == (Timeliness.IN_PROGRESS, False, False, 3)
        clock(at(2025, 7, 3))
        return_completion(assignment=work, user=coord, reason="Chưa đạt yêu cầu")
        assert judged(work, datetime.date(2025, 7, 3)) == (Timeliness.OVERDUE, False, False, 0)
        # Before the due date a returned one can be due soon again.
        assert judged(work, datetime.date(2025, 6, 26)) == (
            Timeliness.IN_PROGRESS, True, False, 1
        )

    def test_the_next_100_awaits_again_and_is_dated_by_itself(
        self, work, unit_staff, coord, clock
    ):
        report_100(work, unit_staff, clock, at(2025, 6, 25))
        clock(at(2025, 6, 27))
        return_completion(assignment=work, user=coord, reason="Thiếu phụ lục")
        again = report_100(work, unit_staff, clock, at(2025, 7, 2), note="Đã bổ sung phụ lục")

        work.refresh_from_db()
        assert work.pending_entry == again
        assert work.returned_reason == ""
        clock(at(2025, 7, 3))
        verify_completion(assignment=work, user=coord)
        work.refresh_from_db()
        assert work.completed_on == datetime.date(2025, 7, 2)
        assert judged(work, datetime.date(2025, 7, 3))[0] == Timeliness.LATE
        assert list(work.verifications.values_list("decision", flat=True)) == [
            "verified", "returned"
        ]

    @pytest.mark.parametrize("reason", ["", "   ", "\n\t "])
    def test_a_reason_is_required(self, work, unit_staff, coord, reason):
        record_progress(assignment=work, user=unit_staff, percent=100, note="xong")
        before, counts = state(work), rows()

        with pytest.raises(ValidationError) as refused:
            return_completion(assignment=work, user=coord, reason=reason)

        assert refused.value.code == "required"
        assert state(work) == before
        assert rows() == counts

    @pytest.mark.parametrize("history", [[], [40], [100, "verify"]],
                             ids=["never-reported", "below-100", "verified"])
    def test_refused_without_a_report_awaiting_verification(
        self, work, unit_staff, coord, history
    ):
        for step in history:
            if step == "verify":
                verify_completion(assignment=work, user=coord)
            else:
                record_progress(assignment=work, user=unit_staff, percent=step, note="x")
        before, counts = state(work), rows()

        with pytest.raises(ValidationError) as refused:
            return_completion(assignment=work, user=coord, reason="Thiếu hồ sơ")

        assert refused.value.code == "not_pending"
        assert state(work) == before
        assert rows() == counts

    def test_a_failure_half_way_leaves_no_decision_behind(self, work, unit_staff, coord):
        record_progress(assignment=work, user=unit_staff, percent=100, note="xong")
        before, counts = state(work), rows()
        _fail_on("solutions_assignment", "BEFORE UPDATE")

        with pytest.raises(DatabaseError, match="refused by test trigger"):
            return_completion(assignment=work, user=coord, reason="Thiếu hồ sơ")

        assert state(work) == before
        assert rows() == counts
        assert work.returned_reason == ""


class TestReturnedReason:
    """Kept for the unit until its next 100% report; never left on a completed assignment."""

    def test_kept_by_reports_below_100(self, work, unit_staff, coord):
        record_progress(assignment=work, user=unit_staff, percent=100, note="xong")
        return_completion(assignment=work, user=coord, reason="Thiếu phụ lục 2")
        for percent in (90, 95):
            record_progress(assignment=work, user=unit_staff, percent=percent, note="bổ sung")
            assert Assignment.objects.get(pk=work.pk).returned_reason == "Thiếu phụ lục 2"
            assert work.returned_reason == "Thiếu phụ lục 2"

    def test_cleared_by_the_next_100(self, work, unit_staff, coord):
        record_progress(assignment=work, user=unit_staff, percent=100, note="xong")
        return_completion(assignment=work, user=coord, reason="Thiếu phụ lục 2")
        record_progress(assignment=work, user=unit_staff, percent=100, note="đã bổ sung")
        assert Assignment.objects.get(pk=work.pk).returned_reason == ""
        assert work.returned_reason == ""

    def test_a_second_return_replaces_the_first_reason(self, work, unit_staff, coord):
        for reason in ("Thiếu phụ lục 2", "Sai số liệu quý II"):
            record_progress(assignment=work, user=unit_staff, percent=100, note="xong")
            return_completion(assignment=work, user=coord, reason=reason)
        assert Assignment.objects.get(pk=work.pk).returned_reason == "Sai số liệu quý II"
        assert list(
            Verification.objects.filter(assignment=work).values_list("reason", flat=True)
        ) == ["Sai số liệu quý II", "Thiếu phụ lục 2"]

    def test_none_on_a_verified_assignment(self, work, unit_staff, coord):
        record_progress(assignment=work, user=unit_staff, percent=100, note="xong")
        return_completion(assignment=work, user=coord, reason="Thiếu phụ lục 2")
        record_progress(assignment=work, user=unit_staff, percent=100, note="đã bổ sung")
        verify_completion(assignment=work, user=coord)
        stored = Assignment.objects.get(pk=work.pk)
        assert (stored.returned_reason, stored.is_done) == ("", True)


# --- record_progress against the verification states ----------------------------------------


class TestReportsAndVerification:
    def test_a_report_below_100_withdraws_the_pending_one(self, work, unit_staff, coord):
        pending = record_progress(assignment=work, user=unit_staff, percent=100, note="xong")
        assert Assignment.objects.get(pk=work.pk).pending_entry == pending

        record_progress(assignment=work, user=unit_staff, percent=70, note="còn thiếu")

        stored = Assignment.objects.get(pk=work.pk)
        assert (stored.pending_entry_id, stored.completed_on, stored.latest_percent) == (
            None, None, 70
        )
        assert work.pending_entry_id is None
        # Nothing is left for a coordinator to decide, and no decision was recorded.
        with pytest.raises(ValidationError):
            verify_completion(assignment=work, user=coord)
        assert not Verification.objects.exists()

    def test_a_verified_assignment_refuses_reports(self, work, unit_staff, coord, settings):
        record_progress(assignment=work, user=unit_staff, percent=100, note="xong")
        verify_completion(assignment=work, user=coord)
        before, counts = state(work), rows()

        for percent in (100, 50, 0):
            upload = SimpleUploadedFile("bo-sung.pdf", b"%PDF-1.4\n%%EOF\n")
            with pytest.raises(ValidationError) as refused:
                record_progress(assignment=work, user=unit_staff, percent=percent,
                                note="bổ sung", evidence=upload)
            assert refused.value.code == "closed"

        assert state(work) == before
        assert rows() == counts
        # The refusal comes before the evidence file is written: no file is left behind.
        media = Path(settings.MEDIA_ROOT)
        assert [p for p in media.rglob("*") if p.is_file()] == [] if media.exists() else True


# --- extend_deadline -----------------------------------------------------------------------


class TestExtend:
    def test_moves_the_deadline_and_keeps_the_original(self, work, coord):
        extension = extend_deadline(
            assignment=work, user=coord, new_due_date=datetime.date(2025, 8, 31),
            reason="  Chờ hướng dẫn của Bộ Nội vụ ", document=" Công văn số 123/UBND-NC ",
        )

        extension.refresh_from_db()
        assert (extension.assignment, extension.decided_by) == (work, coord)
        assert (extension.previous_due_date, extension.new_due_date) == (
            DUE, datetime.date(2025, 8, 31)
        )
        assert extension.reason == "Chờ hướng dẫn của Bộ Nội vụ"
        assert extension.document == "Công văn số 123/UBND-NC"
        stored = Assignment.objects.get(pk=work.pk)
        assert (stored.due_date, stored.original_due_date) == (datetime.date(2025, 8, 31), DUE)
        assert work.due_date == datetime.date(2025, 8, 31)
        # The task's own date is untouched: other units keep theirs.
        assert Task.objects.get(pk=work.task_id).due_date == DUE

    def test_is_judged_against_the_new_date(self, work, coord):
        assert judged(work, datetime.date(2025, 7, 10))[0] == Timeliness.OVERDUE
        extend_deadline(assignment=work, user=coord, new_due_date=datetime.date(2025, 7, 15),
                        reason="Gia hạn theo đề nghị của đơn vị")
        row = Assignment.objects.with_timeliness(on=datetime.date(2025, 7, 10)).get(pk=work.pk)
        assert (row.timeliness, row.is_due_soon, row.is_extended) == (
            Timeliness.IN_PROGRESS, True, True
        )
        assert row.effective_due_date == datetime.date(2025, 7, 15)
        assert judged(work, datetime.date(2025, 7, 16))[0] == Timeliness.OVERDUE
        assert Assignment.objects.get(pk=work.pk).days_late(datetime.date(2025, 7, 20)) == 5

    def test_each_extension_is_kept(self, work, coord):
        for new in (datetime.date(2025, 7, 31), datetime.date(2025, 9, 30)):
            extend_deadline(assignment=work, user=coord, new_due_date=new, reason="Gia hạn")
        assert list(
            DeadlineExtension.objects.filter(assignment=work)
            .order_by("decided_at", "pk")
            .values_list("previous_due_date", "new_due_date")
        ) == [
            (DUE, datetime.date(2025, 7, 31)),
            (datetime.date(2025, 7, 31), datetime.date(2025, 9, 30)),
        ]
        stored = Assignment.objects.get(pk=work.pk)
        assert (stored.due_date, stored.original_due_date) == (datetime.date(2025, 9, 30), DUE)

    def test_an_ongoing_task_is_given_a_date_after_the_plan_end(self, ongoing, coord):
        extension = extend_deadline(
            assignment=ongoing, user=coord, new_due_date=datetime.date(2026, 1, 31),
            reason="Chuyển sang năm sau",
        )
        assert (extension.previous_due_date, extension.new_due_date) == (
            None, datetime.date(2026, 1, 31)
        )
        stored = Assignment.objects.get(pk=ongoing.pk)
        assert (stored.due_date, stored.original_due_date) == (datetime.date(2026, 1, 31), None)
        row = Assignment.objects.with_timeliness(on=datetime.date(2026, 1, 10)).get(pk=ongoing.pk)
        assert (row.timeliness, row.is_extended) == (Timeliness.IN_PROGRESS, True)

    def test_an_awaiting_report_is_judged_against_the_extended_date(
        self, work, unit_staff, coord, clock
    ):
        report_100(work, unit_staff, clock, at(2025, 7, 4))
        assert judged(work, datetime.date(2025, 7, 5))[0] == Timeliness.OVERDUE
        extend_deadline(assignment=work, user=coord, new_due_date=datetime.date(2025, 7, 15),
                        reason="Gia hạn do thay đổi quy định")
        assert judged(work, datetime.date(2025, 7, 5)) == (Timeliness.IN_PROGRESS, False, False, 3)
        clock(at(2025, 7, 20))
        verify_completion(assignment=work, user=coord)
        assert judged(work, datetime.date(2025, 7, 20))[0] == Timeliness.ON_TIME

    @pytest.mark.parametrize(
        "fixture, new_due_date",
        [
            ("work", DUE),
            ("work", DUE - datetime.timedelta(days=1)),
            ("work", datetime.date(2025, 1, 1)),
            ("ongoing", PLAN_END),
            ("ongoing", datetime.date(2025, 10, 1)),
        ],
        ids=["same-date", "a-day-earlier", "much-earlier", "ongoing-at-plan-end",
             "ongoing-before-plan-end"],
    )
    def test_the_new_date_must_be_later(self, request, coord, fixture, new_due_date):
        assignment = request.getfixturevalue(fixture)
        before, counts = state(assignment), rows()

        with pytest.raises(ValidationError) as refused:
            extend_deadline(assignment=assignment, user=coord, new_due_date=new_due_date,
                            reason="Gia hạn")

        assert refused.value.code == "not_later"
        current = assignment.due_date or PLAN_END
        assert current.strftime("%d/%m/%Y") in refused.value.messages[0]
        assert state(assignment) == before
        assert rows() == counts

    def test_a_completed_assignment_cannot_be_extended(self, work, unit_staff, coord):
        record_progress(assignment=work, user=unit_staff, percent=100, note="xong")
        verify_completion(assignment=work, user=coord)
        before, counts = state(work), rows()

        with pytest.raises(ValidationError) as refused:
            extend_deadline(assignment=work, user=coord,
                            new_due_date=datetime.date(2025, 9, 30), reason="Gia hạn")

        assert refused.value.code == "done"
        assert state(work) == before
        assert rows() == counts

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_a_reason_is_required(self, work, coord, reason):
        """Like return_completion(): a missing reason is the caller's mistake, said as a
        ValidationError before anything is written (not the database's IntegrityError)."""
        before, counts = state(work), rows()

        with pytest.raises(ValidationError) as refused:
            extend_deadline(assignment=work, user=coord,
                            new_due_date=datetime.date(2025, 9, 30), reason=reason)

        assert refused.value.code == "required"
        assert state(work) == before
        assert rows() == counts

    def test_a_failure_half_way_leaves_no_extension_behind(self, work, coord):
        before, counts = state(work), rows()
        _fail_on("solutions_assignment", "BEFORE UPDATE")

        with pytest.raises(DatabaseError, match="refused by test trigger"):
            extend_deadline(assignment=work, user=coord,
                            new_due_date=datetime.date(2025, 9, 30), reason="Gia hạn")

        assert state(work) == before
        assert rows() == counts
        assert work.due_date == DUE


# --- save_task: optimistic concurrency -------------------------------------------------------


class TestSaveTask:
    @pytest.fixture
    def task(self, plan_2025):
        return TaskFactory(plan=plan_2025, title="Tên ban đầu", due_date=DUE)

    def test_a_new_task_starts_at_version_1(self, plan_2025):
        area = ReformAreaFactory(plan=plan_2025, number=1)
        task = save_task(task=Task(), plan=plan_2025, area=area, code="9.1",
                         title="Nhiệm vụ mới", expected_output="Báo cáo", due_date=DUE)
        stored = Task.objects.get(pk=task.pk)
        assert (stored.version, stored.title) == (1, "Nhiệm vụ mới")
        assert [h.history_type for h in stored.history.all()] == ["+"]

    def test_each_save_bumps_the_version(self, task):
        first = save_task(task=task, expected_version=1, title="Lần sửa thứ nhất")
        assert first.version == 2
        second = save_task(task=first, expected_version=2, title="Lần sửa thứ hai")
        assert second.version == 3
        stored = Task.objects.get(pk=task.pk)
        assert (stored.version, stored.title) == (3, "Lần sửa thứ hai")

    def test_without_an_expected_version_it_saves_and_still_bumps(self, task):
        save_task(task=task, expected_version=None, title="Sửa không kiểm tra")
        stored = Task.objects.get(pk=task.pk)
        assert (stored.version, stored.title) == (2, "Sửa không kiểm tra")

    def test_a_stale_edit_is_refused_and_overwrites_nothing(self, task):
        # Two coordinators opened the form at version 1; the first one saves.
        mine, theirs = Task.objects.get(pk=task.pk), Task.objects.get(pk=task.pk)
        save_task(task=theirs, expected_version=1, title="Sửa của người thứ nhất",
                  due_date=datetime.date(2025, 7, 31))
        before = Task.objects.values().get(pk=task.pk)
        counts = rows()

        with pytest.raises(StaleEdit):
            save_task(task=mine, expected_version=1, title="Sửa của người thứ hai",
                      due_date=datetime.date(2025, 8, 31))

        assert Task.objects.values().get(pk=task.pk) == before
        assert before["version"] == 2
        assert before["title"] == "Sửa của người thứ nhất"
        assert rows() == counts

    def test_an_invalid_edit_changes_nothing(self, task, plan_2025):
        other_plan_area = ReformAreaFactory(plan=PlanFactory(year=2024), number=3)
        before = Task.objects.values().get(pk=task.pk)
        counts = rows()

        with pytest.raises(ValidationError) as refused:
            save_task(task=task, expected_version=1, title="Sửa sai", area=other_plan_area)

        assert "area" in refused.value.message_dict
        assert Task.objects.values().get(pk=task.pk) == before
        assert rows() == counts

    def test_history_records_each_edit_without_the_version(self, task):
        save_task(task=task, expected_version=1, title="Tên mới")
        history = list(task.history.order_by("history_id"))
        assert [(h.history_type, h.title) for h in history] == [
            ("+", "Tên ban đầu"), ("~", "Tên mới")
        ]
        assert "version" not in {f.name for f in Task.history.model._meta.get_fields()}
        assert history[-1].diff_against(history[0]).changed_fields == ["title"]


@pytest.mark.django_db(transaction=True)
def test_two_edits_from_the_same_version_at_once_one_wins():
    task = TaskFactory(plan=PlanFactory(year=2025), title="Ban đầu")
    start = threading.Barrier(2)
    outcomes = {}

    def edit(title):
        try:
            start.wait(timeout=30)
            save_task(task=Task.objects.get(pk=task.pk), expected_version=1, title=title)
            outcomes[title] = "saved"
        except StaleEdit:
            outcomes[title] = "stale"
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(t,)) for t in ("Sửa A", "Sửa B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes.values()) == ["saved", "stale"]
    winner = next(t for t, outcome in outcomes.items() if outcome == "saved")
    stored = Task.objects.get(pk=task.pk)
    assert (stored.title, stored.version) == (winner, 2)


# --- Audit history ---------------------------------------------------------------------------


def _report_100(assignment, user):
    record_progress(assignment=assignment, user=user, percent=100, note="xong")


SERVICE_CALLS = {
    "record_progress": (
        lambda a, u: record_progress(assignment=a, user=u, percent=100, note="xong"),
        {"latest_percent": 100},
    ),
    "verify_completion": (
        lambda a, u: (_report_100(a, u), verify_completion(assignment=a, user=u)),
        {"completed_on": "set", "pending_entry_id": None},
    ),
    "return_completion": (
        lambda a, u: (_report_100(a, u),
                      return_completion(assignment=a, user=u, reason="Thiếu hồ sơ")),
        {"returned_reason": "Thiếu hồ sơ", "pending_entry_id": None},
    ),
    "extend_deadline": (
        lambda a, u: extend_deadline(assignment=a, user=u, reason="Gia hạn",
                                     new_due_date=datetime.date(2025, 9, 30)),
        {"due_date": datetime.date(2025, 9, 30), "original_due_date": DUE},
    ),
}


class TestHistory:
    def test_every_model_under_audit_records_its_creation(self, work):
        for obj in (work, work.task, work.unit):
            assert [h.history_type for h in obj.history.all()] == ["+"], obj

    def test_a_membership_change_is_recorded(self, unit_a, staff_a):
        membership = staff_a.memberships.get()
        membership.role = "head"
        membership.save()
        assert [h.role for h in membership.history.order_by("history_id")] == ["staff", "head"]

    @pytest.mark.parametrize("name", list(SERVICE_CALLS))
    def test_each_service_leaves_the_new_state_in_the_history(self, work, coord, name):
        call, expected = SERVICE_CALLS[name]
        call(work, coord)
        newest = work.history.first()
        assert newest.history_type == "~"
        for field, value in expected.items():
            if value == "set":
                assert getattr(newest, field) is not None, field
            else:
                assert getattr(newest, field) == value, field
        # One row per write: creation, then one per saved change.
        writes = 1 + (2 if name in ("verify_completion", "return_completion") else 1)
        assert work.history.count() == writes

    @pytest.mark.parametrize("name", list(SERVICE_CALLS))
    def test_each_service_names_the_person_who_acted(self, work, coord, name):
        """Outside a request too (a management command, the shell): the service is told who
        acts, so the audit row says so instead of leaving history_user empty."""
        call, _ = SERVICE_CALLS[name]
        call(work, coord)
        assert work.history.first().history_user == coord

    def test_save_task_history_names_nobody_outside_a_request(self, plan_2025):
        task = TaskFactory(plan=plan_2025)
        save_task(task=task, expected_version=1, title="Sửa từ dòng lệnh")
        newest = task.history.first()
        assert (newest.history_type, newest.title, newest.history_user) == (
            "~", "Sửa từ dòng lệnh", None
        )

    def test_refused_calls_leave_no_history(self, work, coord, unit_staff):
        counts = rows()
        with pytest.raises(ValidationError):
            verify_completion(assignment=work, user=coord)
        with pytest.raises(ValidationError):
            return_completion(assignment=work, user=coord, reason="x")
        with pytest.raises(ValidationError):
            extend_deadline(assignment=work, user=coord, new_due_date=DUE, reason="x")
        with pytest.raises(StaleEdit):
            save_task(task=work.task, expected_version=99, title="x")
        assert rows() == counts


# --- Locking: a write waits only for writes to the same assignment ---------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second_writer", ["report_on_another_task", "verify_another_task",
                                           "new_task_in_the_plan"])
def test_writes_to_other_assignments_of_the_plan_do_not_wait(second_writer):
    """The services lock the assignment row they change. Two units reporting at the same time
    on different tasks of the plan must not queue behind each other (nor a coordinator adding
    a task to the plan behind a report): the lock must not reach the task or the plan rows."""
    plan = PlanFactory(year=2025)
    mine = AssignmentFactory(task=TaskFactory(plan=plan))
    other = AssignmentFactory(task=TaskFactory(plan=plan))
    reporter, coordinator = UserFactory(), UserFactory()
    record_progress(assignment=other, user=reporter, percent=100, note="xong")
    area = ReformAreaFactory(plan=plan, number=6)

    first_holds_its_locks, release = threading.Event(), threading.Event()
    errors: list[Exception] = []

    def first():
        try:
            with transaction.atomic():
                record_progress(assignment=mine, user=reporter, percent=30, note="đang làm")
                first_holds_its_locks.set()
                release.wait(timeout=30)
        finally:
            first_holds_its_locks.set()
            connection.close()

    def second():
        try:
            first_holds_its_locks.wait(timeout=30)
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '3s'")
                if second_writer == "report_on_another_task":
                    record_progress(assignment=other, user=reporter, percent=90, note="sửa")
                elif second_writer == "verify_another_task":
                    verify_completion(assignment=other, user=coordinator)
                else:
                    save_task(task=Task(), plan=plan, area=area, code="6.99",
                              title="Nhiệm vụ bổ sung", expected_output="Báo cáo")
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            release.set()
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(t.is_alive() for t in threads)
    assert errors == [], "the second write waited for the first one's locks"
    assert Assignment.objects.get(pk=mine.pk).latest_percent == 30


class TestReturnedBar:
    """After a return the bar shows the last accepted percent, not the returned 100% (issue 10)."""

    def test_the_percent_goes_back_to_the_last_report_not_returned(
        self, work, unit_staff, coord, clock
    ):
        clock(at(2025, 6, 10))
        record_progress(assignment=work, user=unit_staff, percent=70, note="Dự thảo")
        report_100(work, unit_staff, clock, at(2025, 6, 20))
        clock(at(2025, 6, 21))
        return_completion(assignment=work, user=coord, reason="Thiếu quyết định")
        assert Assignment.objects.get(pk=work.pk).latest_percent == 70
        assert work.latest_percent == 70
        # Twice returned: the earlier returned 100% does not count as accepted either.
        report_100(work, unit_staff, clock, at(2025, 6, 25))
        clock(at(2025, 6, 26))
        return_completion(assignment=work, user=coord, reason="Vẫn thiếu")
        assert Assignment.objects.get(pk=work.pk).latest_percent == 70
