"""Login lockout (django-axes): 5 failures for one username from one address lock that pair.

The lock is on the (username, address) pair, for AXES_COOLOFF_TIME (15 minutes): the same
person from another address, or another person from the same address, still logs in, and a
successful log-in wipes the count. The address is REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT
proxies the X-Forwarded-For entry they appended (reform_portal.settings.client_address).

Client.login() cannot be used with django-axes (its backend needs the request): every attempt
here is a POST of the real login form, from a fresh client.
"""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory
from django.utils import timezone

from reform_portal.settings import client_address
from tests.factories import PASSWORD

LOGIN = "/accounts/login/"
HOME = "/"
WRONG = "not-the-password"
HERE, THERE = "10.0.0.1", "10.0.0.2"


def attempt(username: str, password: str, address: str = HERE, **extra):
    """One log-in attempt from a new browser at `address`; returns (response, client)."""
    client = Client()
    response = client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )
    return response, client


def logged_in(client: Client) -> bool:
    return client.get("/my/").status_code == 200


def fail(username: str, times: int, address: str = HERE, **extra) -> list[int]:
    return [attempt(username, WRONG, address, **extra)[0].status_code for _ in range(times)]


def test_the_settings_are_the_documented_ones():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == datetime.timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_ON_SUCCESS is True
    assert settings.AXES_HTTP_RESPONSE_CODE == 429
    # axes refuses a locked pair before the password is even checked.
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def test_four_failures_only_show_the_form_again(staff_a):
    assert fail("staff_a", 4) == [200] * 4
    assert AccessAttempt.objects.get(username="staff_a", ip_address=HERE).failures_since_start == 4
    response, client = attempt("staff_a", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_the_fifth_failure_locks_the_pair(staff_a):
    assert fail("staff_a", 5) == [200, 200, 200, 200, 429]
    # Now even the right password is refused from this address, with the lockout page.
    response, client = attempt("staff_a", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    html = response.content.decode()
    assert 'name="password"' not in html  # the lockout page, not the form again
    assert response["Retry-After"] == str(15 * 60)  # when to come back, for scripts too


def test_the_same_username_from_another_address_still_logs_in(staff_a):
    fail("staff_a", 5, HERE)
    assert attempt("staff_a", PASSWORD, HERE)[0].status_code == 429
    response, client = attempt("staff_a", PASSWORD, THERE)
    assert response.status_code == 302
    assert logged_in(client)


def test_another_username_from_the_locked_address_still_logs_in(staff_a, staff_b):
    fail("staff_a", 5, HERE)
    response, client = attempt("staff_b", PASSWORD, HERE)
    assert response.status_code == 302
    assert logged_in(client)


def test_failures_from_two_addresses_do_not_add_up(staff_a):
    assert fail("staff_a", 4, HERE) == [200] * 4
    assert fail("staff_a", 4, THERE) == [200] * 4
    assert attempt("staff_a", PASSWORD, HERE)[0].status_code == 302
    assert attempt("staff_a", PASSWORD, THERE)[0].status_code == 302


def test_a_success_resets_the_count(staff_a):
    assert fail("staff_a", 4) == [200] * 4
    assert attempt("staff_a", PASSWORD)[0].status_code == 302
    # Without the reset, 4 + 4 failures would have locked the pair at the fifth.
    assert fail("staff_a", 4) == [200] * 4
    assert attempt("staff_a", PASSWORD)[0].status_code == 302


def test_an_unknown_username_is_locked_the_same_way(db):
    # Guessing usernames gets no different answer from guessing passwords.
    assert fail("nobody-here", 5) == [200, 200, 200, 200, 429]


def _age_attempts(minutes: int) -> None:
    AccessAttempt.objects.filter(username="staff_a").update(
        attempt_time=timezone.now() - datetime.timedelta(minutes=minutes)
    )


def test_the_lock_holds_for_fifteen_minutes(staff_a):
    fail("staff_a", 5)
    _age_attempts(14)
    assert attempt("staff_a", PASSWORD)[0].status_code == 429


def test_the_lock_ends_after_fifteen_minutes(staff_a):
    fail("staff_a", 5)
    _age_attempts(16)
    response, client = attempt("staff_a", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


# --- The lockout page ---------------------------------------------------------------------------


def test_the_lockout_page_explains_in_vietnamese(staff_a):
    fail("staff_a", 5)
    response, _ = attempt("staff_a", PASSWORD)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "trong 15 phút" in html  # the minutes come from axes' cool-off, not a default
    assert f'href="{LOGIN}"' in html
    assert 'name="password"' not in html


def test_the_lockout_page_in_english(staff_a):
    fail("staff_a", 5)
    response, _ = attempt("staff_a", PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 429
    assert '<html lang="en">' in html
    assert "locked on this computer for 15 minutes after 5 failed log-in attempts" in html


def test_the_lockout_page_follows_the_configured_cool_off(staff_a, settings):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
    fail("staff_a", 5)
    html = attempt("staff_a", PASSWORD, HTTP_ACCEPT_LANGUAGE="en")[0].content.decode()
    assert "for 30 minutes" in html


def test_the_lockout_page_carries_the_security_headers(staff_a):
    fail("staff_a", 5)
    response, _ = attempt("staff_a", PASSWORD)
    assert response.status_code == 429
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


# --- The address behind a reverse proxy ---------------------------------------------------------

PROXY = "127.0.0.1"


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def test_behind_a_proxy_each_client_has_its_own_count(staff_a, behind_one_proxy):
    # Every request reaches Django from the proxy; only X-Forwarded-For tells clients apart.
    assert fail("staff_a", 5, PROXY, HTTP_X_FORWARDED_FOR=HERE)[-1] == 429
    response, client = attempt("staff_a", PASSWORD, PROXY, HTTP_X_FORWARDED_FOR=THERE)
    assert response.status_code == 302
    assert logged_in(client)
    assert attempt("staff_a", PASSWORD, PROXY, HTTP_X_FORWARDED_FOR=HERE)[0].status_code == 429


def test_behind_a_proxy_a_forged_header_does_not_escape_the_lock(staff_a, behind_one_proxy):
    # The client may prepend anything; the proxy appends the address it saw, which is what counts.
    forged = [f"203.0.113.{n}, {HERE}" for n in range(5)]
    codes = [attempt("staff_a", WRONG, PROXY, HTTP_X_FORWARDED_FOR=f)[0].status_code
             for f in forged]
    assert codes == [200, 200, 200, 200, 429]
    response, _ = attempt("staff_a", PASSWORD, PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.7, {HERE}")
    assert response.status_code == 429


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, "", "192.0.2.10"),
        (0, "10.9.9.9", "192.0.2.10"),  # no trusted proxy: the header is ignored
        (1, "10.9.9.9", "10.9.9.9"),
        (1, "6.6.6.6, 10.9.9.9", "10.9.9.9"),
        (2, "6.6.6.6, 10.9.9.9, 10.1.1.1", "10.9.9.9"),
        (1, "", "192.0.2.10"),  # reached without the proxy
        (2, "10.9.9.9", "192.0.2.10"),  # fewer hops than proxies
        (1, "not-an-address", "192.0.2.10"),  # never a 500 from the inet column
        (1, " 2001:db8::1 ", "2001:db8::1"),
    ],
)
def test_client_address(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().post(LOGIN, REMOTE_ADDR="192.0.2.10", **extra)
    assert client_address(request) == expected


def test_a_garbage_forwarded_header_is_no_server_error(staff_a, behind_one_proxy):
    response, _ = attempt("staff_a", WRONG, PROXY, HTTP_X_FORWARDED_FOR="<script>, x")
    assert response.status_code == 200
    assert AccessAttempt.objects.get(username="staff_a").ip_address == PROXY


def test_the_admin_login_counts_and_is_locked_too(staff_a):
    # No way around the lock through the admin's own login form.
    codes = [
        Client().post("/admin/login/", {"username": "staff_a", "password": WRONG},
                      REMOTE_ADDR=HERE).status_code
        for _ in range(5)
    ]
    assert codes == [200, 200, 200, 200, 429]
    assert attempt("staff_a", PASSWORD, HERE)[0].status_code == 429
