"""Settings for the reform plan portal: every value comes from the environment.

The defaults make `make run` work on a fresh clone (embedded SQLite, DEBUG off, a local
secret key that the Makefile makes once under var/ and names in SECRET_KEY_FILE); production
sets DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS (see .env.example).
"""

import datetime
import ipaddress
from pathlib import Path

import environ
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env fills what the environment leaves unset (READ_DOT_ENV=false ignores it).
if env.bool("READ_DOT_ENV", default=True):
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)


def _key_from_file() -> str:
    # `make run` writes a random key once to var/secret_key (never committed: /var/ is ignored).
    path = env.str("SECRET_KEY_FILE", default="")
    return Path(path).read_text().strip() if path and Path(path).is_file() else ""


SECRET_KEY = env.str("SECRET_KEY", default="") or _key_from_file() or (
    "dev-insecure-key-only-for-local-runs" if DEBUG else ""
)
if not SECRET_KEY:
    raise environ.ImproperlyConfigured(
        "Set SECRET_KEY or SECRET_KEY_FILE (or DEBUG=true for a local run)."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "simple_history",
    "axes",
    "django_tasks_db",
    "reform_portal.apps.PortalConfig",
    "units",
    "plans",
    "solutions",
    "insight",
    "notifications",
    "index",
    "surveys",
    "reports",
    "publication",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "reform_portal.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "reform_portal.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Signed-in pages are no one else's: kept by no shared cache, nor by a shared office PC's.
    "reform_portal.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "reform_portal.urls"
WSGI_APPLICATION = "reform_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reform_portal.navigation.navigation",
            ],
        },
    },
]

# Unset DATABASE_URL: an embedded SQLite file, the newcomer's default.
# Production and the test suite use PostgreSQL.
if "DATABASE_URL" not in env:
    (BASE_DIR / "var").mkdir(exist_ok=True)  # the embedded SQLite file's folder, on a fresh clone
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'portal.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Seconds: an unreachable server fails the request (503) instead of hanging a worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    # PostgreSQL's JIT compiles the timeliness expressions of a one-scan aggregate afresh for
    # each query; at national scale compiling costs several times the scan it speeds up (see
    # EXPLAIN ANALYZE's "JIT: Timing"). The portal's queries are short: interpret them.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The one cache (insight/cache.py): figures under a data version that every write changes.
# The database's by default, shared by every worker (one recompute per write, not one per
# process) and bounded; CACHE_URL chooses another (e.g. memcached) shared the same way.
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://portal_cache")}
if CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 1000)
# Each process's own, bounded: the public page's summaries (keyed by the publication state, so
# exact on every worker) and the rate limits' counters (django-ratelimit counts per worker, so a
# limit is at most WORKERS times looser; a shared CACHE_URL_LOCAL makes it exact).
CACHES["local"] = env.cache("CACHE_URL_LOCAL", default="locmemcache://")
CACHES["local"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 2000)
RATELIMIT_USE_CACHE = "local"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked (username, address) pair before the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# 5 failures for one username from one address lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_LOCKOUT_CALLABLE = "reform_portal.views.locked_out"  # that page, with Retry-After
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# The address paired with the username. django-ipware is not installed, so axes would fall back
# to REMOTE_ADDR: behind a reverse proxy that is the proxy's own address for every visitor, and
# five failures from anyone would lock the username for everyone. Hence our own callable.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
# How many proxies in front of the portal append to X-Forwarded-For (nginx's
# $proxy_add_x_forwarded_for does). Trust only their entries: anything further left was sent by
# the client and may be forged. Only safe when the portal can be reached through the proxy alone.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if BEHIND_PROXY else 0)


def client_address(request) -> str | None:
    from django.conf import settings

    count = settings.TRUSTED_PROXY_COUNT
    if count:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= count:
            try:
                return str(ipaddress.ip_address(hops[-count]))
            except ValueError:
                pass  # not an address (the column is inet): fall back to the peer
    return request.META.get("REMOTE_ADDR")


AXES_CLIENT_IP_CALLABLE = client_address

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "insight:dashboard"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese by default, English available (Accept-Language, or the switcher).
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["reform_portal.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Evidence files (tài liệu kiểm chứng): the limit the progress form enforces.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
# Let Django stream bigger uploads to disk so the form, not the server, says "too big".
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# The agency named at the head of exported reports (the plan's issuing authority).
AGENCY_NAME = env.str("AGENCY_NAME", default="Ủy ban nhân dân tỉnh Nghệ An")

# Timeliness (README: "Timeliness"): "due soon" window and "stale" threshold, in days.
DUE_SOON_DAYS = env.int("DUE_SOON_DAYS", default=7)
STALE_DAYS = env.int("STALE_DAYS", default=30)
# The agency that coordinates the plan, as the portal names it (the province's PAR office).
# A setting, not a unit: every page names it, and a unit flag would cost a query per page.
COORDINATING_AGENCY = env.str("COORDINATING_AGENCY", default="Sở Nội vụ")

# --- Notifications: mail, background work, thresholds (issue 11) ------------------------------
# SMTP from EMAIL_URL (e.g. smtp+tls://user:pass@mail.example.gov.vn:587); unset, messages are
# written as files under var/mail/ (the local demo) and shown in the portal's delivery log.
# (Django 6.1's MAILERS: the EMAIL_* settings it replaces are deprecated.)
if "EMAIL_URL" in env:
    _mail = env.email_url("EMAIL_URL")
    MAILERS = {"default": {"BACKEND": _mail["EMAIL_BACKEND"], "OPTIONS": {
        "host": _mail.get("EMAIL_HOST", "localhost"), "port": _mail.get("EMAIL_PORT") or 25,
        "username": _mail.get("EMAIL_HOST_USER", ""),
        "password": _mail.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": bool(_mail.get("EMAIL_USE_TLS")), "use_ssl": bool(_mail.get("EMAIL_USE_SSL")),
        "timeout": env.int("EMAIL_TIMEOUT", default=10),
    }}}
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                           "OPTIONS": {"file_path": str(env.path(
                               "EMAIL_FILE_PATH", default=BASE_DIR / "var" / "mail"))}}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL",
                             default="Cổng CCHC Nghệ An <no-reply@cchc.nghean.gov.vn>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The portal's address as people reach it: every link in a mail is absolute from it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Background work: Django's tasks framework on the database (manage.py db_worker).
TASKS = {"default": {"BACKEND": env.str("TASKS_BACKEND",
                                        default="django_tasks_db.DatabaseBackend")}}
# Digests list what is due within this many working days.
NOTIFY_DUE_WITHIN_WORKING_DAYS = env.int("NOTIFY_DUE_WITHIN_WORKING_DAYS", default=5)
# Overdue this many working days: into the unit head's digest; this many more: Sở Nội vụ's.
NOTIFY_ESCALATE_HEAD_DAYS = env.int("NOTIFY_ESCALATE_HEAD_DAYS", default=5)
NOTIFY_ESCALATE_PROVINCE_DAYS = env.int("NOTIFY_ESCALATE_PROVINCE_DAYS", default=10)
# Reminders before a reporting cut-off, in working days: communes and departments first.
NOTIFY_REMINDER_FIRST_WORKING_DAYS = env.int("NOTIFY_REMINDER_FIRST_WORKING_DAYS", default=5)
NOTIFY_REMINDER_SECOND_WORKING_DAYS = env.int("NOTIFY_REMINDER_SECOND_WORKING_DAYS", default=2)
# The PAR index: working days before a phase's end date (D1..D4) that those with work left in
# it are reminded (once per person, phase and campaign).
INDEX_REMINDER_WORKING_DAYS = env.int("INDEX_REMINDER_WORKING_DAYS", default=3)
# A message that could not be sent is retried after 1, 2, 4... minutes, at most this many times.
NOTIFY_RETRY_BASE_SECONDS = env.int("NOTIFY_RETRY_BASE_SECONDS", default=60)
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=8)
# Password reset requests allowed per address (django-ratelimit's rate syntax).
PASSWORD_RESET_RATE = env.str("PASSWORD_RESET_RATE", default="5/h")

# Security headers. HTTPS-only settings are switched on by the environment in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# A load balancer probes /healthz over plain HTTP: it must get 200 or 503, not a redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
# The age above is an idle timeout: reform_portal.middleware.IdleSessionMiddleware renews it,
# writing the session at most once every SESSION_RENEW_SECONDS.
SESSION_SAVE_EVERY_REQUEST = False

SESSION_RENEW_SECONDS = env.int("SESSION_RENEW_SECONDS", default=60)
# The language cookie carries no secret, but follows the session cookie's rules all the same.
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# W021 asks for SECURE_HSTS_PRELOAD. The preload list takes only registrable domains
# (nghean.gov.vn), not the portal's sub-domain, and preloading binds every site of the province:
# that is the province's decision, made with SECURE_HSTS_PRELOAD=true, not a default of this app.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Django's stock CSRF page is English and styled inline (refused by the CSP): the portal's own.
CSRF_FAILURE_VIEW = "reform_portal.views.csrf_failure"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}


# Satisfaction surveys (surveys/): limits of the public form, per address hash and unit, and
# per unit (django-ratelimit, on the default cache: set CACHE_URL to a shared cache so that every
# worker counts the same), and the window in which the same answers from the same address are a
# duplicate.
SURVEY_RATE_PER_ADDRESS = env.str("SURVEY_RATE_PER_ADDRESS", default="60/h")
SURVEY_RATE_PER_UNIT = env.str("SURVEY_RATE_PER_UNIT", default="1200/h")
SURVEY_DUPLICATE_SECONDS = env.int("SURVEY_DUPLICATE_SECONDS", default=600)

# The official report's PDF is made by LibreOffice (headless) when this binary is on PATH.
SOFFICE_BINARY = env.str("SOFFICE_BINARY", default="soffice")
# Requests per address to the public pages (/cong-khai/), e.g. "120/m"; counted in CACHES.
PUBLIC_RATE_LIMIT = env.str("PUBLIC_RATE_LIMIT", default="120/m")

