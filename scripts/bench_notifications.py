#!/usr/bin/env python3
"""Benchmark the digests: `scripts/with-postgres.sh .venv/bin/python scripts/bench_notifications.py`
(DATABASE_URL must point at a throwaway PostgreSQL: the database is flushed for each scale).

For each scale (provincial, national, or --scale): flush, `manage.py generate_scale_data`,
then two people per unit with an address (one staff member, one head: about 6,000 people at
national scale) and build every digest of a working-day morning (notifications.digests), timed,
with its query count. The count must be the same at both scales (but for the inserts, batched
per 1,000 rows): it does not grow per person.
Prints one table. Budgets (DESIGN.md): provincial under 5 s, national under 60 s.
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform_portal.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("TASKS_BACKEND", "django.tasks.backends.dummy.DummyBackend")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from notifications.calendar import WorkingCalendar  # noqa: E402
from notifications.digests import build_digests  # noqa: E402
from notifications.models import Delivery, Notice  # noqa: E402
from units.models import Membership, Unit  # noqa: E402

BUDGETS = {"provincial": 5.0, "national": 60.0}


def add_people() -> int:
    """Two people per unit with an email address: a staff member and the head."""
    User = get_user_model()
    units = list(Unit.objects.values_list("pk", "code"))
    users = User.objects.bulk_create(
        [User(username=f"bench.{code}.{role}", email=f"{role}.{code}@bench.vn".lower(),
              password="!", first_name="Bench")
         for _pk, code in units for role in ("staff", "head")],
        batch_size=2000, ignore_conflicts=True)
    by_name = dict(User.objects.filter(username__startswith="bench.")
                   .values_list("username", "pk"))
    Membership.objects.bulk_create(
        [Membership(user_id=by_name[f"bench.{code}.{role}"], unit_id=pk,
                    role=Membership.Role.HEAD if role == "head" else Membership.Role.STAFF)
         for pk, code in units for role in ("staff", "head")],
        batch_size=2000, ignore_conflicts=True)
    return len(users)


def morning() -> datetime.datetime:
    day = timezone.localdate()
    calendar = WorkingCalendar.around(day)
    while not calendar.is_working_day(day):
        day += datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


def run(scale: str) -> dict:
    call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    call_command("generate_scale_data", scale=scale, verbosity=0)
    load = time.perf_counter() - started
    add_people()
    people = Membership.objects.values("user").distinct().count()
    # Warm, as a long-running worker or a second run of the schedule is: the URLconf and
    # translations loaded (a process's start-up is not the digests' cost).
    from django.urls import reverse

    reverse("solutions:my-assignments")
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            stats = profiler.runcall(build_digests, now=morning())
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        else:
            stats = build_digests(now=morning())
        seconds = time.perf_counter() - started
    return {"scale": scale, "units": Unit.objects.count(), "people": people,
            "digests": Notice.objects.filter(kind="digest").count(),
            "mails": Delivery.objects.count(), "seconds": seconds, "queries": len(queries),
            # The inserts go in batches of 1,000 rows (PostgreSQL's 65,535 parameters a
            # statement): the only queries that grow, by one per thousand people.
            "inserts": sum(q["sql"].startswith("INSERT") for q in queries.captured_queries),
            "load": load, "budget": BUDGETS[scale], "stats": stats}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["provincial", "national", "both"], default="both")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    scales = ["provincial", "national"] if args.scale == "both" else [args.scale]
    rows = [run(scale) for scale in scales]
    print(f"{'scale':<11} {'units':>6} {'people':>7} {'digests':>8} {'mails':>6} "
          f"{'build s':>8} {'budget':>7} {'queries':>8} {'inserts':>8}")
    for r in rows:
        print(f"{r['scale']:<11} {r['units']:>6} {r['people']:>7} {r['digests']:>8} "
              f"{r['mails']:>6} {r['seconds']:>8.2f} {r['budget']:>7.0f} {r['queries']:>8} "
              f"{r['inserts']:>8}")
    failed = [r for r in rows if r["seconds"] > r["budget"]]
    if len({r["queries"] - r["inserts"] for r in rows}) > 1:
        print("the query count (batched inserts aside) differs between scales")
        failed = failed or rows
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
