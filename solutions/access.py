"""One access helper per model: outsiders get 404, read-only people 403 on writes."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from solutions.models import Assignment, ProgressEntry, Task
from units.access import is_coordinator


def can_report(user, assignment: Assignment) -> bool:
    """Members of the assigned unit report on it; coordinators may record a report for them."""
    if is_coordinator(user):
        return True
    return user.memberships.filter(unit_id=assignment.unit_id).exists()


def require_coordinator(user) -> None:
    """Pages that act on the whole plan (a new task): anyone else logged in gets 403."""
    if not is_coordinator(user):
        raise PermissionDenied


def get_assignment(
    user, pk, *, for_write: bool = False, for_coordination: bool = False
) -> Assignment:
    """for_write: report progress (the unit, or a coordinator). for_coordination: verify,
    return, extend (coordinators only). Either way an outsider gets 404 before any 403."""
    assignment = get_object_or_404(
        Assignment.objects.for_user(user)
        .with_timeliness()
        .select_related(
            "task__plan", "task__area", "task__solution", "unit", "pending_entry__reported_by"
        ),
        pk=pk,
    )
    if for_write and not can_report(user, assignment):
        raise PermissionDenied
    if for_coordination and not is_coordinator(user):
        raise PermissionDenied
    return assignment


def get_task(user, pk, *, for_write: bool = False) -> Task:
    """for_write: edit the task or assign it to units, which only coordinators do."""
    task = get_object_or_404(
        Task.objects.for_user(user).select_related("plan", "area", "solution"), pk=pk
    )
    if for_write and not is_coordinator(user):
        raise PermissionDenied
    return task


def get_entry_for_download(user, pk) -> ProgressEntry:
    """An evidence file is seen by whoever may see its assignment."""
    return get_object_or_404(
        ProgressEntry.objects.filter(
            assignment__in=Assignment.objects.for_user(user)
        ).exclude(evidence=""),
        pk=pk,
    )


def get_assignment_for_comment(user, pk) -> Assignment:
    """Writing in an assignment's conversation: its unit's members and coordinators; the
    leader reads it only (403); outsiders get 404."""
    return get_assignment(user, pk, for_write=True)


def get_comment_for_download(user, pk):
    from solutions.models import Comment

    return get_object_or_404(Comment.objects.for_user(user).exclude(attachment=""), pk=pk)


def get_unit_for_reminder(user, pk):
    """"Nhắc việc" for a whole unit: coordinators only; anyone else who sees it gets 403."""
    from units.models import Unit

    unit = get_object_or_404(Unit.objects.for_user(user), pk=pk)
    if not is_coordinator(user):
        raise PermissionDenied
    return unit
