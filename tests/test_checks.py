"""The deployment invariants of reform_portal/checks.py, each failing when it should."""

import pytest
from django.core.checks import run_checks
from django.db import connection

from reform_portal import checks


def ids(**kwargs) -> set[str]:
    return {message.id for message in run_checks(**kwargs)}


def test_a_short_secret_key_with_debug_off_is_an_error(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = "short-key"
    assert "portal.E001" in ids()
    settings.SECRET_KEY = "k" * 60  # long, but one character repeated
    assert "portal.E001" in ids()
    settings.SECRET_KEY = "a-long-random-secret-1234567890-abcdefghijklmnopqrstuvwxyz"
    assert "portal.E001" not in ids()


def test_a_short_secret_key_is_fine_for_a_local_run(settings):
    settings.DEBUG = True
    settings.SECRET_KEY = "dev"
    assert "portal.E001" not in ids()


def test_a_per_process_cache_in_production_is_a_warning(settings):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert "portal.W002" in ids()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                   "LOCATION": "portal_cache"}}
    assert "portal.W002" not in ids()


@pytest.mark.django_db
def test_a_missing_append_only_trigger_is_an_error():
    """PostgreSQL's DDL is transactional: the dropped trigger comes back with the rollback."""
    assert "portal.E003" not in ids(databases=["default"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger")
        assert set(checks.TRIGGERS) <= {row[0] for row in cursor.fetchall()}
        cursor.execute("DROP TRIGGER solutions_verification_append_only ON solutions_verification")
    messages = [m for m in run_checks(databases=["default"]) if m.id == "portal.E003"]
    assert [m.msg for m in messages] == [
        "The trigger solutions_verification_append_only is missing from the database 'default'."
    ]


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit():
    """The one-scan aggregates would spend most of their time compiling (settings: jit=off)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
