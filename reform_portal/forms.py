from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


def _limit_username(form) -> None:
    # Django sets the username's max length on the widget only, after the field is built, so
    # no validator runs: an over-long name would reach django-axes' 255-character column.
    field = form.fields["username"]
    field.validators.append(MaxLengthValidator(field.max_length or 150))


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_username(self)


class AdminLoginForm(AdminAuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_username(self)
