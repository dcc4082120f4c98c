from collections import defaultdict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from solutions.models import (
    Assignment,
    DeadlineExtension,
    ProgressEntry,
    Solution,
    Task,
    Verification,
)
from solutions.forms import whole_kinds_field
from solutions.services import assign_task
from units.admin import titled
from units.models import Unit


@admin.register(Solution)
class SolutionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "plan"]
    list_display_links = ["number", "title"]
    list_select_related = ["plan"]
    list_filter = ["plan"]
    search_fields = ["title", "plan__year__exact"]


def with_assignment_counts(queryset):
    """Lead and support units per task, counted in the same query as the tasks."""
    return queryset.annotate(
        lead_count=Count("assignments", filter=Q(assignments__role=Assignment.Role.LEAD)),
        support_count=Count("assignments", filter=Q(assignments__role=Assignment.Role.SUPPORT)),
    )


def units_for_plans(plans) -> QuerySet:
    queryset = Unit.objects.none()
    for on in {plan.assignable_on() for plan in plans}:
        queryset |= Unit.objects.active(on=on)
    return queryset


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        # The code lets the filter box find a unit by its code as well as its name.
        return f"{obj.code} · {obj.name}"


class AssignUnitsForm(forms.Form):
    """The admin's assign step: several tasks at once, units in the admin's two-box widget."""

    kinds = whole_kinds_field(
        _("Units that exist on the plan's dates (today, while the plan runs).")
    )
    units = UnitMultipleChoiceField(
        label=_("Units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=FilteredSelectMultiple(_("units"), is_stacked=False),
        help_text=_("Individual units, in addition to the kinds chosen above."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Assignment.Role.choices,
        initial=Assignment.Role.LEAD,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, tasks: list[Task], **kwargs):
        super().__init__(*args, **kwargs)
        self.tasks = tasks
        self.fields["units"].queryset = units_for_plans({t.plan for t in tasks}).order_by(
            "kind", "code"
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        kinds = cleaned["kinds"]
        chosen = list(cleaned["units"])
        if not kinds and not chosen:
            raise forms.ValidationError(_("Choose a kind of unit or at least one unit."))
        # Resolve the selection per task now, so that an empty one is a form error.
        of_kinds = {}  # by date: tasks of one plan share their units
        cleaned["units_by_task"] = {}
        for task in self.tasks:
            units = {unit.pk: unit for unit in chosen}
            if kinds:
                on = task.plan.assignable_on()
                if on not in of_kinds:
                    of_kinds[on] = list(Unit.objects.active(on=on).filter(kind__in=kinds))
                units.update((u.pk, u) for u in of_kinds[on])
            cleaned["units_by_task"][task] = sorted(units.values(), key=lambda u: u.code)
        if not any(cleaned["units_by_task"].values()):
            raise forms.ValidationError(
                _("No unit of the chosen kinds exists on the plan's dates.")
            )
        return cleaned


class UnitLabel(forms.Widget):
    """An existing assignment's unit, shown as text."""

    def __init__(self, unit: Unit):
        super().__init__()
        self.unit = unit

    def render(self, name, value, attrs=None, renderer=None):
        return format_html("<p>{}</p>", self.unit.name)  # as the readonly cells


class AssignmentInlineForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The progress history belongs to the unit, so an assignment's unit is fixed once
            # made. As text it also spares the autocomplete widget's query per row.
            field = self.fields["unit"]
            field.disabled = True
            field.widget = UnitLabel(self.instance.unit)


class AssignmentInline(admin.TabularInline):
    model = Assignment
    form = AssignmentInlineForm
    fields = ["unit", "role", "due_date", "original_due_date", "latest_percent", "completed_on"]
    # Deadlines move through an extension (the assignment's own page), progress only
    # through reports.
    readonly_fields = ["due_date", "original_due_date", "latest_percent", "completed_on"]
    autocomplete_fields = ["unit"]
    show_change_link = True
    extra = 0

    def get_queryset(self, request):
        # Each row's title is str(assignment), which reads the task code and the unit.
        return super().get_queryset(request).select_related("task", "unit")


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = [
        "code", "title", "area", "solution", "due_date", "lead_count", "support_count",
    ]
    list_display_links = ["code", "title"]
    list_select_related = ["area", "solution"]
    list_filter = [
        "plan",
        ("area__number", titled(admin.AllValuesFieldListFilter, _("reform area number"))),
        ("solution__number", titled(admin.AllValuesFieldListFilter, _("solution number"))),
    ]
    search_fields = ["code", "title", "description"]
    autocomplete_fields = ["area", "solution"]
    fieldsets = [
        (None, {"fields": ["plan", "code", "title", "area", "solution", "due_date"]}),
        (None, {"fields": ["description", "expected_output", "source_document"]}),
        # Right above the assignments inline.
        (None, {"fields": ["assign_units_link"]}),
    ]
    readonly_fields = ["assign_units_link"]
    inlines = [AssignmentInline]
    actions = ["assign_to_units"]

    def save_model(self, request, obj, form, change):
        # An admin edit is an edit too: a portal form opened before it must become stale.
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)

    def get_queryset(self, request):
        # A GROUP BY query drops Meta.ordering: restate it (the autocomplete pages on it).
        return with_assignment_counts(super().get_queryset(request)).order_by(*self.opts.ordering)

    @admin.display(description=_("lead units"), ordering="lead_count")
    def lead_count(self, obj):
        return obj.lead_count

    @admin.display(description=_("support units"), ordering="support_count")
    def support_count(self, obj):
        return obj.support_count

    def assign_units_url(self, task_ids) -> str:
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_assign_units",
            current_app=self.admin_site.name,
        )
        return f"{url}?{urlencode({'ids': ','.join(str(pk) for pk in task_ids)})}"

    @admin.display(description=_("Assign to many units"))
    def assign_units_link(self, obj):
        if obj is None or obj.pk is None:
            return _("Save the task first; then assign it to many units in one step.")
        return format_html(
            '<a class="button" href="{}">{}</a>',
            self.assign_units_url([obj.pk]),
            _("Assign to units…"),
        )

    @admin.action(
        description=_("Assign to units…"),
        permissions=["change"],
        location=[admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM],
    )
    def assign_to_units(self, request, queryset):
        return HttpResponseRedirect(
            self.assign_units_url(queryset.order_by().values_list("pk", flat=True))
        )

    def get_urls(self):
        urls = [
            path(
                "assign-units/",
                self.admin_site.admin_view(self.assign_units_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_assign_units",
            ),
        ]
        # Before the defaults: their "<path:object_id>/" would take "assign-units/".
        return urls + super().get_urls()

    def assign_units_view(self, request):
        if not (
            self.has_change_permission(request)
            and request.user.has_perm("solutions.add_assignment")
        ):
            raise PermissionDenied
        ids = [
            int(part)
            for part in request.GET.get("ids", "").split(",")
            if part.isascii() and part.isdigit()
        ]
        tasks = list(
            with_assignment_counts(Task.objects.filter(pk__in=ids))
            .select_related("plan")
            .order_by(*Task._meta.ordering)
        )
        changelist_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist",
            current_app=self.admin_site.name,
        )
        if not tasks:
            messages.warning(request, _("Choose the tasks to assign first."))
            return HttpResponseRedirect(changelist_url)

        form = AssignUnitsForm(request.POST if request.method == "POST" else None, tasks=tasks)
        if request.method == "POST" and form.is_valid():
            created = already = 0
            # One step: every task gets its assignments, or none does.
            with transaction.atomic():
                for task, units in form.cleaned_data["units_by_task"].items():
                    new = assign_task(
                        task=task, units=units, role=form.cleaned_data["role"], user=request.user
                    )
                    created += len(new)
                    already += len(units) - len(new)
            messages.success(
                request,
                " ".join([
                    ngettext(
                        "%(count)d assignment created.", "%(count)d assignments created.", created
                    ) % {"count": created},
                    ngettext(
                        "%(count)d unit already had an assignment and kept it.",
                        "%(count)d units already had an assignment and kept it.",
                        already,
                    ) % {"count": already},
                ]),
            )
            if len(tasks) == 1:
                return HttpResponseRedirect(
                    reverse(
                        f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                        args=[tasks[0].pk],
                        current_app=self.admin_site.name,
                    )
                )
            return HttpResponseRedirect(changelist_url)

        admin_form = helpers.AdminForm(
            form, [(None, {"fields": ["kinds", "units", "role"]})], {}, model_admin=self
        )
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Assign to units"),
            "opts": self.opts,
            "tasks": tasks,
            "task": tasks[0] if len(tasks) == 1 else None,
            "adminform": admin_form,
            "form": form,
            "errors": helpers.AdminErrorList(form, []),
            "media": form.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/solutions/task/assign_units.html", context)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Assignment:
            return super().save_formset(request, form, formset, change)
        # New assignments go through the service, which sets their due dates from the task.
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        new_units = defaultdict(list)
        for obj in instances:
            if obj.pk is None:
                new_units[obj.role].append(obj.unit)
            else:
                obj.save()
        for role, units in new_units.items():
            assign_task(task=form.instance, units=units, role=role, user=request.user)


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = [
        "task_code", "unit", "role", "due_date", "original_due_date", "latest_percent",
        "completed_on",
    ]
    list_display_links = ["task_code", "unit"]
    list_select_related = ["task", "unit"]
    list_filter = [
        "role",
        ("task__plan", titled(admin.RelatedFieldListFilter, _("plan"))),
        ("unit__kind", titled(admin.ChoicesFieldListFilter, _("unit kind"))),
    ]
    search_fields = ["task__code", "task__title", "unit__name", "unit__short_name"]
    autocomplete_fields = ["task", "unit"]

    @admin.display(description=_("task"), ordering="task__code")
    def task_code(self, obj):
        return obj.task.code

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["task", "unit", "role"]
        return [
            "task", "unit", "role", "due_date", "original_due_date", "latest_percent",
            "latest_report_at", "completed_on", "created_at",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # The unit is fixed once assigned (its history belongs to it); the latest fields
        # follow the progress reports; the original due date survives extensions.
        # The due date moves only by an extension (DeadlineExtension keeps the record).
        return [
            "task", "unit", "due_date", "original_due_date", "latest_percent",
            "latest_report_at", "completed_on", "pending_entry", "returned_reason", "created_at",
        ]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        # The form's unique check has ruled out an existing assignment of this unit.
        (new,) = assign_task(
            task=obj.task, units=[obj.unit], role=obj.role, user=request.user
        )
        obj.pk = new.pk
        obj.refresh_from_db()
        obj._state.adding = False


@admin.register(ProgressEntry)
class ProgressEntryAdmin(admin.ModelAdmin):
    """Read-only: the history is never edited or deleted, and reports are made in the portal
    (solutions.services.record_progress keeps the assignment's latest fields in step)."""

    list_display = ["assignment", "percent", "reported_by", "reported_at"]
    list_select_related = ["assignment__task", "assignment__unit", "reported_by"]
    list_filter = [
        ("assignment__task__plan", titled(admin.RelatedFieldListFilter, _("plan"))),
        ("assignment__unit__kind", titled(admin.ChoicesFieldListFilter, _("unit kind"))),
    ]
    search_fields = [
        "assignment__task__code", "assignment__unit__name", "reported_by__username", "note",
    ]
    fields = ["assignment", "percent", "note", "evidence_file", "reported_by", "reported_at"]
    readonly_fields = list(fields)

    @admin.display(description=_("evidence file"))
    def evidence_file(self, obj):
        # Through the portal's download view, which checks access; never the storage path.
        if not obj.evidence:
            return None
        return format_html(
            '<a href="{}">{}</a>', obj.get_evidence_url(), obj.evidence_name or _("download")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _AppendOnlyAdmin(admin.ModelAdmin):
    """Decisions are recorded through the portal's services and never changed afterwards."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Verification)
class VerificationAdmin(_AppendOnlyAdmin):
    list_display = ["assignment", "decision", "decided_by", "decided_at"]
    list_filter = ["decision", "assignment__task__plan"]
    list_select_related = ["assignment__task", "assignment__unit", "decided_by"]
    search_fields = ["assignment__task__code", "assignment__unit__name", "reason"]


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(_AppendOnlyAdmin):
    list_display = ["assignment", "previous_due_date", "new_due_date", "decided_by", "decided_at"]
    list_filter = ["assignment__task__plan"]
    list_select_related = ["assignment__task", "assignment__unit", "decided_by"]
    search_fields = ["assignment__task__code", "assignment__unit__name", "reason", "document"]


# --- The conversation and reminders (issue 11): read-only, like progress reports ------------

from solutions.models import Comment, Reminder  # noqa: E402


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(_ReadOnly):
    list_display = ["created_at", "assignment", "author"]
    search_fields = ["body"]
    list_select_related = ["assignment__task", "assignment__unit", "author"]


@admin.register(Reminder)
class ReminderAdmin(_ReadOnly):
    list_display = ["sent_on", "assignment", "sent_by"]
    list_select_related = ["assignment__task", "assignment__unit", "sent_by"]
