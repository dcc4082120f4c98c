"""Small template helpers shared by the portal's pages."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from solutions.models import Timeliness

register = template.Library()


@register.simple_tag
def assignments_url(plan, filters=None, status="", flag=""):
    """The assignment list behind a dashboard figure: the plan, a row's filter, a class or flag."""
    params = {"plan": plan.pk, **(filters or {})}
    if status:
        params["status"] = status
    if flag:
        params["flag"] = flag
    return f"{reverse('solutions:assignment-list')}?{urlencode(params)}"


@register.inclusion_tag("includes/_status.html")
def status_badge(assignment, flags=True):
    """The timeliness badge of an assignment annotated by with_timeliness()."""
    return {
        "status": assignment.timeliness,
        "label": Timeliness(assignment.timeliness).label,
        "due_soon": flags and assignment.is_due_soon,
        "stale": flags and assignment.is_stale,
    }


@register.simple_tag(takes_context=True)
def page_url(context, number, param=""):
    """The current list's URL on another page, keeping its filters (and other lists' pages)."""
    query = context["request"].GET.copy()
    query[param or "page"] = number
    return f"?{query.urlencode()}"


@register.simple_tag(takes_context=True)
def url_without(context, *names):
    """The current list's URL without some of its parameters (a filter, the page)."""
    query = context["request"].GET.copy()
    for name in names:
        query.pop(name, None)
    return f"?{query.urlencode()}"


@register.filter
def person(user) -> str:
    """A person's name in Vietnamese order: family and middle names (last_name), then given name."""
    if user is None:
        return ""
    name = f"{user.last_name} {user.first_name}".strip()
    return name or user.get_username()
