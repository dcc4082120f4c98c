import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from reports.models import PeriodNarrative
from reports.services import EDITABLE

# Control characters other than tab and line breaks cannot be written to a DOCX (XML 1.0).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class NarrativeForm(forms.ModelForm):
    class Meta:
        model = PeriodNarrative
        fields = EDITABLE
        widgets = {
            "issued_on": forms.DateInput(
                format="%d/%m/%Y",
                attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"},
            ),
            "direction": forms.Textarea(attrs={"rows": 8}),
            "assessment": forms.Textarea(attrs={"rows": 8}),
            "next_tasks": forms.Textarea(attrs={"rows": 6}),
            "proposals": forms.Textarea(attrs={"rows": 5}),
            "recipients": forms.Textarea(attrs={"rows": 6}),
            "signer_title": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A textarea's maxlength stops a paste in the browser; the server checks it anyway.
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length:
                field.widget.attrs["maxlength"] = field.max_length

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str) and CONTROL.search(value):
                self.add_error(name, ValidationError(
                    _("This text holds a control character that a document cannot carry; "
                      "remove it and save again."), code="control_character"))
        return data
