from django import forms
from django.utils.translation import gettext_lazy as _

from publication.models import REASON_MAX


class PublishForm(forms.Form):
    reason = forms.CharField(label=_("Note (optional)"), max_length=REASON_MAX, required=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawing"), max_length=REASON_MAX)
