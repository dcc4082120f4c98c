"""Writes that span models. Views, admin and commands all call these."""

from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from solutions.models import Assignment, ProgressEntry, Task
from units.models import Unit


def record_progress(
    *,
    assignment: Assignment,
    user,
    percent: int,
    note: str,
    evidence: UploadedFile | None = None,
) -> ProgressEntry:
    """Append a progress report and update the assignment's latest fields, together or not at all.

    The assignment row is locked first, so concurrent reports are serialised: the latest fields
    always describe the newest entry. 100% completes the assignment on the report's date; a later
    report below 100% reopens it (a unit corrected itself).
    """
    entry = ProgressEntry(percent=percent, note=note, reported_by=user)
    try:
        with transaction.atomic():
            locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
            entry.assignment = locked
            entry.reported_at = now = timezone.now()
            if evidence:
                entry.evidence_name = evidence.name[:255]
                entry.evidence = evidence
            entry.save()

            locked.latest_percent = percent
            locked.latest_report_at = now
            if percent == 100:
                locked.completed_on = locked.completed_on or timezone.localdate(now)
            else:
                locked.completed_on = None
            locked.save(update_fields=["latest_percent", "latest_report_at", "completed_on"])
    except Exception:
        # The file was written before the rows; don't leave it behind when they roll back.
        # (_committed: the file was saved under its random name, not merely attached.)
        if entry.evidence and entry.evidence._committed:
            entry.evidence.storage.delete(entry.evidence.name)
        raise
    # The caller's object reflects the write too.
    assignment.latest_percent = locked.latest_percent
    assignment.latest_report_at = locked.latest_report_at
    assignment.completed_on = locked.completed_on
    return entry


@transaction.atomic
def assign_task(
    *, task: Task, units: Iterable[Unit], role: str = Assignment.Role.LEAD
) -> list[Assignment]:
    """Assign a task to many units at once; units already assigned keep their assignment."""
    seen = set(task.assignments.values_list("unit_id", flat=True))
    new = []
    for unit in units:
        if unit.pk in seen:
            continue
        seen.add(unit.pk)
        new.append(
            Assignment(task=task, unit=unit, role=role, due_date=task.due_date,
                       original_due_date=task.due_date)
        )
    return Assignment.objects.bulk_create(new)
