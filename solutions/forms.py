import datetime
from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.models import Plan, ReformArea
from solutions import importer
from solutions.evidence import ACCEPTED_HELP, validate_evidence
from solutions.models import (
    COMMENT_MAX_LENGTH,
    REMINDER_MESSAGE_MAX_LENGTH,
    Assignment,
    Solution,
    Task,
)
from units.models import Unit


class ProgressForm(forms.Form):
    percent = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        help_text=_("0 to 100. 100% means the task's share is complete."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}),
        error_messages={
            "invalid": _("Enter a whole number from 0 to 100."),
            "required": _("Enter the progress, a whole number from 0 to 100."),
            "min_value": _("The progress is at least %(limit_value)s%%."),
            "max_value": _("The progress is at most %(limit_value)s%%."),
        },
    )
    note = forms.CharField(
        label=_("What was done"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The work done since the last report, the output, any difficulty."),
        error_messages={"required": _("Describe what was done.")},
    )
    evidence = forms.FileField(
        label=_("Evidence file (optional)"),
        required=False,
        help_text=ACCEPTED_HELP,
        validators=[validate_evidence],
    )

    def __init__(self, *args, assignment=None, **kwargs):
        super().__init__(*args, **kwargs)
        if assignment is not None and not self.is_bound:
            self.initial.setdefault("percent", assignment.latest_percent)

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError(_("Describe what was done."), code="required")
        return note



# --- The coordinator's forms (Sở Nội vụ): tasks, assignments, verification, extensions -------


def _date_input():
    # A text box read dd/mm/yyyy (DATE_INPUT_FORMATS also take yyyy-mm-dd): no date-picker
    # script, and the format every date of the portal is shown in.
    return forms.DateInput(
        format="%d/%m/%Y",
        attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"},
    )


def _plan_label(plan: Plan) -> str:
    return f"{plan.year} · {plan.title}"


def _grouped_by_plan(objects, plans: list[Plan], first_plan_id, empty_label) -> list:
    """Choices in one optgroup per plan, the chosen plan's first: no script needed."""
    by_plan: dict[int, list] = {}
    for obj in objects:
        by_plan.setdefault(obj.plan_id, []).append((obj.pk, str(obj)))
    ordered = sorted(plans, key=lambda p: (p.pk != first_plan_id, -p.year, -p.pk))
    return [("", empty_label)] + [
        (_plan_label(plan), by_plan[plan.pk]) for plan in ordered if plan.pk in by_plan
    ]


class TaskForm(forms.ModelForm):
    """Create or edit a task. On edit, the hidden version names the state the form was opened
    from: services.save_task refuses a stale one (StaleEdit), so nobody's save is lost."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = Task
        fields = [
            "plan", "area", "solution", "code", "title", "description", "expected_output",
            "due_date", "source_document",
        ]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "due_date": _date_input(),
        }
        help_texts = {
            "area": _("One of the plan's reform areas (grouped by plan)."),
            "solution": _("Optional: one of the plan's solutions (grouped by plan)."),
            "due_date": _(
                "dd/mm/yyyy. Leave it empty for an ongoing task (thường xuyên), judged at the "
                "plan's end. Units already assigned keep their deadlines: extend those on each "
                "assignment."
            ),
        }
        error_messages = {
            "due_date": {"invalid": _("Enter a date as dd/mm/yyyy, or leave it empty.")},
        }

    def __init__(self, *args, initial_plan: Plan | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        plans = list(Plan.objects.all())
        self.fields["plan"].choices = [("", "---------")] + [(p.pk, _plan_label(p)) for p in plans]
        if self.instance.pk is None and initial_plan is not None:
            self.initial.setdefault("plan", initial_plan.pk)
        if self.instance.pk is not None:
            # An edit must say which version it started from, or it could overwrite anything.
            self.fields["version"].required = True
            self.fields["version"].error_messages["required"] = _(
                "This form is incomplete: reload the task and make your changes again."
            )
            if not self.is_bound:
                self.initial["version"] = self.instance.version
        # The querysets span every plan, so that an area of another plan reaches Task.clean()
        # ("This reform area belongs to another plan.") instead of "Select a valid choice".
        chosen = self.data.get(self.add_prefix("plan")) if self.is_bound else None
        if not (chosen and str(chosen).isascii() and str(chosen).isdigit()):
            chosen = self.instance.plan_id or self.initial.get("plan")
        chosen = int(chosen) if chosen else None
        self.fields["area"].choices = _grouped_by_plan(
            ReformArea.objects.order_by("plan", "number"), plans, chosen, "---------"
        )
        self.fields["solution"].choices = _grouped_by_plan(
            Solution.objects.order_by("plan", "number"), plans, chosen, _("(none)")
        )

    def clean_code(self):
        return self.cleaned_data["code"].strip()

    def clean(self):
        cleaned = super().clean()
        plan, code = cleaned.get("plan"), cleaned.get("code")
        # Said on the field, before the database's unique constraint refuses it. (An error on
        # "code" also keeps the ModelForm from repeating it in Django's own wording.)
        if plan and code:
            if Task.objects.filter(plan=plan, code=code).exclude(pk=self.instance.pk).exists():
                self.add_error(
                    "code", _("Task %(code)s already exists in this plan.") % {"code": code}
                )
        return cleaned

    def task_fields(self) -> dict:
        """The model fields, as services.save_task() takes them."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class UnitCheckboxes(forms.CheckboxSelectMultiple):
    """Units to assign; those that already have an assignment show ticked and disabled."""

    def __init__(self, *args, assigned: frozenset = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.assigned = assigned

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if getattr(value, "value", value) in self.assigned:
            option["attrs"] = {**option["attrs"], "disabled": True, "checked": True}
            option["already"] = True
        return option


WHOLE_KIND_CHOICES = [
    (Unit.Kind.PROVINCIAL, _("All provincial agencies")),
    (Unit.Kind.DISTRICT, _("All district-level units")),
    (Unit.Kind.COMMUNE, _("All commune-level units")),
]


def whole_kinds_field(help_text) -> forms.MultipleChoiceField:
    """"Every unit of a kind" in one tick: the portal's and the admin's assign forms."""
    return forms.MultipleChoiceField(
        label=_("All units of a kind"),
        choices=WHOLE_KIND_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


class AssignUnitsForm(forms.Form):
    """Assign one task to many units: a whole kind in one tick, or unit by unit."""

    kinds = whole_kinds_field(
        _("Every unit of the kind that exists on the plan's dates (today, while the plan runs).")
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Units"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Individual units, in addition to the kinds ticked above."),
        error_messages={
            "invalid_choice": _("One of the units no longer exists on the plan's dates."),
        },
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (Assignment.Role.LEAD, _("Lead unit (chủ trì)")),
            (Assignment.Role.SUPPORT, _("Supporting unit (phối hợp)")),
        ],
        initial=Assignment.Role.LEAD,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, task: Task, **kwargs):
        super().__init__(*args, **kwargs)
        self.task = task
        # The units that exist on the day the task is taken on: today, while the plan runs
        # (the admin's assignment form uses the same rule).
        self.active_units = Unit.objects.active(on=task.plan.assignable_on())
        # Offer only the kinds that exist on the plan's dates: no districts after 1/7/2025.
        present = set(self.active_units.order_by().values_list("kind", flat=True).distinct())
        self.fields["kinds"].choices = [c for c in WHOLE_KIND_CHOICES if c[0] in present]
        self.assigned = frozenset(task.assignments.values_list("unit_id", flat=True))
        field = self.fields["units"]
        field.queryset = self.active_units.order_by("kind", "name")
        field.widget = UnitCheckboxes(assigned=self.assigned)
        field.widget.choices = field.choices

    def unit_groups(self) -> list[tuple[str, list]]:
        """(kind, [checkbox, ...]): the template draws one fieldset per kind of unit."""
        groups: dict[str, list] = {kind: [] for kind in Unit.Kind.values}  # provincial first
        for checkbox in self["units"]:
            groups.setdefault(checkbox.data["value"].instance.kind, []).append(checkbox)
        labels = dict(Unit.Kind.choices)
        return [(labels.get(kind, kind), boxes) for kind, boxes in groups.items() if boxes]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        kinds, chosen = cleaned.get("kinds") or [], list(cleaned.get("units") or [])
        if not kinds and not chosen:
            raise forms.ValidationError(_("Tick a kind of unit or at least one unit."),
                                        code="required")
        units = {unit.pk: unit for unit in chosen}
        if kinds:
            units.update((u.pk, u) for u in self.active_units.filter(kind__in=kinds))
        if not units:
            raise forms.ValidationError(
                _("No unit of the ticked kinds exists on the plan's dates."), code="empty"
            )
        cleaned["all_units"] = sorted(units.values(), key=lambda u: u.code)
        return cleaned


class _ReasonField(forms.CharField):
    """A required text that blank spaces do not satisfy (CharField strips them first)."""

    def __init__(self, *, label, help_text="", required_message):
        super().__init__(
            label=label,
            help_text=help_text,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"required": required_message},
        )


class ReturnForm(forms.Form):
    """Send a 100% report back to the unit: the reason is what the unit reads."""

    reason = _ReasonField(
        label=_("Reason for returning"),
        help_text=_("What is missing or must be corrected; the unit reads it."),
        required_message=_("Say why the report is returned: the unit reads it."),
    )


class ExtendForm(forms.Form):
    """Move an assignment's deadline later (gia hạn); its original date is kept."""

    new_due_date = forms.DateField(
        label=_("New deadline"),
        widget=_date_input(),
        help_text=_("dd/mm/yyyy, after the current deadline."),
        error_messages={
            "required": _("Enter the new deadline as dd/mm/yyyy."),
            "invalid": _("Enter the new deadline as dd/mm/yyyy."),
        },
    )
    reason = _ReasonField(
        label=_("Reason"),
        required_message=_("Say why the deadline is extended."),
    )
    document = forms.CharField(
        label=_("Deciding document (optional)"),
        max_length=300,
        required=False,
        help_text=_("e.g. Công văn số 123/UBND-NC"),
    )

    def __init__(self, *args, assignment: Assignment, today: datetime.date | None = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        self.today = today or timezone.localdate()

    def clean_new_due_date(self):
        new = self.cleaned_data["new_due_date"]
        current = self.assignment.due_date or self.assignment.task.plan.end_date
        # services.extend_deadline checks it again under the row lock; here it is a form error.
        if new <= current:
            raise forms.ValidationError(
                _("The new deadline must be after the current one (%(date)s)."),
                code="not_later", params={"date": current.strftime("%d/%m/%Y")},
            )
        if new < self.today:
            raise forms.ValidationError(
                _("This date is in the past: an extension gives a deadline from today on."),
                code="past",
            )
        return new


class PlanImportForm(forms.Form):
    """The task list of a plan as an .xlsx or .csv file; read here, so that a file that cannot
    be read is a form error on the upload page, not a broken preview."""

    file = forms.FileField(
        label=_("Task list file"),
        help_text=_("Excel workbook (.xlsx) or CSV UTF-8 (.csv), at most 5 MB, one task a row."),
        error_messages={"required": _("Choose the file to upload."),
                        "empty": _("The file is empty.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        try:
            self.table = importer.read_table(file, file.name)
        except importer.ImportFileError as error:
            raise ValidationError(str(error), code="unreadable") from error
        return file

    @property
    def suffix(self) -> str:
        return PurePath(self.cleaned_data["file"].name).suffix.lower()


# --- The conversation and reminders (issue 11) --------------------------------------------------


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Write a message."),
            "max_length": _("A message has at most %(limit_value)d characters (it has "
                            "%(show_value)d)."),
        },
    )
    attachment = forms.FileField(
        label=_("Attachment (optional)"), required=False, help_text=ACCEPTED_HELP,
        validators=[validate_evidence],
    )

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Write a message."), code="required")
        return body


class RemindForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the unit (optional)"), required=False,
        max_length=REMINDER_MESSAGE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("A message has at most %(limit_value)d characters.")},
    )


class PlanCopyForm(forms.Form):
    """A new plan for a year from a previous plan (Sở Nội vụ starts the year in the portal)."""

    source = forms.ModelChoiceField(
        label=_("Copy from the plan"), queryset=Plan.objects.all(),
        error_messages={"invalid_choice": _("Choose one of the plans."),
                        "required": _("Choose the plan to copy.")},
    )
    year = forms.IntegerField(label=_("Year of the new plan"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=300,
                            help_text=_("e.g. Kế hoạch cải cách hành chính năm 2027"))
    document_number = forms.CharField(label=_("Issuing document number (optional)"),
                                      max_length=60, required=False,
                                      help_text=_("e.g. 125/KH-UBND"))
    with_tasks = forms.BooleanField(
        label=_("Also copy its tasks and assignments"), required=False,
        help_text=_("Deadlines move by the years between the plans; each assignment goes to "
                    "the unit doing that work now (a merged unit's successor). Without it, "
                    "import the new year's tasks from a file."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].label_from_instance = _plan_label

    def clean(self):
        cleaned = super().clean()
        source, year = cleaned.get("source"), cleaned.get("year")
        if source is not None and year is not None and year == source.year:
            self.add_error("year", _("The new plan is for another year than the one copied."))
        if year is not None and cleaned.get("title") and Plan.objects.filter(
            year=year, title__iexact=cleaned["title"].strip()
        ).exists():
            self.add_error("title", _("A plan of this year already has this title."))
        return cleaned
