from pathlib import PurePath

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.db.models.functions import Length
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from plans.access import plan_from_query
from plans.models import Plan
from solutions import access
from solutions.coordination import history_context, render_assignment
from solutions.evidence import CONTENT_TYPES, kind_of, name_for
from solutions.filters import AssignmentFilter, TaskFilter
from solutions.forms import CommentForm, ProgressForm, RemindForm
from solutions.models import Assignment, Task, TaskSummary
from solutions.services import (
    AlreadyReminded,
    comment_create,
    record_progress,
    reminder_send,
    reminders_send_for_unit,
)
from units.access import can_read_all, is_coordinator
from units.models import Unit

PAGE_SIZE = 50


def _page(request, queryset, size=PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


@require_safe
def my_assignments(request):
    """The person's own units' assignments in the plan, overdue and due soon first."""
    return render(request, "solutions/my_assignments.html", _my_assignments_context(request))


def _my_assignments_context(request) -> dict:
    plan = plan_from_query(request)
    units = Unit.objects.filter(memberships__user=request.user).order_by("name")
    assignments = (
        Assignment.objects.filter(unit__in=units, task__plan=plan)
        .with_timeliness()
        .select_related("task", "unit")
        .by_urgency()
    )
    # In progress within the deadline and done: the first 20 and 10, the rest a link away.
    return {"plan": plan, "units": units, "assignments": assignments,
            "in_progress_shown": 20, "done_shown": 10}


@require_http_methods(["GET", "HEAD", "POST"])
def assignment_detail(request, pk):
    if request.method != "POST":
        return render_assignment(request, access.get_assignment(request.user, pk))
    assignment = access.get_assignment(request.user, pk, for_write=True)
    form = ProgressForm(request.POST, request.FILES, assignment=assignment)
    if form.is_valid():
        try:
            record_progress(assignment=assignment, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            # Verified as complete meanwhile (code "closed"): said on the form, nothing saved.
            form.add_error(None, error)
        else:
            if assignment.is_awaiting_verification:
                messages.success(request, _(
                    "Your progress report was recorded. At 100%%, the assignment now awaits "
                    "verification by %(agency)s."
                ) % {"agency": settings.COORDINATING_AGENCY})
            else:
                messages.success(request, _("Your progress report was recorded."))
            return redirect(f"{assignment.get_absolute_url()}#history")
    return render_assignment(request, assignment, form=form)


@require_safe
def evidence_download(request, pk):
    entry = access.get_entry_for_download(request.user, pk)
    try:
        handle = entry.evidence.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # Named and typed from what the file holds, whatever it was called when it was stored:
    # always an attachment, never rendered by the browser (nosniff is on every response).
    kind = kind_of(handle)
    name = entry.evidence_name or PurePath(entry.evidence.name).name
    if kind is None:
        name, content_type = f"{PurePath(name).stem or 'evidence'}.bin", "application/octet-stream"
    else:
        name, content_type = name_for(name, kind), CONTENT_TYPES[kind]
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)


def _list_context(request, filterset_class, queryset):
    plan = plan_from_query(request)
    if plan is None:
        return None, None, queryset.none()
    filterset = filterset_class(
        request.GET,
        queryset=queryset.filter(**({"task__plan": plan} if queryset.model is Assignment
                                    else {"plan": plan})),
        plan=plan,
        user=request.user,
        request=request,
    )
    rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    return plan, filterset, rows


@require_safe
def assignment_list(request):
    return render(request, "solutions/assignment_list.html", _assignment_list_context(request))


def _assignment_list_context(request) -> dict:
    plan, filterset, rows = _list_context(
        request,
        AssignmentFilter,
        Assignment.objects.for_user(request.user).with_timeliness(),
    )
    page = _page(request, rows.select_related("task", "unit").by_urgency())
    return {"plan": plan, "plans": Plan.objects.all(), "filter": filterset, "page": page}


@require_safe
def task_list(request):
    return render(request, "solutions/task_list.html", _task_list_context(request))


def _task_list_context(request) -> dict:
    plan, filterset, rows = _list_context(
        request, TaskFilter, Task.objects.for_user(request.user)
    )
    page = _page(
        request,
        rows.select_related("area", "solution").order_by("area__number", Length("code"), "code"),
    )
    # Figures per task from two aggregates, not thousands of assignment objects a page.
    summaries = (
        Assignment.objects.for_user(request.user)
        .filter(task__in=[task.pk for task in page])
        .summaries_by_task()
    )
    for task in page:
        task.summary = summaries.get(task.pk) or TaskSummary()
    return {"plan": plan, "plans": Plan.objects.all(), "filter": filterset, "page": page,
            "is_coordinator": is_coordinator(request.user)}


@require_safe
def task_detail(request, pk):
    task = access.get_task(request.user, pk)
    # Prefetched once: the task's progress and done flag read the same list.
    prefetch_related_objects(
        [task],
        Prefetch(
            "assignments",
            queryset=Assignment.objects.with_timeliness()
            .select_related("unit")
            .order_by("role", "unit__name"),
        ),
    )
    assignments = list(task.assignments.all())
    if can_read_all(request.user):
        visible_ids = {a.pk for a in assignments}
    else:
        visible_ids = set(
            Assignment.objects.for_user(request.user).filter(task=task).values_list("pk", flat=True)
        )
    context = {"task": task, "plan": task.plan, "assignments": assignments,
               "visible_ids": visible_ids, "is_coordinator": is_coordinator(request.user)}
    if context["is_coordinator"]:
        context |= history_context(task)
    return render(request, "solutions/task_detail.html", context)


# --- The conversation and "Nhắc việc" (issue 11) ------------------------------------------------


@require_POST
def assignment_comment(request, pk):
    """Add a message to the assignment's conversation; a bad one re-renders the page (400)."""
    assignment = access.get_assignment_for_comment(request.user, pk)
    form = CommentForm(request.POST, request.FILES)
    if form.is_valid():
        comment_create(assignment=assignment, user=request.user, **form.cleaned_data)
        messages.success(request, _("Your message was added to the conversation."))
        return redirect(f"{assignment.get_absolute_url()}#conversation")
    # The conversation tag (solutions/templatetags/conversation.py) shows this bound form.
    request.comment_form = form
    return render_assignment(request, assignment, status=400)


@require_POST
def assignment_remind(request, pk):
    """A coordinator's "Nhắc việc": at most once a day per assignment."""
    assignment = access.get_assignment(request.user, pk, for_coordination=True)
    form = RemindForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("message", [])))
    else:
        try:
            reminder_send(assignment=assignment, user=request.user,
                          message=form.cleaned_data["message"])
        except AlreadyReminded:
            messages.warning(request, _("This assignment was already reminded today; a reminder "
                                        "goes at most once a day."))
        else:
            messages.success(request, _("The reminder was sent to the unit."))
    return redirect(f"{assignment.get_absolute_url()}#conversation")


@require_POST
def unit_remind(request, pk):
    """"Nhắc việc" for every open assignment of a unit not yet reminded today."""
    unit = access.get_unit_for_reminder(request.user, pk)
    form = RemindForm(request.POST)
    count = 0
    if form.is_valid():
        count = reminders_send_for_unit(unit=unit, user=request.user,
                                        message=form.cleaned_data["message"])
    if count:
        messages.success(request, _("Reminders were sent for %(count)s open assignments.")
                         % {"count": count})
    else:
        messages.warning(request, _("No open assignment of this unit was left to remind today."))
    return redirect(unit.get_absolute_url())


@require_safe
def comment_attachment(request, pk):
    comment = access.get_comment_for_download(request.user, pk)
    try:
        handle = comment.attachment.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=comment.attachment_name or None)
