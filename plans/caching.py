"""Exact caches: figures, and rendered parts of leaders' pages, under a data version.

A cached value is only ever used under the version it was computed for, and every write that
can change what it shows changes the version: the next report, verification, extension or edit
is on the very next page. Nothing is invalidated; old entries are left to expire or be culled.

The version is read from the database on each request (one call of a PL/pgSQL function that
reads a few index-only maxima and small tables, about 0.2 ms), so it is exact across processes
whatever cache holds the values (LocMemCache per process by default, or whatever CACHES says).
The pages use render_cached(); README "Exact caching" says what it costs and saves.
"""

import functools
import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from units.access import can_read_all, is_coordinator, is_leader

CACHE_SECONDS = 24 * 60 * 60

# Counts by class move only with these: append-only records, and the history rows
# django-simple-history writes for units, memberships, tasks and assignments, whether through
# the portal's services, admin or a command. Their largest ids are read in one query.
VERSION_SOURCES = [
    ("solutions_progressentry", "id"),
    ("solutions_verification", "id"),
    ("solutions_deadlineextension", "id"),
    ("solutions_historicalassignment", "history_id"),
    ("solutions_historicaltask", "history_id"),
    ("units_historicalunit", "history_id"),
    ("units_historicalmembership", "history_id"),
]

# A rendered page also shows the plan's own content, edited in place: titles, area and solution
# names, periods, targets and their actuals. These tables are small (tens of rows a plan), so
# their row count and the sum of their rows' xmin (PostgreSQL's id of the transaction that wrote
# a row version: every INSERT and UPDATE writes a new one, a DELETE lowers the count) are read
# in full. PostgreSQL only: elsewhere (the SQLite demo) the version is the first list alone,
# which moves with every figure but not with a renamed area, so rendered parts are not cached.
EDITED_TABLES = [
    "plans_plan",
    "plans_reformarea",
    "solutions_solution",
    "plans_reportingperiod",
    "plans_periodsnapshot",
    "plans_indicator",
    "plans_indicatorvalue",
]


def _max_ids() -> list[str]:
    return [f"(SELECT MAX({column}) FROM {table})" for table, column in VERSION_SOURCES]


FIGURES_VERSION_SQL = "SELECT " + ", ".join(_max_ids())
PAGE_VERSION_SQL = "SELECT " + ", ".join(
    _max_ids() + [
        f"(SELECT COUNT(*) || ':' || COALESCE(SUM(xmin::text::bigint), 0) FROM {table})"
        for table in EDITED_TABLES
    ]
)


def _read(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return ".".join(str(value) for value in cursor.fetchone())


def data_version() -> str:
    """Changes with every write that can move a figure, or (on PostgreSQL) a label of one.

    On PostgreSQL, PAGE_VERSION_SQL runs as the function portal_data_version() (migration
    plans/0003), which keeps its plan: the statement sent as it is would be planned anew each
    time, for most of its cost.
    """
    if connection.vendor == "postgresql":
        return _read("SELECT portal_data_version()")
    return _read(FIGURES_VERSION_SQL)


def page_version(request) -> str | None:
    """The version of whatever a page shows, read once per request; None if not PostgreSQL."""
    if connection.vendor != "postgresql":
        return None
    if not hasattr(request, "_page_version"):
        request._page_version = data_version()
    return request._page_version


def scope(user) -> str:
    """Who shares an entry: coordinators, leaders (who see the same but may change nothing),
    or one person (unit staff see their own units' rows)."""
    if is_coordinator(user):
        return "coordinators"
    if is_leader(user):
        return "leaders"
    return f"user{user.pk}"


CODE_DIRS = ("plans", "solutions", "units", "reform_portal", "templates", "locale")
CODE_SUFFIXES = {".py", ".html", ".mo"}


@functools.cache
def code_version() -> str:
    """A digest of the portal's code, templates and compiled translations, read once per process.
    A cache shared by processes (CACHE_URL) outlives a deploy: keyed by this too, nothing the
    previous code rendered or drew is served by the next."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for path in sorted(p for d in CODE_DIRS for p in (root / d).rglob("*")
                       if p.suffix in CODE_SUFFIXES and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _key(prefix: str, parts: tuple) -> str:
    return f"{prefix}:{code_version()}:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _get_or_compute(key: str, compute: Callable):
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


def cached_figures(user, plan, on, name: str, compute: Callable):
    """compute() once per (figures, plan and its dates, date, what the person sees, version).

    Leaders and coordinators share one entry (they see everything); unit staff have their own.
    """
    who = "all" if can_read_all(user) else f"user{user.pk}"
    on = on or timezone.localdate()  # "today" is a different key tomorrow
    parts = (name, plan.pk, plan.start_date, plan.end_date, on, who, data_version())
    return _get_or_compute(_key("figures", parts), compute)


def drawn(name: str, data, draw: Callable):
    """draw() once per (drawing, the data it draws, language): for what is a function of its data
    alone, such as a chart. Keyed by the data itself, not the version, it is exact without one,
    and outlives writes that leave the data as it was (a report below 100% moves no class)."""
    return _get_or_compute(_key(f"drawn:{name}", (get_language(), data)), draw)


def cached_part(request, render: Callable, vary: tuple = ()):
    """What render() returns (rendered HTML, or a dict of such), computed once per (path and
    query string, who is looking, language, today, data version, and `vary`).

    render() must depend on nothing else of the request. A part never holds a CSRF token or a
    CSP nonce: those change with every response and stay in the page around it.
    """
    version = page_version(request)
    if version is None:
        return _compact(render())
    key = _key("part", (request.path, sorted(request.GET.lists()), scope(request.user),
                        get_language(), timezone.localdate(), version, vary))
    return _get_or_compute(key, lambda: _compact(render()))


_INDENT = re.compile(r"\n\s+")


def _compact(value):
    """The templates' indentation, dropped: a line break and spaces render as one space outside
    <pre> and <textarea>, and tables of hundreds of rows carry kilobytes of it."""
    if isinstance(value, dict):
        return {name: _compact(part) for name, part in value.items()}
    if "<pre" in value or "<textarea" in value:
        return value
    return mark_safe(_INDENT.sub("\n", value))


# The holes of a cached page, filled for each response: the top bar's tools (CSRF tokens, the
# page's own address, the person's name) and the messages. Markers derive from SECRET_KEY: the
# same in every process sharing a cache, and no text in a page can pose as one.
HOLES = {
    "tools": "includes/_topbar_tools.html",
    "messages": "includes/_messages.html",
}


@functools.cache
def _marker(name: str) -> str:
    digest = salted_hmac("plans.caching.hole", name, algorithm="sha256").hexdigest()[:20]
    return mark_safe(f"<!--{name}:{digest}-->")


def render_cached(request, template: str, context_of: Callable, parts=("body",)):
    """Render `template`, a page whose content (its partials `parts`, shown as {{ page.body }},
    {{ page.title }}...) is computed by context_of(request): the whole page is cached
    (cached_part) with holes that each response fills (HOLES): on a hit, no template of the
    page runs but those two small ones."""
    def render_page() -> str:
        context = context_of(request)
        page = {name: render_to_string(f"{template}#{name}", context, request) for name in parts}
        shell = {name: _marker(name) for name in HOLES}
        return render_to_string(template, {"page": page, "shell": shell}, request)

    # The administration link of the top bar shows to staff only.
    html = cached_part(request, render_page, vary=(request.user.is_staff,))
    for name, hole in HOLES.items():
        html = html.replace(_marker(name), render_to_string(hole, request=request), 1)
    return HttpResponse(html)
