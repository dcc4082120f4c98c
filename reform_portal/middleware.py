"""Project middleware."""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpResponseBadRequest
from django.utils.cache import patch_cache_control
from django.utils.functional import empty

NUL = "\x00"


def _has_nul(data) -> bool:
    return any(NUL in key or any(NUL in value for value in values)
               for key, values in data.lists())


class RejectNulBytesMiddleware:
    """Refuse input holding NUL (0x00) at the door with a 400: PostgreSQL text cannot store it.

    Forms check it too (Django's ProhibitNullCharactersValidator), but not every value reaches
    a form first: django-axes records the username of a failed log-in, filters and hidden fields
    are read directly. Uploaded files are the importer's and the evidence checks' business.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return HttpResponseBadRequest(
                "Dữ liệu gửi lên có ký tự không hợp lệ (NUL).\n"
                "The request holds an invalid character (NUL).\n",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class IdleSessionMiddleware:
    """A session ends after SESSION_COOKIE_AGE seconds without a request (the idle timeout).

    Each request of a logged-in person gives the session a full idle period again, but writes
    it at most once every SESSION_RENEW_SECONDS: saving it on every request (Django's
    SESSION_SAVE_EVERY_REQUEST) costs a database write per page view. The timeout is so exact
    to within SESSION_RENEW_SECONDS. Goes after SessionMiddleware, whose response phase saves.
    """

    KEY = "_renewed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY):
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.SESSION_RENEW_SECONDS:
                session[self.KEY] = now  # marks the session modified: saved with a new expiry
        return response


class PrivateCacheMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in person.

    Offices share computers and proxies: a page or an evidence file shown to one person must
    not be kept for the next one, nor come back from the browser's cache after logging out.
    Public pages (the login, /healthz) are left as they are. Goes after AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # Only a person already looked up (LoginRequiredMiddleware does it for every view): when
        # the lookup failed (the database is down) asking again would wait another timeout.
        if getattr(user, "_wrapped", None) is empty:
            return response
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
