"""The main menu by role, and where each person lands after logging in.

Staff and heads work on their own units' assignments: they land on /my/. Leaders and
coordinators read every unit: they land on the dashboard, and have no "My assignments" (they
belong to no unit). Only coordinators decide on 100% reports: they alone see the verification
queue, with the number waiting (one COUNT query, made only when a page draws the menu).
"""

from functools import cached_property

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import reverse

from reform_portal.forms import LoginForm
from solutions.models import Assignment
from units.access import can_read_all, is_coordinator


class Navigation:
    def __init__(self, user):
        self.user = user

    @cached_property
    def reads_all(self) -> bool:
        return can_read_all(self.user)

    @cached_property
    def is_coordinator(self) -> bool:
        return is_coordinator(self.user)

    @property
    def shows_my_assignments(self) -> bool:
        return not self.reads_all

    @cached_property
    def awaiting_count(self) -> int:
        if not self.is_coordinator:
            return 0
        return Assignment.objects.filter(pending_entry__isnull=False).count()


def navigation(request) -> dict:
    """Context processor: `nav`, computed only when a template reads it, and the coordinating
    agency's name (a setting: the pages name the agency, the code does not)."""
    context = {"coordinating_agency": settings.COORDINATING_AGENCY,
               "stale_days": settings.STALE_DAYS}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["nav"] = Navigation(user)
    return context


def landing_url(user) -> str:
    if can_read_all(user):
        return reverse("insight:dashboard")
    return reverse("solutions:my-assignments")


class LoginView(auth_views.LoginView):
    """Django's login, landing each role on its own page unless a `next` says otherwise."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return landing_url(self.request.user)
