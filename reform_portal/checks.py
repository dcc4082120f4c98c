"""Deployment invariants as system checks (`manage.py check`, `check --deploy`, migrate).

What README would otherwise only warn about: a guessable secret key in production, the
append-only triggers missing from PostgreSQL, figures cached per process.
"""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

MIN_SECRET_KEY_LENGTH = 50

# Each trigger and the migration that creates it: the record's rows are refused UPDATE and
# DELETE by PostgreSQL itself, whatever path a write takes.
TRIGGERS = {
    "solutions_progressentry_append_only": ("solutions", "0005_append_only_records"),
    "solutions_verification_append_only": ("solutions", "0005_append_only_records"),
    "solutions_deadlineextension_append_only": ("solutions", "0005_append_only_records"),
    "plans_reportingperiod_closed_frozen": ("plans", "0004_closed_periods_frozen"),
    "plans_periodsnapshot_frozen": ("plans", "0004_closed_periods_frozen"),
}


@register(Tags.security)
def secret_key_check(app_configs, **kwargs):
    key = settings.SECRET_KEY
    if settings.DEBUG or (len(key) >= MIN_SECRET_KEY_LENGTH and len(set(key)) >= 5):
        return []
    return [Error(
        "SECRET_KEY is too short to be secret with DEBUG off.",
        hint=f"Use at least {MIN_SECRET_KEY_LENGTH} random characters: python -c "
             "\"import secrets; print(secrets.token_urlsafe(50))\"",
        id="portal.E001",
    )]


@register(Tags.caches)
def shared_cache_check(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or not backend.endswith(("LocMemCache", "DummyCache")):
        return []
    return [Warning(
        "The figures cache is not shared by the workers.",
        hint="Each worker would compute the figures again after every write. Leave CACHE_URL "
             "unset (the database's cache) or point it at a shared cache (memcached, Redis).",
        id="portal.W002",
    )]


@register(Tags.database)
def append_only_triggers_check(app_configs, databases=None, **kwargs):
    errors = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        applied = MigrationRecorder(connection).applied_migrations()
        expected = [name for name, migration in TRIGGERS.items() if migration in applied]
        if not expected:
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname = ANY(%s)", [expected])
            present = {row[0] for row in cursor.fetchall()}
        for name in sorted(set(expected) - present):
            errors.append(Error(
                f"The trigger {name} is missing from the database {alias!r}.",
                hint="Records that must be append-only can be changed. Re-create it by "
                     "migrating the app back before its migration and forward again.",
                id="portal.E003",
            ))
    return errors
