"""What a visitor gets when a request fails: 503 while the database is unreachable, else 500.

Django hands every uncaught exception to handler500, whether a view raised it or a middleware
did (the session and user lookups run before any view, so with the database down nearly every
page fails there). An unreachable database is not a bug in the portal and passes by itself:
503 Service Unavailable with Retry-After tells browsers, proxies and monitors to come back
rather than report a fault. With DEBUG on, Django shows its technical page and skips all this.
"""

import logging
import sys
from collections.abc import Callable
from functools import wraps

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30

# Django wraps the driver's errors in its own classes; psycopg's are listed too for the few
# paths that raise them unwrapped. OperationalError also covers a server shutting down or
# starting up, "too many clients", lock and statement timeouts: all pass if one waits.
try:
    import psycopg
except ImportError:  # SQLite, the newcomer's default
    _DRIVER_ERRORS: tuple[type[Exception], ...] = ()
else:
    _DRIVER_ERRORS = (psycopg.OperationalError, psycopg.InterfaceError)
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, *_DRIVER_ERRORS)

# If 503.html cannot be rendered (say, a stylesheet missing from the static manifest), this
# is sent instead: the error page must not fail in its turn.
_FALLBACK_HTML = (
    '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
    "<title>Tạm ngừng phục vụ · Service unavailable</title></head><body>"
    "<h1>Hệ thống đang tạm gián đoạn</h1>"
    f"<p>Vui lòng thử lại sau khoảng {RETRY_AFTER_SECONDS} giây.</p>"
    f'<p lang="en">The portal is briefly unavailable. Please try again in about '
    f"{RETRY_AFTER_SECONDS} seconds.</p></body></html>"
)


def is_database_unavailable(exc: BaseException | None) -> bool:
    """True if exc, or an exception it was explicitly raised from, is a database outage."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, DATABASE_UNAVAILABLE):
            return True
        seen.add(id(exc))
        exc = exc.__cause__
    return False


def _unavailable(response: HttpResponse) -> HttpResponse:
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # A proxy or browser must not keep the outage page once the portal is back.
    add_never_cache_headers(response)
    return response


def service_unavailable(request: HttpRequest | None = None) -> HttpResponse:
    """The 503 page. Rendered without the request: its context processors read the user,
    which needs the database."""
    try:
        body = loader.render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS})
    except Exception:
        logger.exception("Could not render 503.html; sending the plain fallback")
        body = _FALLBACK_HTML
    return _unavailable(HttpResponse(body, status=503))


@requires_csrf_token
def server_error(request: HttpRequest, template_name: str = defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: 503 for a database outage, Django's 500 page for anything else.

    Called by Django while it handles the exception, so sys.exc_info() is the failure.
    The exception is still logged (as "Service Unavailable") with its traceback.
    """
    if is_database_unavailable(sys.exc_info()[1]):
        return service_unavailable(request)
    return defaults.server_error(request, template_name)


def database_unavailable_as_503(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a plain-text view that must answer without the database (the health check):
    an outage becomes a text/plain 503 "database unavailable" instead of the HTML page."""

    @wraps(view)  # keeps login_required = False from @login_not_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Exception as exc:
            if not is_database_unavailable(exc):
                raise
            logger.warning("Health check: database unavailable: %s", exc)
            return _unavailable(
                HttpResponse("database unavailable", content_type="text/plain", status=503)
            )

    return wrapper
