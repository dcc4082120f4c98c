from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

# Django's own wording is long and, in Vietnamese, stilted: say it as a colleague would.
INVALID_LOGIN = _("The username or password is not right. Check them and try again.")
INACTIVE = _("This account is disabled. Ask the administrator to enable it.")


def _limit_username(form) -> None:
    # Django sets the username's max length on the widget only, after the field is built, so
    # no validator runs: an over-long name would reach django-axes' 255-character column.
    field = form.fields["username"]
    field.validators.append(MaxLengthValidator(field.max_length or 150))


class LoginForm(AuthenticationForm):
    error_messages = {"invalid_login": INVALID_LOGIN, "inactive": INACTIVE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_username(self)


class AdminLoginForm(AdminAuthenticationForm):
    error_messages = {
        "invalid_login": _("The username or password is not right, or the account may not use "
                           "the administration pages."),
        "inactive": INACTIVE,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_username(self)
