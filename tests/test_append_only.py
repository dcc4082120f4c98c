"""Progress reports, verifications and deadline extensions are append-only, down to PostgreSQL.

(The suite runs on PostgreSQL; the triggers exist there only, so these tests are not skipped
elsewhere: they would fail, which is the truth on another database.)

Migration solutions/0005 puts a trigger on each of their tables that refuses UPDATE and DELETE,
whatever the path: the ORM, a model's save() or delete(), or hand-written SQL. INSERT works as
ever, and the admin offers no way to change or delete them either.
"""

import datetime

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse

from solutions.models import Assignment, DeadlineExtension, ProgressEntry, Verification
from solutions.services import (
    extend_deadline,
    record_progress,
    return_completion,
    verify_completion,
)
from tests.factories import AssignmentFactory, UnitFactory

MODELS = [ProgressEntry, Verification, DeadlineExtension]
TABLES = {m: m._meta.db_table for m in MODELS}


@pytest.fixture
def records(assignment_a, assignment_b, staff_a, staff_b, coordinator):
    """One row of each kind, made through the services, plus spare ones."""
    record_progress(assignment=assignment_a, user=staff_a, percent=40, note="Đang triển khai")
    record_progress(assignment=assignment_a, user=staff_a, percent=100, note="Đã hoàn thành")
    verify_completion(assignment=assignment_a, user=coordinator)
    record_progress(assignment=assignment_b, user=staff_b, percent=100, note="Đã xong")
    return_completion(assignment=assignment_b, user=coordinator, reason="Thiếu phụ lục")
    extend_deadline(assignment=assignment_b, user=coordinator,
                    new_due_date=assignment_b.due_date + datetime.timedelta(days=30),
                    reason="Chờ hướng dẫn", document="Công văn số 45/SNV-CCHC")
    return {
        # The first report: referenced by no other row, so the ORM lets it reach the database.
        ProgressEntry: ProgressEntry.objects.get(assignment=assignment_a, percent=40),
        Verification: Verification.objects.get(assignment=assignment_a),
        DeadlineExtension: DeadlineExtension.objects.get(assignment=assignment_b),
    }


# A change to a column of each table that every constraint would otherwise accept.
CHANGES = {
    ProgressEntry: {"note": "Sửa lại lịch sử"},
    Verification: {"reason": "Sửa lại lý do"},
    DeadlineExtension: {"document": "Công văn khác"},
}
COLUMN = {ProgressEntry: "note", Verification: "reason", DeadlineExtension: "document"}


def snapshot(model) -> list[dict]:
    return list(model.objects.order_by("pk").values())


def refused(match: str):
    """The database refuses: an IntegrityError (SQLSTATE 23000), inside its own savepoint so
    that the test's transaction goes on."""
    return pytest.raises(IntegrityError, match=match)


ids = [m._meta.model_name for m in MODELS]


def test_the_triggers_are_installed(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text FROM pg_trigger"
            " WHERE tgname LIKE %s AND NOT tgisinternal ORDER BY 1",
            ["%_append_only"],
        )
        tables = [row[0] for row in cursor.fetchall()]
    # Comments and reminders too (tests/test_notifications_views.py tries them), and the PAR
    # index's score history, final scores (tests/test_index_constraints.py) and corrections
    # (tests/test_index_corrections.py).
    assert tables == sorted([*TABLES.values(), "solutions_comment", "solutions_reminder",
                             "index_scoreentry", "index_finalscore", "index_correction"])


@pytest.mark.parametrize("model", MODELS, ids=ids)
class TestRefusedByTheDatabase:
    def test_queryset_update(self, records, model):
        before = snapshot(model)
        with refused("append-only: UPDATE refused"), transaction.atomic():
            model.objects.filter(pk=records[model].pk).update(**CHANGES[model])
        assert snapshot(model) == before

    def test_bulk_update_of_every_row(self, records, model):
        before = snapshot(model)
        assert len(before) >= 1
        with refused("UPDATE refused"), transaction.atomic():
            model.objects.update(**CHANGES[model])
        assert snapshot(model) == before

    def test_save_of_a_changed_object(self, records, model):
        obj = records[model]
        before = snapshot(model)
        for field, value in CHANGES[model].items():
            setattr(obj, field, value)
        with refused("UPDATE refused"), transaction.atomic():
            obj.save()
        assert snapshot(model) == before

    def test_queryset_delete(self, records, model):
        before = snapshot(model)
        with refused("append-only: DELETE refused"), transaction.atomic():
            model.objects.filter(pk=records[model].pk).delete()
        assert snapshot(model) == before

    def test_model_delete(self, records, model):
        before = snapshot(model)
        with refused("DELETE refused"), transaction.atomic():
            records[model].delete()
        assert snapshot(model) == before

    def test_raw_sql_update(self, records, model):
        before = snapshot(model)
        with refused("UPDATE refused"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f'UPDATE {TABLES[model]} SET "{COLUMN[model]}" = %s WHERE id = %s',
                ["viết đè", records[model].pk],
            )
        assert snapshot(model) == before

    def test_raw_sql_update_of_the_key(self, records, model):
        before = snapshot(model)
        with refused("UPDATE refused"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLES[model]} SET id = id + 1000000")
        assert snapshot(model) == before

    def test_raw_sql_delete(self, records, model):
        before = snapshot(model)
        with refused("DELETE refused"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLES[model]} WHERE id = %s", [records[model].pk])
        assert snapshot(model) == before

    def test_raw_sql_delete_of_every_row(self, records, model):
        before = snapshot(model)
        with refused("DELETE refused"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLES[model]}")
        assert snapshot(model) == before

    def test_the_refusal_is_a_database_error_too(self, records, model):
        # Callers catching DatabaseError (the broader class) see it as well.
        with pytest.raises(DatabaseError), transaction.atomic():
            model.objects.filter(pk=records[model].pk).update(**CHANGES[model])


def test_an_update_matching_no_row_is_harmless(records):
    # Row-level triggers: nothing to refuse when no row is touched.
    for model in MODELS:
        assert model.objects.filter(pk=-1).update(**CHANGES[model]) == 0


def test_a_referenced_report_is_protected_before_the_database(records, assignment_a):
    # The verified 100% report is referenced by its Verification: Django refuses first.
    from django.db.models import ProtectedError

    verified = Verification.objects.get(assignment=assignment_a).entry
    with pytest.raises(ProtectedError):
        verified.delete()
    assert ProgressEntry.objects.filter(pk=verified.pk).exists()


class TestInsertStillWorks:
    def test_reports_decisions_and_extensions_go_on(self, records, assignment_b, staff_b,
                                                    coordinator):
        counts = {m: m.objects.count() for m in MODELS}
        record_progress(assignment=assignment_b, user=staff_b, percent=100, note="Đã bổ sung")
        verify_completion(assignment=assignment_b, user=coordinator)
        other = AssignmentFactory(task=assignment_b.task, unit=UnitFactory())
        extend_deadline(assignment=other, user=coordinator,
                        new_due_date=other.due_date + datetime.timedelta(days=10),
                        reason="Gia hạn")
        assert {m: m.objects.count() for m in MODELS} == {
            ProgressEntry: counts[ProgressEntry] + 1,
            Verification: counts[Verification] + 1,
            DeadlineExtension: counts[DeadlineExtension] + 1,
        }

    def test_raw_sql_insert(self, records, assignment_b, staff_b):
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO solutions_progressentry"
                " (assignment_id, percent, note, evidence, evidence_name, reported_by_id,"
                "  reported_at)"
                " VALUES (%s, 10, 'Nhập trực tiếp', '', '', %s, now()) RETURNING id",
                [assignment_b.pk, staff_b.pk],
            )
            (pk,) = cursor.fetchone()
        assert ProgressEntry.objects.get(pk=pk).note == "Nhập trực tiếp"

    def test_the_assignment_itself_stays_writable(self, records, assignment_b):
        # Only the three record tables are append-only; the assignment's latest fields move.
        Assignment.objects.filter(pk=assignment_b.pk).update(role=Assignment.Role.SUPPORT)
        assert Assignment.objects.get(pk=assignment_b.pk).role == Assignment.Role.SUPPORT

    def test_truncate_still_empties_a_table(self, records):
        # A deliberate purge (and the test runner's flush) is not a row change.
        with connection.cursor() as cursor:
            # The test's own transaction holds deferred foreign-key checks; run them first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE solutions_deadlineextension")
        assert not DeadlineExtension.objects.exists()


def test_a_task_with_progress_history_cannot_be_deleted(records, assignment_a):
    from django.db.models import ProtectedError

    task = assignment_a.task
    before = snapshot(ProgressEntry)
    with pytest.raises(ProtectedError), transaction.atomic():
        task.delete()
    assert snapshot(ProgressEntry) == before
    assert Assignment.objects.filter(task=task).count() == 2


# --- The admin offers no change nor delete --------------------------------------------------


def admin_url(model, view, *args):
    return reverse(f"admin:solutions_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=ids)
def test_the_admin_offers_no_change_nor_delete(as_admin, records, model):
    obj = records[model]
    before = snapshot(model)

    page = as_admin.get(admin_url(model, "change", obj.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html
    assert admin_url(model, "delete", obj.pk) not in html
    assert as_admin.get(admin_url(model, "add")).status_code == 403
    assert as_admin.post(admin_url(model, "change", obj.pk), CHANGES[model]).status_code == 403
    assert as_admin.get(admin_url(model, "delete", obj.pk)).status_code == 403
    assert as_admin.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403

    changelist = as_admin.get(admin_url(model, "changelist"))
    assert changelist.status_code == 200
    action_form = changelist.context["action_form"]
    actions = set(dict(action_form.fields["action"].choices)) if action_form else set()
    assert "delete_selected" not in actions
    as_admin.post(admin_url(model, "changelist"),
                  {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})

    assert snapshot(model) == before


def test_an_assignment_with_records_cannot_be_deleted_in_the_admin(as_admin, records,
                                                                   assignment_a):
    response = as_admin.post(admin_url(Assignment, "delete", assignment_a.pk), {"post": "yes"})
    assert response.status_code in (200, 403)  # the "protected" page, or no permission
    assert Assignment.objects.filter(pk=assignment_a.pk).exists()
    assert ProgressEntry.objects.filter(assignment=assignment_a).count() == 2
