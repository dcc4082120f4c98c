"""A database outage answers 503 with Retry-After, never a 500 or a hang, and passes by itself.

No mocks: the default connection is pointed at a loopback port where nothing listens (what
PostgreSQL being stopped looks like), or at a socket that accepts and never answers (a hung
server), or its backend is terminated by PostgreSQL itself. Transactional tests, because the
connection is closed and reopened; every test puts the real settings back in a finally block.
`make faults` shows the same thing for real under gunicorn, with PostgreSQL stopped and restarted.
"""

import socket
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from django.contrib.auth.decorators import login_not_required
from django.db import close_old_connections, connection
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from reform_portal import urls as portal_urls
from reform_portal.errors import RETRY_AFTER_SECONDS
from solutions.models import ProgressEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

VI_HEADING = "Hệ thống đang tạm gián đoạn"
EN_TEXT = "The portal cannot reach its database"
PAGE_500 = "Đã có lỗi xảy ra"


def _unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def database_at(host: str, port: int) -> Iterator[None]:
    """Point the default connection elsewhere for the block; the real one is back afterwards."""
    saved = {key: connection.settings_dict[key] for key in ("HOST", "PORT")}
    connection.close()
    connection.settings_dict.update(HOST=host, PORT=port)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def database_stopped() -> AbstractContextManager[None]:
    return database_at("127.0.0.1", _unused_port())


@pytest.fixture
def staff(staff_a) -> Client:
    # The exceptions stay inside the handler, as in production: we want the response.
    client = Client(raise_request_exception=False)
    client.force_login(staff_a)
    return client


def assert_outage_page(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert VI_HEADING in html
    assert EN_TEXT in html
    assert html.index(VI_HEADING) < html.index(EN_TEXT)  # Vietnamese first
    assert 'href="/static/css/portal.css"' in html
    assert PAGE_500 not in html


@pytest.mark.parametrize("page", ["/", "/my/", "assignment"])
def test_pages_answer_503_while_the_database_is_down(staff, assignment_a, page):
    url = assignment_a.get_absolute_url() if page == "assignment" else page
    with database_stopped():
        assert_outage_page(staff.get(url))
    assert staff.get(url).status_code == 200


def test_a_report_sent_during_the_outage_gets_503_and_the_resent_one_is_recorded(
    staff, assignment_a
):
    url = assignment_a.get_absolute_url()
    report = {"percent": 40, "note": "Đã hoàn thành dự thảo quy chế"}
    with database_stopped():
        assert_outage_page(staff.post(url, report))
    assert not ProgressEntry.objects.filter(note=report["note"]).exists()

    response = staff.post(url, report)
    assert response.status_code == 302
    assert ProgressEntry.objects.filter(assignment=assignment_a, note=report["note"]).count() == 1


def test_a_login_attempt_during_the_outage_gets_503(staff_a):
    client = Client(raise_request_exception=False)
    with database_stopped():
        assert_outage_page(
            client.post("/accounts/login/", {"username": "staff_a", "password": PASSWORD})
        )
    response = client.post("/accounts/login/", {"username": "staff_a", "password": PASSWORD})
    assert response.status_code == 302


def test_healthz_answers_503_in_plain_text_then_ok(db):
    client = Client(raise_request_exception=False)
    with database_stopped():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database unavailable"
    assert response["Content-Type"].startswith("text/plain")
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]

    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_a_server_that_never_answers_fails_within_the_connect_timeout(staff):
    """A black hole (accepts the connection, never replies) must not hold a worker forever."""
    timeout = connection.settings_dict["OPTIONS"].get("connect_timeout")
    assert timeout and timeout <= 5, "set OPTIONS connect_timeout for PostgreSQL"
    with socket.socket() as black_hole:
        black_hole.bind(("127.0.0.1", 0))
        black_hole.listen(8)  # the kernel completes the handshake; nobody ever reads or writes
        with database_at("127.0.0.1", black_hole.getsockname()[1]):
            started = time.monotonic()
            response = staff.get("/my/")
            elapsed = time.monotonic() - started
    assert_outage_page(response)
    # Two attempts, each cut at the timeout: the user lookup, then SessionMiddleware, which reads
    # the session again for the cookie's expiry (SESSION_SAVE_EVERY_REQUEST) before it skips
    # saving a 5xx. Bounded; without connect_timeout the worker would wait indefinitely.
    assert elapsed < 2 * timeout + 2
    assert staff.get("/my/").status_code == 200


def test_a_connection_killed_by_the_server_is_replaced_by_the_health_check(staff, assignment_a):
    """A PostgreSQL restart kills the persistent connections (CONN_MAX_AGE): the health check
    at the start of the next request notices and reconnects, so the person sees no error."""
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]
    assert connection.settings_dict["CONN_MAX_AGE"] > 0
    staff.get("/my/")
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    killer = connection.get_new_connection(connection.get_connection_params())
    try:
        killer.autocommit = True
        killer.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        killer.close()
    try:
        # What request_started does in production (the test client leaves it out).
        close_old_connections()
        response = staff.get(assignment_a.get_absolute_url())
        assert response.status_code == 200
        assert connection.connection.info.backend_pid != pid
    finally:
        connection.close()


# --- Other failures keep the 500 page -------------------------------------------------------


@login_not_required
def _broken_view(request):
    raise ValueError("a bug, not an outage")


@login_not_required
def _bad_sql_view(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")  # ProgrammingError: a bug too
    return HttpResponse("unreachable")


# The portal's own URLconf and handler500, plus two views that fail for other reasons.
handler500 = portal_urls.handler500
urlpatterns = [
    *portal_urls.urlpatterns,
    path("test-broken/", _broken_view),
    path("test-bad-sql/", _bad_sql_view),
]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/test-broken/", "/test-bad-sql/"])
def test_other_errors_keep_the_500_page(url):
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 500
    assert "Retry-After" not in response
    html = response.content.decode()
    assert PAGE_500 in html
    assert VI_HEADING not in html
