#!/usr/bin/env python3
"""Benchmark the PAR index's summary table: 130 communes x 94 components (the province's
commune set), published, with reasoned corrections of some lines after publication (they
enter the totals), rendered in process with Django's test client.

    scripts/with-postgres.sh .venv/bin/python scripts/bench_index.py [--units 130 --components 94
        --corrections 200]

Assumes DATABASE_URL points at a throwaway PostgreSQL (it migrates and writes a campaign). For
each page: a warm-up, then N serial requests; prints the median and p95 wall time, the median
CPU time of the request (this process and its PostgreSQL backend, read from /proc) and the
queries of one request. The budget: the results page under 100 ms.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform_portal.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("STATICFILES_BACKEND",
                      "django.contrib.staticfiles.storage.StaticFilesStorage")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

BUDGET_MS = 100


def _backend_pid(connection) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _cpu_of(pid: int) -> float:
    """CPU seconds (user + system) of a local process: the PostgreSQL backend serving us, so
    that a request's cost is its own CPU, whatever the neighbours' load does to wall time."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=130)
    parser.add_argument("--components", type=int, default=94)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--corrections", type=int, default=200,
                        help="reasoned corrections after publication (they enter the totals)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from demo.index_scale import build
    from units.access import LEADERS_GROUP

    call_command("migrate", verbosity=0)
    User = get_user_model()
    leader, _ = User.objects.get_or_create(username="bench.index.leader")
    leader.groups.add(Group.objects.get_or_create(name=LEADERS_GROUP)[0])
    started = time.perf_counter()
    campaign = build(units=args.units, components=args.components, user=leader,
                     year=2080 + os.getpid() % 19)
    from index.models import FinalScore, Line
    from index.services import correction_record

    lines = list(Line.objects.filter(assessment__campaign=campaign).select_related("node")
                 .order_by("pk")[:: max(1, args.units * args.components
                                       // max(1, args.corrections))][:args.corrections])
    for line in lines:  # the lowest score the line allows (0, or its first level)
        values = line.node.level_values()
        correction_record(line=line, user=leader, score=values[0] if values else 0,
                          reason="Đính chính sau công bố", expected=None)
    assert FinalScore.objects.filter(line__in=lines).count() == len(lines)
    load_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as autovacuum keeps them in production
    assessment = campaign.assessments.order_by("pk").first()

    client = Client()
    client.force_login(leader)
    pages = [
        ("results (summary table)", reverse("index:campaign-results", args=[campaign.pk])),
        ("summary XLSX", reverse("index:campaign-summary-xlsx", args=[campaign.pk])),
        ("one unit's detail", reverse("index:assessment-detail", args=[assessment.pk])),
        ("one unit's XLSX", reverse("index:assessment-xlsx", args=[assessment.pk])),
    ]
    print(f"PAR index: {args.units} units x {args.components} components "
          f"({args.units * args.components} lines, {len(lines)} corrected) written in "
          f"{load_s:.1f} s")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(neighbours' work inflates every figure)")
    print(f"{'page':<26}{'p50 ms':>9}{'p95 ms':>9}{'cpu ms':>9}{'queries':>9}  budget")
    failed = False
    backend = _backend_pid(connection)
    for name, url in pages:
        client.get(url)  # warm-up
        timings = []
        cpu = []
        for _ in range(args.requests):
            t, c = time.perf_counter(), time.process_time() + _cpu_of(backend)
            response = client.get(url)
            timings.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() + _cpu_of(backend) - c) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        p50 = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20)[-1]
        cpu_ms = statistics.median(cpu)
        budget = ""
        if name.startswith("results"):
            ok = p50 < BUDGET_MS
            failed |= not ok
            budget = f"< {BUDGET_MS} ms {'ok' if ok else 'OVER'} (cpu {cpu_ms:.0f} ms)"
        print(f"{name:<26}{p50:>9.1f}{p95:>9.1f}{cpu_ms:>9.1f}{len(queries):>9}  {budget}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
