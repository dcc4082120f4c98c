"""Health check, login and logout, language, date format, and login-by-default over the URLconf.

The URLconf walk is the safety net of LoginRequiredMiddleware: every URL pattern outside the
admin and the short allowed list must send an anonymous visitor to the login page, so a view
marked @login_not_required by mistake (or a new public page nobody planned) fails this file.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from django.utils.translation import gettext, override

from tests.factories import PASSWORD, AssignmentFactory, PlanFactory, TaskFactory

LOGIN = "/accounts/login/"
# Reachable without logging in, on purpose (README: "the login page and health check only";
# the language switcher works on the login page too).
ALLOWED_PUBLIC = {"login", "set_language", "healthz", "password_reset", "password_reset_done",
                  "password_reset_confirm", "password_reset_complete",
                  "notifications:unsubscribe",
                  # The citizens' satisfaction survey: the only public write (surveys/).
                  "surveys:short-link", "surveys:response-form", "surveys:response-thanks",
                  "surveys:kiosk-form", "surveys:kiosk-thanks",
                  # the public page and its open data (public/)
                  "public:index", "public:period-detail", "public:period-csv",
                  "public:period-json", "public:data-dictionary"}


# --- Health check -------------------------------------------------------------------------------


def test_healthz_answers_ok_without_login(anonymous):
    response = anonymous.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_reads_only(anonymous):
    assert anonymous.post("/healthz").status_code == 405


# --- Login and logout ---------------------------------------------------------------------------


def test_login_page_for_anonymous(anonymous):
    response = anonymous.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<input[^>]*name="username"', html)
    assert re.search(r'<input[^>]*name="password"', html)
    assert re.search(r'<input[^>]*type="password"', html)
    assert "csrfmiddlewaretoken" in html


def test_logging_in_with_the_right_password_redirects(anonymous, staff_a):
    response = anonymous.post(LOGIN, {"username": "staff_a", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("solutions:my-assignments")  # staff land on their work
    assert anonymous.get("/my/").status_code == 200


def test_logging_in_goes_back_to_next(anonymous, staff_a):
    response = anonymous.post(
        LOGIN, {"username": "staff_a", "password": PASSWORD, "next": "/my/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/my/"


def test_login_ignores_a_next_on_another_site(anonymous, staff_a):
    response = anonymous.post(
        LOGIN, {"username": "staff_a", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("solutions:my-assignments")  # their landing page


def test_a_wrong_password_stays_on_the_form(anonymous, staff_a):
    response = anonymous.post(LOGIN, {"username": "staff_a", "password": "wrong-password"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'class="form__errors"' in response.content.decode()
    assert anonymous.get("/my/").status_code == 302


def test_a_logged_in_person_is_sent_on_from_the_login_page(as_staff_a):
    response = as_staff_a.get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == reverse("solutions:my-assignments")  # their landing page


def test_logout_is_a_post(as_staff_a):
    assert as_staff_a.get("/accounts/logout/").status_code == 405
    assert as_staff_a.get("/my/").status_code == 200  # still logged in after the GET
    response = as_staff_a.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert as_staff_a.get("/my/").status_code == 302


def test_pages_offer_logout_as_a_form(as_staff_a, db):
    html = as_staff_a.get("/my/").content.decode()
    assert re.search(r'<form[^>]*action="/accounts/logout/"[^>]*method="post"', html)
    assert 'href="/accounts/logout/"' not in html


# --- Language -----------------------------------------------------------------------------------


def vi_catalog_exists() -> bool:
    return any(
        (Path(p) / "vi" / "LC_MESSAGES" / "django.mo").exists() for p in settings.LOCALE_PATHS
    )


def test_pages_are_vietnamese_by_default(as_staff_a, db):
    response = as_staff_a.get("/my/")
    html = response.content.decode()
    assert '<html lang="vi">' in html
    if vi_catalog_exists():
        with override("vi"):
            dashboard = gettext("Dashboard")
        assert dashboard != "Dashboard", "the Vietnamese catalog should translate the menu"
        assert f">{dashboard}</a>" in html
        assert ">Dashboard</a>" not in html


def test_the_login_page_is_vietnamese_by_default(anonymous):
    html = anonymous.get(LOGIN).content.decode()
    assert '<html lang="vi">' in html


def test_the_switcher_turns_the_interface_to_english(as_staff_a, db):
    response = as_staff_a.post("/i18n/setlang/", {"language": "en", "next": "/my/"})
    assert response.status_code == 302
    assert response["Location"] == "/my/"
    html = as_staff_a.get("/my/").content.decode()
    assert '<html lang="en">' in html
    assert ">Dashboard</a>" in html
    assert "My assignments" in html
    # ... and back.
    as_staff_a.post("/i18n/setlang/", {"language": "vi", "next": "/my/"})
    assert '<html lang="vi">' in as_staff_a.get("/my/").content.decode()


def test_the_switcher_works_before_login(anonymous):
    response = anonymous.post("/i18n/setlang/", {"language": "en", "next": LOGIN})
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    html = anonymous.get(LOGIN).content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html


def test_the_switcher_refuses_an_outside_next(anonymous):
    response = anonymous.post(
        "/i18n/setlang/", {"language": "en", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_the_browser_language_is_followed(as_staff_a, db):
    html = as_staff_a.get("/my/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert '<html lang="en">' in html
    assert ">Dashboard</a>" in html


def test_the_page_offers_the_switcher(as_staff_a, db):
    html = as_staff_a.get("/my/").content.decode()
    assert re.search(r'<form[^>]*action="/i18n/setlang/"[^>]*method="post"', html)
    assert 'name="language" value="en"' in html
    assert 'name="language" value="vi"' in html


# --- Dates dd/mm/yyyy ---------------------------------------------------------------------------


@pytest.fixture
def dated_assignment(unit_a):
    plan = PlanFactory(year=2026)
    task = TaskFactory(plan=plan, due_date=datetime.date(2026, 3, 5))
    return AssignmentFactory(task=task, unit=unit_a)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_read_day_month_year(as_staff_a, dated_assignment, language):
    as_staff_a.post("/i18n/setlang/", {"language": language, "next": "/"})
    response = as_staff_a.get(f"/assignments/{dated_assignment.pk}/")
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert "05/03/2026" in html
    assert "03/05/2026" not in html
    assert "2026-03-05" not in html
    task_html = as_staff_a.get(f"/tasks/{dated_assignment.task_id}/").content.decode()
    assert "05/03/2026" in task_html


# --- Login by default: walk the URLconf ---------------------------------------------------------


def _walk(patterns, prefix="", namespace="", groups=()):
    """(name, route, argument names) for every pattern, admin left out."""
    for entry in patterns:
        regex_groups = tuple(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin" or entry.namespace == "admin":
                continue
            ns = ":".join(filter(None, [namespace, entry.namespace]))
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns,
                             groups + regex_groups)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name, prefix + str(entry.pattern), groups + regex_groups


def patterns_to_check(urlconf=None) -> list[tuple[str, str]]:
    """(name, URL) of every non-admin pattern that is not allowed to be public."""
    checked = []
    for name, route, groups in _walk(get_resolver(urlconf).url_patterns):
        assert name, f"URL pattern {route!r} has no name: name it so this test can reach it"
        if name in ALLOWED_PUBLIC:
            continue
        url = reverse(name, urlconf=urlconf, kwargs={g: 1 for g in groups})
        checked.append((name, url))
    return checked


def public_by_mistake(client, urlconf=None) -> list[tuple[str, str, int, str]]:
    leaks = []
    for name, url in patterns_to_check(urlconf):
        response = client.get(url)
        location = response.get("Location", "")
        if response.status_code != 302 or not location.startswith(f"{LOGIN}?next="):
            leaks.append((name, url, response.status_code, location))
    return leaks


def test_every_url_but_the_allowed_ones_needs_a_login(anonymous, assignment_a):
    assert public_by_mistake(anonymous) == []


def test_the_walk_covers_the_portal(db):
    names = {name for name, _ in patterns_to_check()}
    assert {
        "insight:dashboard", "solutions:my-assignments", "solutions:task-list",
        "solutions:task-detail", "solutions:assignment-list", "solutions:assignment-detail",
        "solutions:evidence-download", "insight:unit-list", "insight:unit-detail", "logout",
    } <= names
    assert not any(name.startswith("admin:") for name in names)


def test_the_allowed_list_is_still_accurate(anonymous):
    # Every allowed name still exists and really is public, so the list cannot rot unnoticed.
    assert anonymous.get(reverse("login")).status_code == 200
    assert anonymous.get(reverse("healthz")).status_code == 200
    response = anonymous.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_admin_sends_anonymous_to_its_login(anonymous):
    response = anonymous.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@login_not_required
def _forgotten_public_view(request, pk):
    return HttpResponse("secret")


# A URLconf with one page made public by mistake, to prove the walk catches it.
urlpatterns = [
    *get_resolver("reform_portal.urls").url_patterns,
    path("leak/<int:pk>/", _forgotten_public_view, name="leak"),
]


def test_the_walk_catches_a_new_public_page(anonymous, settings):
    settings.ROOT_URLCONF = __name__
    leaks = public_by_mistake(anonymous, urlconf=__name__)
    assert [(name, url, status) for name, url, status, _ in leaks] == [("leak", "/leak/1/", 200)]
