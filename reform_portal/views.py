from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe


@login_not_required
@require_safe
@never_cache
def healthz(request):
    """Plain "ok" when the application and its database answer."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE): its page, status 429, and a
    Retry-After of the cool-off, so browsers and scripts know when to try again."""
    from axes.helpers import get_client_username, get_cool_off, get_failure_limit

    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "cooloff_timedelta": cool_off,
    }
    response = render(request, settings.AXES_LOCKOUT_TEMPLATE, context,
                      status=settings.AXES_HTTP_RESPONSE_CODE)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


@requires_csrf_token
def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the portal's own page, in the person's language, saying what to do.

    The usual cause is a form left open past the session (or opened before logging in again in
    another tab): going back and sending it again from a freshly loaded page works.
    """
    response = render(request, "403_csrf.html", {"reason": reason}, status=403)
    add_never_cache_headers(response)
    return response
