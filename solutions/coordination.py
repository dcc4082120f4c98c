"""The coordinator's pages (Sở Nội vụ): tasks and their units, verification, extensions, history.

Thin views: load through solutions.access (404 for outsiders, 403 for read-only people), validate
a form, call a service, say what happened, redirect. render_assignment() draws the assignment
page (views.assignment_detail) and is what the return and extend views re-render on an error.
"""

import copy
import datetime
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from plans.access import plan_from_query
from solutions import access
from solutions.forms import AssignUnitsForm, ExtendForm, ProgressForm, ReturnForm, TaskForm
from solutions.models import Assignment, ProgressEntry, Task
from solutions.services import (
    StaleEdit,
    assign_task,
    extend_deadline,
    return_completion,
    save_task,
    verify_completion,
)
from units.access import is_coordinator

HISTORY_LIMIT = 50
PAGE_SIZE = 50


def render_assignment(
    request: HttpRequest,
    assignment: Assignment,
    *,
    form: ProgressForm | None = None,
    return_form: ReturnForm | None = None,
    extend_form: ExtendForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The assignment page, with the forms of whoever looks at it (bound ones on an error)."""
    coordinator = is_coordinator(request.user)
    can_report = access.can_report(request.user, assignment)
    context = {
        "assignment": assignment,
        "entries": assignment.entries.select_related("reported_by"),
        "siblings": (
            assignment.task.assignments.exclude(pk=assignment.pk)
            .with_timeliness()
            .select_related("unit")
            .order_by("role", "unit__name")
        ),
        "decisions": assignment.verifications.select_related("decided_by", "entry"),
        "extensions": assignment.extensions.select_related("decided_by"),
        "can_report": can_report,
        "is_coordinator": coordinator,
    }
    if can_report and not assignment.is_done:
        context["form"] = form or ProgressForm(assignment=assignment)
    elif form is not None:
        context["form"] = form
    if coordinator:
        if assignment.is_awaiting_verification:
            context["return_form"] = return_form or ReturnForm()
        if not assignment.is_done:
            context["extend_form"] = extend_form or ExtendForm(assignment=assignment)
        context |= history_context(assignment)
    return render(request, "solutions/assignment_detail.html", context, status=status)


# --- Tasks -----------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def task_create(request: HttpRequest) -> HttpResponse:
    access.require_coordinator(request.user)
    plan = plan_from_query(request)
    form = TaskForm(request.POST if request.method == "POST" else None, initial_plan=plan)
    if form.is_bound and form.is_valid():
        try:
            task = save_task(task=Task(), user=request.user, **form.task_fields())
        except IntegrityError:
            # Another coordinator created the same code between the check and the save.
            form.add_error("code", _("Task %(code)s already exists in this plan.")
                           % {"code": form.cleaned_data["code"]})
        else:
            messages.success(request, _("Task %(code)s was created. Now assign it to units.")
                             % {"code": task.code})
            return redirect("solutions:task-assign", pk=task.pk)
    return render(request, "solutions/task_form.html", {"form": form, "task": None, "plan": plan})


@require_http_methods(["GET", "HEAD", "POST"])
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = access.get_task(request.user, pk, for_write=True)
    stale = False
    if request.method == "POST":
        # A copy: the form writes the posted values into its instance while validating, and
        # the page's heading keeps showing the task as saved.
        form = TaskForm(request.POST, instance=copy.copy(task))
        if form.is_valid():
            try:
                saved = save_task(
                    task=task, expected_version=form.cleaned_data["version"],
                    user=request.user, **form.task_fields(),
                )
            except StaleEdit:
                stale = True
            except IntegrityError:
                form.add_error("code", _("Task %(code)s already exists in this plan.")
                               % {"code": form.cleaned_data["code"]})
            else:
                messages.success(request, _("Task %(code)s was saved.") % {"code": saved.code})
                return redirect(saved)
        else:
            # Said at once: correcting the other errors would only end in the same refusal.
            stale = form.cleaned_data.get("version") not in (None, task.version)
        if stale:
            form.add_error(None, _stale_message(task))
    else:
        form = TaskForm(instance=task)
    return render(
        request, "solutions/task_form.html",
        {"form": form, "task": task, "plan": task.plan, "stale": stale},
        status=409 if stale else 200,
    )


def _stale_message(task: Task) -> str:
    last = task.history.order_by("-history_date", "-history_id").first()
    if last is None:
        return _("Someone else saved this task after you opened it. Your changes were not "
                 "saved: reload the task to see theirs.")
    return _("Someone else saved this task at %(time)s after you opened it. Your changes were "
             "not saved: reload the task to see theirs.") % {
        "time": timezone.localtime(last.history_date).strftime("%H:%M")
    }


@require_http_methods(["GET", "HEAD", "POST"])
def task_assign(request: HttpRequest, pk: int) -> HttpResponse:
    task = access.get_task(request.user, pk, for_write=True)
    form = AssignUnitsForm(request.POST if request.method == "POST" else None, task=task)
    if form.is_bound and form.is_valid():
        units = form.cleaned_data["all_units"]
        try:
            created = assign_task(
                task=task, units=units, role=form.cleaned_data["role"], user=request.user
            )
        except IntegrityError:
            # A path that does not lock the task (the admin) assigned one of them meanwhile.
            form.add_error(None, _("Some of these units were assigned at the same moment by "
                                   "someone else. Nothing was saved: look at the list below "
                                   "and send the form again."))
        else:
            already = len(units) - len(created)
            messages.success(request, " ".join([
                ngettext("%(count)d assignment created.", "%(count)d assignments created.",
                         len(created)) % {"count": len(created)},
                ngettext("%(count)d unit already had an assignment and kept it.",
                         "%(count)d units already had an assignment and kept it.",
                         already) % {"count": already},
            ]))
            return redirect(task)
    assigned = task.assignments.select_related("unit").order_by("role", "unit__name")
    return render(
        request, "solutions/task_assign.html",
        {"task": task, "plan": task.plan, "form": form, "assigned": assigned},
    )


# --- Verification and extensions ------------------------------------------------------------


def _back(request: HttpRequest, assignment: Assignment) -> str:
    """Where a decision returns to: the page it was made on (the queue), else the assignment."""
    target = request.POST.get("next", "")
    # A path only: redirect() would take "logout" or "0" for a URL name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return assignment.get_absolute_url()


@require_POST
def assignment_verify(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = access.get_assignment(request.user, pk, for_coordination=True)
    try:
        verify_completion(assignment=assignment, user=request.user)
    except ValidationError as error:
        # Decided by someone else in the meantime, or the unit withdrew its 100%.
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _(
            "%(task)s · %(unit)s verified as complete on %(date)s."
        ) % {"task": assignment.task.code, "unit": assignment.unit.label,
             "date": formats.date_format(assignment.completed_on, "SHORT_DATE_FORMAT")})
    return HttpResponseRedirect(_back(request, assignment))


@require_POST
def assignment_return(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = access.get_assignment(request.user, pk, for_coordination=True)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            return_completion(assignment=assignment, user=request.user,
                              reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _(
                "%(task)s · %(unit)s was returned to the unit with your reason."
            ) % {"task": assignment.task.code, "unit": assignment.unit.label})
        return HttpResponseRedirect(_back(request, assignment))
    return render_assignment(request, assignment, return_form=form)


@require_POST
def assignment_extend(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = access.get_assignment(request.user, pk, for_coordination=True)
    form = ExtendForm(request.POST, assignment=assignment)
    if form.is_valid():
        try:
            extension = extend_deadline(assignment=assignment, user=request.user,
                                        **form.cleaned_data)
        except ValidationError as error:
            # Completed, or extended by someone else meanwhile: checked again under the lock.
            form.add_error(None, error)
        else:
            messages.success(request, _("The deadline was extended to %(date)s.") % {
                "date": formats.date_format(extension.new_due_date, "SHORT_DATE_FORMAT")
            })
            return redirect(f"{assignment.get_absolute_url()}#extensions")
    return render_assignment(request, assignment, extend_form=form)


@require_safe
def verification_queue(request: HttpRequest) -> HttpResponse:
    """100% reports awaiting a decision, oldest first; each person sees the ones they may."""
    pending = (
        Assignment.objects.for_user(request.user)
        .filter(pending_entry__isnull=False)
        .with_timeliness()
        .select_related("task__plan", "unit", "pending_entry__reported_by")
        .order_by("pending_entry__reported_at", "pk")
    )
    return render(
        request, "solutions/verification_queue.html",
        {
            "page": Paginator(pending, PAGE_SIZE).get_page(request.GET.get("page")),
            "is_coordinator": is_coordinator(request.user),
        },
    )


# --- Change history (django-simple-history) -------------------------------------------------


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryRow:
    when: datetime.datetime
    who: object  # the user, or None for a change made outside a request (a command)
    kind: str  # "+" created, "~" changed, "-" deleted
    changes: list[Change] = field(default_factory=list)
    earlier_unknown: bool = False


def _display(model_field, value) -> str:
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _related_label(obj: Model) -> str:
    if isinstance(obj, ProgressEntry):
        # str(entry) would read its assignment's task and unit: one query a row.
        return f"{obj.percent}% · " + formats.date_format(
            timezone.localtime(obj.reported_at), "SHORT_DATETIME_FORMAT"
        )
    return str(obj)


def history_rows(records: QuerySet, limit: int = HISTORY_LIMIT) -> tuple[list[HistoryRow], bool]:
    """The latest `limit` changes of one object, newest first: who, when, field old -> new.

    One query for the records (and their users), plus one per kind of related object that a
    change names (an area, a unit...), whatever the number of records.
    """
    fetched = list(
        records.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    model = records.model.instance_type
    rows, raw = [], []
    for i, record in enumerate(fetched[:limit]):
        row = HistoryRow(when=record.history_date, who=record.history_user,
                         kind=record.history_type)
        older = fetched[i + 1] if i + 1 < len(fetched) else None
        if record.history_type == "~":
            if older is None:
                row.earlier_unknown = True
            else:
                for change in record.diff_against(older).changes:
                    raw.append((row, model._meta.get_field(change.field), change.old,
                                change.new))
        rows.append(row)

    # Related objects named by the changes, fetched once per model.
    wanted: dict[type, set] = {}
    for _row, model_field, old, new in raw:
        if model_field.is_relation:
            wanted.setdefault(model_field.related_model, set()).update(
                v for v in (old, new) if v is not None
            )
    labels = {
        related: {pk: _related_label(obj) for pk, obj in related.objects.in_bulk(pks).items()}
        for related, pks in wanted.items()
    }
    for row, model_field, old, new in raw:
        if model_field.is_relation:
            known = labels[model_field.related_model]
            old_text = "—" if old is None else known.get(old, _("#%(pk)s (deleted)") % {"pk": old})
            new_text = "—" if new is None else known.get(new, _("#%(pk)s (deleted)") % {"pk": new})
        else:
            old_text, new_text = _display(model_field, old), _display(model_field, new)
        row.changes.append(Change(capfirst(model_field.verbose_name), old_text, new_text))
    return rows, len(fetched) > limit


def history_context(obj: Task | Assignment) -> dict:
    rows, more = history_rows(obj.history.all())
    return {"history": rows, "history_more": more, "history_limit": HISTORY_LIMIT}
