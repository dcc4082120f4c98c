"""The figures cache: the portal's one cache, of figures (never of pages).

A value is kept under a key holding the data version, read from the database on every request
that uses the cache. Every write that can move a figure changes the version, so the next request
after a report, verification, extension or edit computes anew, on every worker and server alike,
whatever cache holds the values. Nothing is invalidated; old entries are culled by the backend.

The default cache is the database's (settings.CACHES): shared by every worker, so one write costs
one recompute, and bounded by its MAX_ENTRIES, so no worker's memory grows with the versions.
"""

from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from units.access import can_read_all

CACHE_SECONDS = 24 * 60 * 60

# Figures move only with these: the append-only records, and the history rows that
# django-simple-history writes for every change of a unit, membership, task or assignment,
# whether through the portal's services, the admin or a command. Each maximum is one read of
# the primary key's index.
VERSION_SOURCES = [
    ("solutions_progressentry", "id"),
    ("solutions_verification", "id"),
    ("solutions_deadlineextension", "id"),
    ("solutions_reminder", "id"),  # who was reminded and is still silent (compliance)
    ("solutions_historicalassignment", "history_id"),
    ("solutions_historicaltask", "history_id"),
    ("units_historicalunit", "history_id"),
    ("units_historicalmembership", "history_id"),
]
VERSION_SQL = "SELECT " + ", ".join(
    f"(SELECT MAX({column}) FROM {table})" for table, column in VERSION_SOURCES
)


def data_version() -> str:
    """Changes with every write that can move a figure."""
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL)
        return ".".join(str(value) for value in cursor.fetchone())


def cached_figures(user, plan, on, name: str, compute: Callable):
    """compute() once per (figures, plan and its dates, date, what the person sees, version).

    Leaders and coordinators share one entry (they see everything); unit staff have their own.
    """
    who = "all" if can_read_all(user) else f"user{user.pk}"
    on = on or timezone.localdate()  # "today" is a different key tomorrow
    key = ":".join(str(part) for part in (
        "figures", name, plan.pk, plan.start_date, plan.end_date, on, who, data_version(),
    ))
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value
