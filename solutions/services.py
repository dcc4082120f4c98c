"""Writes that span models. Views, admin and commands all call these.

Each one locks the assignment (or task) row it changes first, so concurrent writers queue
instead of overwriting each other, and runs in one transaction: all of it happens or none.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from plans.models import Plan
from plans.services import plan_create_from
from solutions.evidence import kind_of, name_for
from solutions.models import (
    Assignment,
    Comment,
    DeadlineExtension,
    ProgressEntry,
    Reminder,
    Solution,
    Task,
    Verification,
)
from units.models import Unit


def _lock(assignment: Assignment, user=None) -> Assignment:
    # of=("self",): lock the assignment row only, not its task and plan (joined for reading),
    # or every write in a plan would queue behind every other.
    locked = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("task__plan")
        .get(pk=assignment.pk)
    )
    # The history row names who acted, in a request or not (commands, shell).
    locked._history_user = user
    return locked


def _refresh(target: Assignment, source: Assignment, *fields: str) -> None:
    for field in fields:
        setattr(target, field, getattr(source, field))


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
    always describe the newest entry. 100% does not complete the assignment by itself: it waits
    for a coordinator's verification (verify_completion). A later report below 100% withdraws it.
    A verified assignment takes no more reports.
    """
    entry = ProgressEntry(percent=percent, note=note, reported_by=user)
    try:
        with transaction.atomic():
            locked = _lock(assignment, user)
            if locked.completed_on is not None:
                raise ValidationError(
                    _("This assignment was verified as complete; it takes no more reports."),
                    code="closed",
                )
            entry.assignment = locked
            entry.reported_at = now = timezone.now()
            if evidence:
                # Named for its content ("scan" becomes "scan.pdf"): the stored file's suffix
                # and the download's name follow it (solutions/evidence.py).
                kind = kind_of(evidence)
                if kind is not None:
                    evidence.name = name_for(evidence.name, kind)
                entry.evidence_name = evidence.name[:255]
                entry.evidence = evidence
            entry.save()

            locked.latest_percent = percent
            locked.latest_report_at = now
            if percent == 100:
                locked.pending_entry = entry
                locked.returned_reason = ""
            else:
                locked.pending_entry = None
            locked.save(
                update_fields=["latest_percent", "latest_report_at", "pending_entry",
                               "returned_reason"]
            )
    except Exception:
        # The file was written before the rows; don't leave it behind when they roll back.
        # (_committed: the file was saved under its random name, not merely attached.)
        if entry.evidence and entry.evidence._committed:
            entry.evidence.storage.delete(entry.evidence.name)
        raise
    _refresh(assignment, locked, "latest_percent", "latest_report_at", "pending_entry_id",
             "returned_reason", "completed_on")
    return entry


@transaction.atomic
def verify_completion(*, assignment: Assignment, user) -> Verification:
    """A coordinator confirms the unit's 100% report: done, on the date of that report."""
    locked = _lock(assignment, user)
    if locked.pending_entry_id is None:
        raise ValidationError(_("This assignment has no report awaiting verification."),
                              code="not_pending")
    entry = locked.pending_entry
    verification = Verification.objects.create(
        assignment=locked, entry=entry, decision=Verification.Decision.VERIFIED,
        decided_by=user,
    )
    # Timeliness follows the report's date, not the date of the verification.
    locked.completed_on = timezone.localdate(entry.reported_at)
    locked.pending_entry = None
    locked.returned_reason = ""
    locked.save(update_fields=["completed_on", "pending_entry", "returned_reason"])
    _refresh(assignment, locked, "completed_on", "pending_entry_id", "returned_reason")
    return verification


@transaction.atomic
def return_completion(*, assignment: Assignment, user, reason: str) -> Verification:
    """A coordinator sends the 100% report back with a reason: the assignment is in progress again.

    Its percent goes back to the last accepted one: that of its newest report not returned
    (0 if none). The returned 100% stays in the history as it was sent, marked returned, but
    no progress bar draws a share the coordinator did not accept.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the report is returned."), code="required")
    locked = _lock(assignment, user)
    if locked.pending_entry_id is None:
        raise ValidationError(_("This assignment has no report awaiting verification."),
                              code="not_pending")
    verification = Verification.objects.create(
        assignment=locked, entry=locked.pending_entry,
        decision=Verification.Decision.RETURNED, reason=reason, decided_by=user,
    )
    returned = Verification.objects.filter(
        assignment=locked, decision=Verification.Decision.RETURNED
    ).values("entry_id")
    accepted = (
        ProgressEntry.objects.filter(assignment=locked)
        .exclude(pk__in=returned)
        .order_by("-reported_at", "-pk")
        .values_list("percent", flat=True)
        .first()
    )
    locked.pending_entry = None
    locked.returned_reason = reason
    locked.latest_percent = accepted or 0
    locked.save(update_fields=["pending_entry", "returned_reason", "latest_percent"])
    # The reason opens the assignment's conversation: the unit answers below it.
    Comment.objects.create(assignment=locked, author=user, body=reason,
                           verification=verification, created_at=verification.decided_at)
    _refresh(assignment, locked, "pending_entry_id", "returned_reason", "latest_percent")
    return verification


@transaction.atomic
def extend_deadline(
    *,
    assignment: Assignment,
    user,
    new_due_date: datetime.date,
    reason: str,
    document: str = "",
) -> DeadlineExtension:
    """A coordinator moves an assignment's deadline later; every extension is kept."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the deadline is extended."), code="required")
    locked = _lock(assignment, user)
    if locked.completed_on is not None:
        raise ValidationError(_("A completed assignment's deadline cannot be extended."),
                              code="done")
    current = locked.due_date or locked.task.plan.end_date
    if new_due_date <= current:
        raise ValidationError(
            _("The new deadline must be after the current one (%(date)s)."),
            code="not_later",
            params={"date": current.strftime("%d/%m/%Y")},
        )
    extension = DeadlineExtension.objects.create(
        assignment=locked,
        previous_due_date=locked.due_date,
        new_due_date=new_due_date,
        reason=reason,
        document=(document or "").strip(),
        decided_by=user,
    )
    locked.due_date = new_due_date
    locked.save(update_fields=["due_date"])
    _refresh(assignment, locked, "due_date")
    return extension


class StaleEdit(Exception):
    """Someone else saved the task after this form was opened."""


@transaction.atomic
def save_task(
    *, task: Task, expected_version: int | None = None, user=None, **fields
) -> Task:
    """Create a task, or update one if nobody saved it since `expected_version` was read.

    Optimistic concurrency: two coordinators editing the same task both start from version N;
    the first save makes it N+1, the second is refused with StaleEdit and overwrites nothing.
    """
    if task.pk is None:
        for name, value in fields.items():
            setattr(task, name, value)
        task.full_clean()
        task._history_user = user
        task.save()
        return task
    locked = Task.objects.select_for_update(of=("self",)).get(pk=task.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleEdit
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.full_clean()
    locked._history_user = user
    locked.save()
    return locked


@transaction.atomic
def assign_task(
    *,
    task: Task,
    units: Iterable[Unit],
    role: str = Assignment.Role.LEAD,
    user=None,
) -> list[Assignment]:
    """Assign a task to many units at once; units already assigned keep their assignment.

    The task row is locked first: two coordinators assigning the same units from two tabs
    queue, and the second finds the first's assignments and keeps them, instead of both
    reading "not assigned" and the second failing on assignment_unique_task_unit.
    """
    list(Task.objects.select_for_update(of=("self",)).filter(pk=task.pk).values_list("pk"))
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
    # With history rows, like every other change to assignments.
    return bulk_create_with_history(new, Assignment, default_user=user)


# --- The conversation and reminders (issue 11) ----------------------------------------------


def comment_create(
    *, assignment: Assignment, user, body: str, attachment: UploadedFile | None = None
) -> Comment:
    """Add a message to the assignment's conversation (append-only), with an optional file
    checked like evidence by the form. The file is removed again if the row is not saved."""
    comment = Comment(assignment=assignment, author=user, body=body.strip())
    if attachment:
        comment.attachment_name = attachment.name[:255]
        comment.attachment = attachment
    try:
        with transaction.atomic():
            comment.save()
    except Exception:
        if comment.attachment and comment.attachment._committed:
            comment.attachment.storage.delete(comment.attachment.name)
        raise
    return comment


class AlreadyReminded(Exception):
    """The assignment was reminded today already (at most once a day)."""


def reminder_send(*, assignment: Assignment, user, message: str = "") -> Reminder:
    """A coordinator's "Nhắc việc": recorded on the assignment, told to its unit by the
    schedule. A second one the same day (or two coordinators at once) raises AlreadyReminded:
    the unique constraint decides, not a check that two requests could both pass."""
    today = timezone.localdate()
    try:
        with transaction.atomic():
            return Reminder.objects.create(assignment=assignment, sent_by=user,
                                           message=(message or "").strip(), sent_on=today)
    except IntegrityError:
        raise AlreadyReminded from None


def reminders_send_for_unit(*, unit: Unit, user, message: str = "") -> int:
    """"Nhắc việc" for a unit: every open assignment of it not yet reminded today. Returns
    how many were reminded."""
    today = timezone.localdate()
    open_ids = list(
        Assignment.objects.filter(unit=unit, completed_on__isnull=True,
                                  task__plan__status="active")
        .exclude(reminders__sent_on=today).values_list("pk", flat=True)
    )
    with transaction.atomic():
        made = Reminder.objects.bulk_create(
            [Reminder(assignment_id=pk, sent_by=user, message=(message or "").strip(),
                      sent_on=today) for pk in open_ids],
            ignore_conflicts=True,
        )
    return len(made)


# --- A new plan from a previous one ------------------------------------------------------------


def shift_years(day: datetime.date | None, years: int) -> datetime.date | None:
    """The same day `years` later; 29/2 becomes 28/2 in a common year."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _active(unit: Unit, on: datetime.date) -> bool:
    return (unit.active_from is None or unit.active_from <= on) and (
        unit.active_to is None or unit.active_to >= on
    )


def unit_on(unit: Unit, on: datetime.date, units: dict[int, Unit]) -> Unit | None:
    """The unit that does `unit`'s work on a day: itself while active, else its successor
    (Unit.successor, followed through successive mergers), None if it ended with none."""
    seen = set()
    while unit is not None and unit.pk not in seen:
        if _active(unit, on):
            return unit
        seen.add(unit.pk)
        unit = units.get(unit.successor_id) if unit.successor_id else None
    return None


@dataclass
class PlanCopyPreview:
    """What copying a plan will make, shown before the coordinator confirms."""

    areas: int = 0
    solutions: int = 0
    tasks: int = 0
    assignments: int = 0
    # (unit of the source plan, the unit it maps to), for units merged since.
    merged: list[tuple[Unit, Unit]] = field(default_factory=list)
    # Units that ended with no successor: their assignments are not copied.
    ended: list[Unit] = field(default_factory=list)


def plan_copy_preview(*, source: Plan, year: int, with_tasks: bool) -> PlanCopyPreview:
    """The counts and the units merged or ended on the new plan's first day."""
    on = datetime.date(year, 1, 1)
    preview = PlanCopyPreview(areas=source.areas.count(),
                              solutions=Solution.objects.filter(plan=source).count())
    if not with_tasks:
        return preview
    preview.tasks = Task.objects.filter(plan=source).count()
    units = {u.pk: u for u in Unit.objects.all()}
    used = Assignment.objects.filter(task__plan=source).values_list("unit_id", flat=True)
    mapped: dict[int, Unit | None] = {}
    for unit_id in used:
        if unit_id not in mapped:
            mapped[unit_id] = unit_on(units[unit_id], on, units)
        preview.assignments += mapped[unit_id] is not None
    for unit_id, target in sorted(mapped.items(), key=lambda kv: units[kv[0]].name):
        if target is None:
            preview.ended.append(units[unit_id])
        elif target.pk != unit_id:
            preview.merged.append((units[unit_id], target))
    return preview


@transaction.atomic
def plan_copy(
    *, source: Plan, year: int, title: str, document_number: str = "", with_tasks: bool = False,
    user=None,
) -> Plan:
    """A new plan for `year` from `source`: its reform areas and its ten solutions, and with
    with_tasks its tasks (deadlines moved by as many years) and their assignments, each to the
    unit doing that work on the new plan's first day (Unit.successor for a merged unit; a unit
    ended without successor is left out, as the preview says). Progress is not copied: the
    new plan starts at 0%."""
    plan = plan_create_from(source=source, year=year, title=title,
                            document_number=document_number, user=user)
    solutions = Solution.objects.bulk_create([
        Solution(plan=plan, number=s.number, title=s.title, text=s.text)
        for s in Solution.objects.filter(plan=source)
    ])
    if not with_tasks:
        return plan
    years = year - source.year
    areas = {a.number: a for a in plan.areas.all()}
    by_number = {s.number: s for s in solutions}
    source_tasks = list(Task.objects.filter(plan=source).select_related("area", "solution"))
    tasks = bulk_create_with_history([
        Task(plan=plan, area=areas[t.area.number],
             solution=by_number.get(t.solution.number) if t.solution_id else None,
             code=t.code, title=t.title, description=t.description,
             expected_output=t.expected_output, due_date=shift_years(t.due_date, years),
             source_document=t.source_document)
        for t in source_tasks
    ], Task, default_user=user)
    new_task = {old.pk: new for old, new in zip(source_tasks, tasks)}
    units = {u.pk: u for u in Unit.objects.all()}
    on = plan.start_date
    assignments, taken = [], set()
    for a in Assignment.objects.filter(task__plan=source).order_by("role", "pk"):
        unit = unit_on(units[a.unit_id], on, units)
        task = new_task[a.task_id]
        # Two merged units may map to one: it takes the task once (lead first).
        if unit is None or (task.pk, unit.pk) in taken:
            continue
        taken.add((task.pk, unit.pk))
        assignments.append(Assignment(task=task, unit=unit, role=a.role,
                                      due_date=task.due_date, original_due_date=task.due_date))
    bulk_create_with_history(assignments, Assignment, default_user=user)
    return plan
