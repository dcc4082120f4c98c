"""Small template helpers shared by the portal's pages."""

import functools
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from solutions.models import Timeliness

register = template.Library()


@register.simple_tag
def assignments_url(plan, filters=None, status="", flag=""):
    """The assignment list behind a dashboard figure: the plan, a row's filter, a class or flag.

    A figures table links every count (hundreds of links a page, the same from one version of
    the figures to the next): each address is built once per script prefix."""
    filters = tuple((filters or {}).items())
    return _assignments_url(get_script_prefix(), plan.pk, filters, status, flag)


@functools.lru_cache(maxsize=4096)
def _assignments_url(script_prefix: str, plan_pk: int, filters: tuple, status: str,
                     flag: str) -> str:
    params = {"plan": plan_pk, **dict(filters)}
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
        "stale_days": settings.STALE_DAYS,
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
