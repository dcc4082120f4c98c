from django import forms
from django.utils.translation import gettext_lazy as _

from solutions.evidence import ACCEPTED_HELP, validate_evidence


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
