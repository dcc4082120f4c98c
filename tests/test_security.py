"""Security settings and behaviour.

- Production settings (.env.example, README "Configuration"): `manage.py check --deploy
  --fail-level WARNING` passes, and the settings refuse to load without a SECRET_KEY.
- Headers on every page: a Content Security Policy with nonces and no 'unsafe-inline' script,
  frame-ancestors 'none', nosniff, X-Frame-Options DENY, a Referrer-Policy; and no inline code
  in the pages that the policy would block. The admin still works under it.
- Passwords hashed with argon2; sessions end after the idle time, on logout, and when the person
  is deactivated; CSRF on every state-changing view; evidence downloads are attachments.

Log-ins go through the real form (django-axes makes Client.login() unusable).
"""

import datetime
import importlib
import json
import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from io import StringIO
from types import SimpleNamespace
from pathlib import Path

import pytest
from types import SimpleNamespace
from django.conf import settings as django_settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from reform_portal.middleware import IdleSessionMiddleware
from solutions.models import ProgressEntry
from plans.services import ensure_periods
from solutions.models import Comment
from tests.factories import PASSWORD

BASE_DIR = Path(__file__).resolve().parents[1]
LOGIN = "/accounts/login/"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"


def log_in(client: Client, username: str, password: str = PASSWORD):
    response = client.post(LOGIN, {"username": username, "password": password})
    assert response.status_code == 302, f"{username} could not log in"
    return response


def session_key(client: Client) -> str:
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


def sent_to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(f"{LOGIN}?next=")


# --- Production settings ------------------------------------------------------------------------


def documented_production_env() -> dict[str, str]:
    """The variables of .env.example, as an operator copies them, plus a strong SECRET_KEY."""
    values = {}
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    assert values.get("SECRET_KEY") == "", ".env.example must not ship a secret key"
    values["SECRET_KEY"] = secrets.token_urlsafe(50)  # 67 characters, as a real one would be
    return values


# Only what a shell needs: the test run's own variables (SECRET_KEY=test-key, DEBUG,
# DJANGO_ALLOW_ASYNC_UNSAFE, DATABASE_URL...) must not leak into "production".
SHELL_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")


def run_python(args: list[str], env: dict[str, str], drop: tuple[str, ...] = ()):
    base = {k: os.environ[k] for k in SHELL_VARIABLES if k in os.environ}
    full = {**base, **env}
    for key in drop:
        full.pop(key, None)
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=full, capture_output=True, text=True,
        timeout=120,
    )


def check_deploy(env, drop=()):
    return run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env, drop)


PROBE = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({k: getattr(s, k) for k in %r}, default=str))
"""


def probe(env, *names):
    result = run_python(
        ["-c", "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'reform_portal.settings'\n"
               + PROBE % (names,)],
        env,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


PRODUCTION_NAMES = (
    "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE", "LANGUAGE_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
    "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_AGE", "SESSION_RENEW_SECONDS", "MIDDLEWARE",
    "PASSWORD_HASHERS", "TRUSTED_PROXY_COUNT",
)


@pytest.fixture(scope="module")
def production():
    """The settings as loaded from the documented production environment."""
    values = probe(documented_production_env(), *PRODUCTION_NAMES)
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def test_check_deploy_passes_with_the_documented_production_settings():
    result = check_deploy(documented_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_documented_production_settings_are_strict(production):
    s = production
    assert s["DEBUG"] is False
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60  # at least a year
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert s["SESSION_COOKIE_SECURE"] is s["CSRF_COOKIE_SECURE"] is True
    assert s["LANGUAGE_COOKIE_SECURE"] is True
    assert s["SESSION_COOKIE_HTTPONLY"] is True
    assert s["ALLOWED_HOSTS"] and "*" not in s["ALLOWED_HOSTS"]
    assert s["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert s["TRUSTED_PROXY_COUNT"] == 1  # behind the proxy, axes reads its X-Forwarded-For
    assert s["SESSION_COOKIE_AGE"] == 8 * 60 * 60
    # The idle timeout: IdleSessionMiddleware renews the session at most once a minute.
    assert "reform_portal.middleware.IdleSessionMiddleware" in s["MIDDLEWARE"]
    assert s["SESSION_RENEW_SECONDS"] == 60
    assert s["PASSWORD_HASHERS"][0] == ARGON2


@pytest.fixture
def in_production(production, settings, monkeypatch):
    """This process, with the production values of the security settings."""
    for name in PRODUCTION_NAMES:
        if name != "PASSWORD_HASHERS":
            setattr(settings, name, production[name])
    # The test run's locmem mail backend is an error for check --deploy (mail.E001).
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}}
    # The test run's own flag (Playwright needs it) is an error for check --deploy.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    # pytest-django keeps mail in memory; production sends it over SMTP (EMAIL_URL).
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}}
    return settings


def test_call_command_check_deploy_passes_in_production(in_production):
    call_command("check", deploy=True, fail_level="WARNING", stdout=StringIO())


@pytest.mark.parametrize(
    "change, warning",
    [
        ({"SECURE_HSTS_SECONDS": 0}, "security.W004"),
        ({"SECURE_SSL_REDIRECT": False}, "security.W008"),
        ({"SESSION_COOKIE_SECURE": False}, "security.W012"),
        ({"CSRF_COOKIE_SECURE": False}, "security.W016"),
        ({"SECRET_KEY": "short-key"}, "security.W009"),
        ({"DEBUG": True}, "security.W018"),
        ({"ALLOWED_HOSTS": []}, "security.W020"),
    ],
)
def test_check_deploy_catches_a_weakened_setting(in_production, change, warning):
    # The check above really guards something: each weakening makes it fail.
    for name, value in change.items():
        setattr(in_production, name, value)
    with pytest.raises(SystemCheckError, match=re.escape(warning)):
        call_command("check", deploy=True, fail_level="WARNING", stdout=StringIO())


@pytest.mark.parametrize("how", ["empty", "unset"])
def test_without_a_secret_key_the_settings_refuse_to_load(how):
    env = documented_production_env()
    env["SECRET_KEY"] = ""
    env["READ_DOT_ENV"] = "false"  # a developer's local .env must not supply the key
    result = run_python(["manage.py", "check"], env, drop=("SECRET_KEY",) if how == "unset" else ())
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_a_local_debug_run_needs_no_secret_key():
    result = run_python(["manage.py", "check"], {"DEBUG": "true", "SECRET_KEY": ""})
    assert result.returncode == 0, result.stderr


def test_the_idle_time_comes_from_the_environment():
    env = {**documented_production_env(), "SESSION_COOKIE_AGE": "900"}
    assert probe(env, "SESSION_COOKIE_AGE") == {"SESSION_COOKIE_AGE": 900}


# --- Headers on every page ----------------------------------------------------------------------


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_security_headers(response, where: str) -> dict[str, list[str]]:
    assert "Content-Security-Policy" in response, f"{where}: no CSP header"
    csp = csp_directives(response)
    script_src = csp.get("script-src", csp.get("default-src"))
    assert script_src, f"{where}: no script-src"
    assert "'unsafe-inline'" not in script_src, where
    assert "'unsafe-eval'" not in script_src, where
    assert "*" not in script_src and "data:" not in script_src, where
    assert csp.get("frame-ancestors") == ["'none'"], where
    assert csp.get("object-src") == ["'none'"], where
    assert csp.get("base-uri") == ["'none'"], where
    assert "'unsafe-inline'" not in csp.get("style-src", []), where
    assert response.get("X-Content-Type-Options") == "nosniff", where
    assert response.get("X-Frame-Options") == "DENY", where
    assert response.get("Referrer-Policy") == "same-origin", where
    assert "Content-Security-Policy-Report-Only" not in response, where
    return csp


class InlineCode(HTMLParser):
    """What a strict CSP would block in a page: inline scripts without the nonce, event
    handler attributes, javascript: URLs, inline styles."""

    def __init__(self, nonce: str | None):
        super().__init__()
        self.nonce = nonce
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        executable = attrs.get("type") in (None, "", "module", "text/javascript")
        if tag == "script" and executable and not attrs.get("src"):
            if not self.nonce or attrs.get("nonce") != self.nonce:
                self.problems.append(f"inline <script> without the nonce: {attrs}")
        if tag == "style":
            self.problems.append("a <style> element (style-src has no nonce)")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler")
            if name == "style":
                self.problems.append(f"<{tag} style=...> inline style")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower(
            ).startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:...>")


def inline_code(response, csp) -> list[str]:
    nonces = [v[len("'nonce-"):-1] for v in csp.get("script-src", []) if v.startswith("'nonce-")]
    parser = InlineCode(nonces[0] if nonces else None)
    parser.feed(response.content.decode())
    return parser.problems


def _walk(patterns, prefix="", namespace="", groups=()):
    """(name, route, argument names) of every pattern outside the admin."""
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


@pytest.fixture
def objects(plan, task, assignment_a, assignment_b, unit_a, staff_a):
    """One of everything a URL can name, visible to a coordinator."""
    client = Client()
    log_in(client, "staff_a")
    response = client.post(
        f"/assignments/{assignment_a.pk}/",
        {"percent": "30", "note": "Kèm báo cáo",
         "evidence": SimpleUploadedFile("bao-cao.pdf", PDF, content_type="application/pdf")},
    )
    assert response.status_code == 302
    entry = ProgressEntry.objects.get(assignment=assignment_a)
    # Checked in this order: "evidence" before "assignment" (evidence-download names an entry).
    ensure_periods(plan)
    from notifications.models import Delivery, Notice

    comment = Comment.objects.create(assignment=assignment_a, author=staff_a, body="Đã gửi",
                                     attachment="comments/x.pdf", attachment_name="x.pdf")
    notice = Notice.objects.create(recipient=staff_a, kind="comment", subject="Trao đổi")
    delivery = Delivery.objects.create(to_address="a@x.vn", kind="digest", subject="Bản tin",
                                       body_text="Nội dung")
    # Signed tokens in addresses (unsubscribe, password reset): a bad one answers, never a 500.
    token = SimpleNamespace(pk="not-a-signed-token")
    return {"uidb64": SimpleNamespace(pk="MQ"), "token": token, "comment": comment,
            "notice": notice, "delivery": delivery,
            "evidence": entry, "entry": entry, "assignment": assignment_a, "task": task,
            "unit": unit_a, "period": plan.periods.get(kind="year"), "plan": plan,
            "survey": _survey_campaign(unit_a)}


def _survey_campaign(unit):
    """A survey campaign open today over the unit (surveys' URLs name it by pk and by code)."""
    import datetime

    from django.utils import timezone

    from surveys.models import Campaign
    from surveys.services import campaign_save, questionnaire_default

    today = timezone.localdate()
    return campaign_save(campaign=Campaign(
        code="an-ninh", title="Khảo sát thử", questionnaire=questionnaire_default(),
        start_date=today, end_date=today + datetime.timedelta(days=5)), units=[unit])


def _survey_kwargs(name: str, groups, objects) -> dict:
    campaign, unit = objects["survey"], objects["unit"]
    values = {
        "pk": campaign.questionnaire_id if "questionnaire" in name else campaign.pk,
        "unit_pk": unit.pk, "campaign_code": campaign.code, "unit_code": unit.code,
        "short_code": campaign.campaign_units.get(unit=unit).short_code,
    }
    return {group: values[group] for group in groups}


def portal_urls(objects) -> list[tuple[str, str]]:
    urls = []
    for name, route, groups in _walk(get_resolver().url_patterns):
        if (name or "").startswith("surveys:"):
            urls.append((name, reverse(name, kwargs=_survey_kwargs(name, groups, objects))))
            continue
        kwargs = {}
        for group in groups:
            kind = next((k for k in objects if k in group), None) or next(
                (k for k in objects if k in (name or "")), None
            ) or next((k for k in objects if k in route), None)
            # An object this test does not make: a missing one, whose answer (a 404) must
            # carry the headers all the same.
            kwargs[group] = objects[kind].pk if kind is not None else 999999
        urls.append((name, reverse(name, kwargs=kwargs)))
    return urls


@pytest.fixture
def coordinator_client(coordinator):
    client = Client()
    log_in(client, "coordinator")
    return client


def test_every_page_sends_the_security_headers(coordinator_client, objects):
    answered = {}
    for name, url in portal_urls(objects):
        response = coordinator_client.get(url)
        assert response.status_code < 500, f"{name} {url}: {response.status_code}"
        csp = assert_security_headers(response, f"{name} {url}")
        answered[name] = response.status_code
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            assert inline_code(response, csp) == [], f"{name} {url}"
    # The walk reached the portal's pages, not only redirects.
    assert {
        "insight:dashboard", "solutions:my-assignments", "solutions:task-list",
        "solutions:task-detail", "solutions:assignment-list", "solutions:assignment-detail",
        "solutions:evidence-download", "insight:unit-list", "insight:unit-detail", "healthz",
    } <= {name for name, code in answered.items() if code == 200}


@pytest.mark.parametrize("url", [LOGIN, "/healthz", "/my/", "/no-such-page/"])
def test_anonymous_answers_send_the_security_headers(anonymous, url):
    response = anonymous.get(url)
    csp = assert_security_headers(response, url)
    if url == LOGIN:
        assert response.status_code == 200
        assert inline_code(response, csp) == []


@pytest.mark.parametrize(
    "change",
    [
        {"SECURE_CSP": {}},
        {"SECURE_CSP": {"default-src": ["'self'"], "script-src": ["'self'", "'unsafe-inline'"],
                        "frame-ancestors": ["'none'"]}},
        {"X_FRAME_OPTIONS": "SAMEORIGIN"},
        {"SECURE_CONTENT_TYPE_NOSNIFF": False},
    ],
)
def test_the_header_check_catches_a_weaker_policy(anonymous, settings, change):
    # The control for the header walk: a weaker configuration fails it.
    for name, value in change.items():
        setattr(settings, name, value)
    with pytest.raises(AssertionError):
        assert_security_headers(anonymous.get(LOGIN), LOGIN)


def test_pages_with_scripts_carry_a_fresh_nonce(admin_user, db):
    # The admin's pages load their scripts with {% csp_nonce_attr %}: the header names the nonce,
    # the tags carry it, and it changes with every response.
    client = Client()
    log_in(client, "admin")

    def nonce():
        response = client.get("/admin/solutions/task/add/")
        values = [v for v in csp_directives(response)["script-src"] if v.startswith("'nonce-")]
        assert len(values) == 1, values
        value = values[0][len("'nonce-"):-1]
        assert len(value) >= 16
        assert f'nonce="{value}"' in response.content.decode()
        return value

    assert nonce() != nonce()


def test_an_inline_script_would_be_caught(db):
    # The page check above can fail: a page with inline code is reported.
    class Page:
        content = (b'<script>alert(1)</script><a href="javascript:x()" onclick="y()">a</a>'
                   b'<p style="color:red">b</p><script nonce="n1">ok()</script>'
                   b'<script type="application/json">{"data": 1}</script>')

    problems = inline_code(Page, {"script-src": ["'self'", "'nonce-n1'"]})
    assert len(problems) == 4, problems


ADMIN_PAGES = [
    "/admin/",
    "/admin/solutions/task/",
    "/admin/solutions/task/add/",
    "/admin/units/unit/",
    "/admin/units/unit/add/",
    "/admin/auth/user/",
]


def test_the_admin_works_under_the_csp(admin_user, objects):
    client = Client()
    log_in(client, "admin")
    pages = ADMIN_PAGES + [
        f"/admin/solutions/task/{objects['task'].pk}/change/",
        f"/admin/units/unit/{objects['unit'].pk}/change/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        csp = assert_security_headers(response, url)
        assert inline_code(response, csp) == [], url
        html = response.content.decode()
        assert 'id="content"' in html or "<form" in html, url
    # The task form is a real, complete admin form.
    html = client.get("/admin/solutions/task/add/").content.decode()
    assert re.search(r'<form[^>]*id="task_form"', html)


# --- Passwords ----------------------------------------------------------------------------------


@pytest.fixture
def production_hashers(settings):
    """tests/conftest.py swaps in MD5 for speed; here the project's own list is in force."""
    hashers = importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"]).PASSWORD_HASHERS
    settings.PASSWORD_HASHERS = hashers
    return hashers


def test_the_production_hashers_are_argon2_first_and_no_weak_one(production_hashers):
    assert production_hashers[0] == ARGON2
    weak = ("MD5", "SHA1", "Unsalted", "Crypt")
    assert not [h for h in production_hashers if any(w in h for w in weak)]


def test_a_new_password_is_hashed_with_argon2(production_hashers, staff_a):
    staff_a.set_password("mot-mat-khau-moi-dai-2024")
    staff_a.save()
    staff_a.refresh_from_db()
    assert staff_a.password.startswith("argon2$argon2id$")
    assert staff_a.check_password("mot-mat-khau-moi-dai-2024")
    assert not staff_a.check_password("mot-mat-khau-khac")


def test_logging_in_upgrades_an_older_hash_to_argon2(production_hashers, staff_a):
    # PBKDF2 with few iterations (fast here); argon2 replaces it at the first log-in.
    staff_a.password = PBKDF2PasswordHasher().encode(PASSWORD, "saltsaltsalt", iterations=1000)
    staff_a.save()
    log_in(Client(), "staff_a")
    staff_a.refresh_from_db()
    assert staff_a.password.startswith("argon2$")


# --- Sessions -----------------------------------------------------------------------------------


@pytest.fixture
def short_idle(settings):
    settings.SESSION_COOKIE_AGE = 60
    settings.SESSION_RENEW_SECONDS = 6
    return 60


def test_activity_keeps_the_session_alive(short_idle, staff_a):
    client = Client()
    log_in(client, "staff_a")
    key = session_key(client)
    # 55 of the 60 idle seconds have passed ...
    age_session(key, seconds=55)
    response = client.get("/my/")
    assert response.status_code == 200
    # ... and the request gives the session a full idle period again.
    expires = Session.objects.get(pk=key).expire_date
    assert timezone.now() + datetime.timedelta(seconds=50) < expires
    assert expires <= timezone.now() + datetime.timedelta(seconds=61)
    assert response.cookies["sessionid"]["max-age"] == 60


def age_session(key: str, seconds: int) -> None:
    """As if the session's last renewal was `seconds` ago: its data and its expiry."""
    store = SessionStore(key)
    store[IdleSessionMiddleware.KEY] = store[IdleSessionMiddleware.KEY] - seconds
    store.save()
    Session.objects.filter(pk=key).update(
        expire_date=timezone.now() + datetime.timedelta(seconds=60 - seconds)
    )


def test_the_session_is_written_at_most_once_a_renewal_interval(short_idle, staff_a):
    """Renewing on every request would be a database write per page view."""
    client = Client()
    log_in(client, "staff_a")
    key = session_key(client)
    before = Session.objects.get(pk=key).expire_date
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/my/").status_code == 200
    assert not [q for q in queries if "UPDATE" in q["sql"] and "django_session" in q["sql"]]
    assert Session.objects.get(pk=key).expire_date == before
    assert "sessionid" not in client.get("/my/").cookies  # nothing to send again either
    age_session(key, seconds=django_settings.SESSION_RENEW_SECONDS)  # a renewal interval later
    response = client.get("/my/")
    assert response.cookies["sessionid"]["max-age"] == 60
    assert Session.objects.get(pk=key).expire_date > before


def test_a_session_idle_longer_than_the_idle_time_ends(short_idle, staff_a):
    client = Client()
    log_in(client, "staff_a")
    assert client.get("/my/").status_code == 200
    key = session_key(client)
    expires = Session.objects.get(pk=key).expire_date
    assert expires <= timezone.now() + datetime.timedelta(seconds=61)  # the 60 s are in force
    # 61 idle seconds later:
    Session.objects.filter(pk=key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert sent_to_login(client.get("/my/"))


def test_logging_out_ends_the_session(staff_a):
    client = Client()
    log_in(client, "staff_a")
    old_key = session_key(client)
    assert client.get("/my/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert not Session.objects.filter(pk=old_key).exists()
    # Someone who copied the cookie before the logout gets nothing with it.
    thief = Client()
    thief.cookies["sessionid"] = old_key
    assert sent_to_login(thief.get("/my/"))
    assert sent_to_login(client.get("/my/"))


def test_a_copied_cookie_works_until_logout(staff_a):
    # The control for the test above: the copy itself is enough while the session lives.
    client = Client()
    log_in(client, "staff_a")
    copy = Client()
    copy.cookies["sessionid"] = session_key(client)
    assert copy.get("/my/").status_code == 200


def test_deactivating_a_person_ends_their_sessions_at_once(staff_a):
    laptop, phone = Client(), Client()
    log_in(laptop, "staff_a")
    log_in(phone, "staff_a")
    assert laptop.get("/my/").status_code == 200
    assert phone.get("/my/").status_code == 200
    staff_a.is_active = False
    staff_a.save()
    assert sent_to_login(laptop.get("/my/"))
    assert sent_to_login(phone.get("/"))
    # ... and they cannot log in again.
    response = Client().post(LOGIN, {"username": "staff_a", "password": PASSWORD})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_changing_the_password_ends_the_other_sessions(staff_a):
    other = Client()
    log_in(other, "staff_a")
    staff_a.set_password("mot-mat-khau-moi-dai-2024")
    staff_a.save()
    assert sent_to_login(other.get("/my/"))


# --- CSRF ---------------------------------------------------------------------------------------


def token(client: Client, url: str) -> str:
    """The CSRF token a browser would send, after loading the page with the form."""
    assert client.get(url).status_code == 200
    return client.cookies["csrftoken"].value


@pytest.fixture
def strict_staff_a(staff_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_a)
    return client


def test_no_view_is_exempt_from_csrf(db):
    def callbacks(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from callbacks(entry.url_patterns, prefix + str(entry.pattern))
            else:
                yield prefix + str(entry.pattern), entry.callback

    found = list(callbacks(get_resolver().url_patterns))
    assert len(found) > 50  # the admin's too
    # The one exemption: a mail client's one-click unsubscribe (RFC 8058) posts without a
    # token; the signed token in the address is what authorises it.
    assert [route for route, view in found if getattr(view, "csrf_exempt", False)] == [
        "notifications/unsubscribe/<str:token>/"
    ]


def test_a_progress_report_without_the_token_is_refused(strict_staff_a, assignment_a):
    url = f"/assignments/{assignment_a.pk}/"
    before = (assignment_a.latest_percent, assignment_a.latest_report_at)
    response = strict_staff_a.post(url, {"percent": "50", "note": "Không có mã CSRF"})
    assert response.status_code == 403
    assert not ProgressEntry.objects.filter(assignment=assignment_a).exists()
    assignment_a.refresh_from_db()
    assert (assignment_a.latest_percent, assignment_a.latest_report_at) == before
    # With the token, the same report goes through.
    data = {"percent": "50", "note": "Có mã CSRF",
            "csrfmiddlewaretoken": token(strict_staff_a, url)}
    assert strict_staff_a.post(url, data).status_code == 302
    assert ProgressEntry.objects.filter(assignment=assignment_a).count() == 1


def test_logout_without_the_token_is_refused(strict_staff_a, db):
    assert strict_staff_a.post("/accounts/logout/").status_code == 403
    assert strict_staff_a.get("/my/").status_code == 200  # still logged in
    data = {"csrfmiddlewaretoken": token(strict_staff_a, "/my/")}
    assert strict_staff_a.post("/accounts/logout/", data).status_code == 302
    assert sent_to_login(strict_staff_a.get("/my/"))


def test_the_language_switch_without_the_token_is_refused(strict_staff_a, settings):
    response = strict_staff_a.post("/i18n/setlang/", {"language": "en", "next": "/my/"})
    assert response.status_code == 403
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert '<html lang="vi">' in strict_staff_a.get("/my/").content.decode()
    data = {"language": "en", "next": "/my/",
            "csrfmiddlewaretoken": token(strict_staff_a, "/my/")}
    response = strict_staff_a.post("/i18n/setlang/", data)
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_login_without_the_token_is_refused(staff_a):
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": "staff_a", "password": PASSWORD})
    assert response.status_code == 403
    assert sent_to_login(client.get("/my/"))
    data = {"username": "staff_a", "password": PASSWORD,
            "csrfmiddlewaretoken": token(client, LOGIN)}
    assert client.post(LOGIN, data).status_code == 302
    assert client.get("/my/").status_code == 200


# --- Evidence downloads -------------------------------------------------------------------------


def download(client: Client, entry: ProgressEntry):
    response = client.get(f"/evidence/{entry.pk}/")
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response, body


@pytest.mark.parametrize("client_name", ["as_staff_a", "as_head_a", "as_coordinator", "as_leader"])
def test_evidence_is_an_attachment_browsers_may_not_sniff(request, client_name, objects):
    response, body = download(request.getfixturevalue(client_name), objects["evidence"])
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert_security_headers(response, "evidence")
    assert body == PDF


def test_evidence_is_hidden_from_another_unit(as_staff_b, objects):
    response, body = download(as_staff_b, objects["evidence"])
    assert response.status_code == 404
    assert "Content-Disposition" not in response
    assert body == b""


def test_evidence_needs_a_login(anonymous, objects):
    response, body = download(anonymous, objects["evidence"])
    assert sent_to_login(response)
    assert body == b""


# --- Issue 10's probe: caching of signed-in pages, the CSRF page, /healthz behind HTTPS ------


@pytest.mark.parametrize("path", ["/", "/my/", "/assignments/", "/tasks/"])
def test_signed_in_pages_are_private_and_not_stored(as_staff_a, path):
    response = as_staff_a.get(path)
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "public" not in directives


def test_evidence_is_private_and_not_stored(as_staff_a, objects):
    response, _ = download(as_staff_a, objects["evidence"])
    assert response.status_code == 200
    assert {"private", "no-store"} <= {d.strip() for d in response["Cache-Control"].split(",")}


def test_a_public_response_is_left_alone():
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.test import RequestFactory

    from reform_portal.middleware import PrivateCacheMiddleware

    request = RequestFactory().get("/cong-khai/")
    request.user = AnonymousUser()
    response = PrivateCacheMiddleware(lambda r: HttpResponse("public"))(request)
    assert not response.has_header("Cache-Control")


@pytest.mark.parametrize(("language", "text"), [
    ("vi", "Biểu mẫu đã hết hiệu lực"), ("en", "The form has expired"),
])
def test_the_csrf_failure_page_is_the_portals_own(db, language, text):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language)
    response = client.post(LOGIN, {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert text in html
    assert 'class="errorpage"' in html
    assert "style=" not in html and "<style" not in html  # the CSP allows no inline style
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "CSRF verification failed" not in html  # not Django's stock page


def test_healthz_is_exempt_from_the_https_redirect(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get("/healthz").status_code == 200  # a load balancer over plain HTTP
    response = client.get(LOGIN)
    assert response.status_code == 301 and response["Location"].startswith("https://")


def test_make_run_serves_with_debug_off_and_a_key_from_var(tmp_path):
    """`make run` sets no DEBUG and names var/secret_key in SECRET_KEY_FILE."""
    key = secrets.token_urlsafe(50)
    (tmp_path / "secret_key").write_text(key + "\n")
    env = {"SECRET_KEY_FILE": str(tmp_path / "secret_key"), "READ_DOT_ENV": "false"}
    values = probe(env, "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")
    assert values["DEBUG"] is False
    assert values["SECRET_KEY"] == key
    assert {"127.0.0.1", "localhost"} <= set(values["ALLOWED_HOSTS"])
    makefile = (BASE_DIR / "Makefile").read_text()
    assert "run: export DEBUG ?= false" in makefile
    assert "var/secret_key" in makefile


def test_an_unknown_page_is_the_portals_own_404_with_debug_off(as_staff_a, settings):
    assert settings.DEBUG is False
    response = as_staff_a.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="errorpage"' in html
    assert "URLconf" not in html  # Django's debug page lists every URL
