from django import forms
from django.contrib.auth import forms as auth_forms
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from notifications.models import Kind
from units.models import Profile


class ProfileForm(forms.ModelForm):
    """The person's address, how often they hear from the portal, and in which language."""

    email = forms.EmailField(
        label=_("Email"), max_length=254, required=False,
        help_text=_("Digests and notices are sent here. Leave empty to receive none by mail."),
        error_messages={"invalid": _("Enter a valid email address, e.g. ten@nghean.gov.vn.")},
    )

    class Meta:
        model = Profile
        fields = ["email", "phone", "digest_frequency", "digest_time", "language",
                  "notify_returned", "notify_verified", "notify_extended", "notify_assigned",
                  "notify_awaiting", "notify_comment", "notify_reminder"]
        widgets = {
            "digest_time": forms.TimeInput(format="%H:%M", attrs={"inputmode": "numeric"}),
            "digest_frequency": forms.RadioSelect,
        }
        help_texts = {
            "digest_time": _("On working days, at or after this time (hh:mm, Vietnam time)."),
            "phone": _("Shown to Sở Nội vụ when you are your unit's contact person."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["email"].initial = user.email
        self.fields["phone"].max_length = 30

    def save(self, commit=True):
        profile = super().save(commit=False)
        new_email = self.cleaned_data["email"]
        if new_email != self.user.email:
            self.user.email = new_email
            self.user.save(update_fields=["email"])
            # A new address starts without the old one's bounce.
            profile.email_bounced = False
            profile.email_bounced_at = None
        if commit:
            profile.save()
        return profile


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form; the message goes through the delivery log and the worker like the rest."""

    email = forms.EmailField(label=_("Email"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):
        from notifications.services import queue_mail

        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        text = render_to_string(email_template_name, context)
        html = (render_to_string(html_email_template_name, context)
                if html_email_template_name else "")
        queue_mail(to=to_email, kind=Kind.PASSWORD_RESET, subject=subject, text=text, html=html,
                   user=context.get("user"))
