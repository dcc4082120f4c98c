#!/usr/bin/env python3
"""Benchmark the satisfaction surveys at national scale.

    SECRET_KEY=... DEBUG=false scripts/with-postgres.sh .venv/bin/python scripts/bench_surveys.py

Assumes DATABASE_URL points at a throwaway PostgreSQL (scripts/with-postgres.sh gives one). It:

1. migrates, creates 3,300 communes and a campaign covering them all, and loads 660,000
   responses with COPY (200 per commune), with their tallies, as the submission service would
   leave them (answers drawn from a small pool per unit so that the tallies are summed fast);
2. times the province's results page and a unit's results page in this process with Django's
   test client (serial requests; query counts beside them);
3. serves the portal with gunicorn (3 sync workers) on 127.0.0.1 and sends the public form
   50 submissions a second for about 20 s (open loop: each request leaves at its own time,
   whatever the previous ones did), each to another commune; reports p50/p95 and errors.
Prints one table. Only 127.0.0.1 is ever contacted.
"""

import argparse
import http.client
import io
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform_portal.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("STATICFILES_BACKEND",
                      "django.contrib.staticfiles.storage.StaticFilesStorage")
os.environ.setdefault("CONN_MAX_AGE", "60")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def load(units: int, per_unit: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from surveys.models import BUCKETS, Campaign, CampaignUnit, Question
    from surveys.services import Schema, campaign_save, questionnaire_default, tally_items
    from units.access import COORDINATORS_GROUP
    from units.models import Membership, Unit

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    Unit.objects.bulk_create([
        Unit(code=f"X{n:05d}", name=f"Xã số {n}", kind=Unit.Kind.COMMUNE) for n in range(units)
    ], batch_size=2000)
    unit_ids = list(Unit.objects.filter(code__startswith="X").order_by("code")
                    .values_list("pk", flat=True))
    questionnaire = questionnaire_default()
    schema = Schema.of(questionnaire)
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    campaign = campaign_save(campaign=Campaign(
        code="bench", title="Khảo sát đo tải", questionnaire=questionnaire,
        start_date=today - datetime.timedelta(days=30), end_date=today + datetime.timedelta(days=30),
    ))
    CampaignUnit.objects.bulk_create([
        CampaignUnit(campaign=campaign, unit_id=pk, short_code=f"b{pk:07d}") for pk in unit_ids
    ], batch_size=2000)
    user_model = get_user_model()
    coordinator = user_model.objects.create_user("bench.coordinator", password="x")
    coordinator.groups.add(Group.objects.get_or_create(name=COORDINATORS_GROUP)[0])
    staff = user_model.objects.create_user("bench.staff", password="x")
    Membership.objects.create(user=staff, unit_id=unit_ids[0])

    rng = random.Random(14)
    tiers = []
    for tier in range(10):
        quality = 0.78 + tier * 0.02
        pool = []
        for _n in range(40):
            answers = {}
            for q in schema.questions:
                if q.is_scaled:
                    answers[q.code] = (rng.choice([4, 5]) if rng.random() < quality
                                       else rng.choice([1, 2, 3]))
                elif q.kind == Question.Kind.PROCEDURE:
                    answers[q.code] = rng.randint(1, 7)
                elif q.kind == Question.Kind.MULTIPLE:
                    answers[q.code] = sorted(rng.sample(range(1, 6), k=rng.randint(1, 2)))
            pool.append((json.dumps(answers), answers.get("HL"), answers["TTHC"] <= 3,
                         tally_items(schema, answers)))
        tiers.append(pool)
    picks = Counter()
    buffer = io.StringIO()
    at = timezone.now().isoformat()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            "COPY surveys_response (campaign_id, unit_id, channel, submitted_at, answers,"
            " overall, land_sector, comment, content_hash) FROM STDIN"
        ) as copy:
            for unit_id in unit_ids:
                pool = tiers[unit_id % 10]
                for _n in range(per_unit):
                    idx = rng.randrange(len(pool))
                    picks[(unit_id, idx)] += 1
                    text, overall, land, _items = pool[idx]
                    copy.write_row((campaign.pk, unit_id, "web", at, text, overall, land, "",
                                    ""))
        unit_tally, campaign_tally = Counter(), Counter()
        for (unit_id, idx), n in picks.items():
            for item, value in tiers[unit_id % 10][idx][3]:
                unit_tally[(unit_id, item, value)] += n
                campaign_tally[(unit_id % BUCKETS, item, value)] += n
        with cursor.cursor.copy("COPY surveys_unittally (campaign_id, unit_id, item, value, count)"
                                " FROM STDIN") as copy:
            for (unit_id, item, value), n in unit_tally.items():
                copy.write_row((campaign.pk, unit_id, item, value, n))
        with cursor.cursor.copy("COPY surveys_campaigntally (campaign_id, bucket, item, value,"
                                " count) FROM STDIN") as copy:
            for (bucket, item, value), n in campaign_tally.items():
                copy.write_row((campaign.pk, bucket, item, value, n))
    # As autovacuum would have by then: the visibility map lets the tallies' index answer alone.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    del buffer
    return {"campaign": campaign, "unit_ids": unit_ids, "coordinator": coordinator,
            "staff": staff, "seconds": time.perf_counter() - started,
            "responses": units * per_unit, "tally_rows": len(unit_tally)}


def _keep_connection() -> None:
    # As Django's test runner does: a request must not close the connection the query
    # counting watches.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)


def time_posts(world: dict, n: int) -> tuple[float, float, int]:
    """The public form's POST in this process, one at a time: its own cost, without load."""
    from surveys.forms import make_token
    from surveys.models import Question
    from surveys.services import Schema
    from units.models import Unit

    campaign = world["campaign"]
    schema = Schema.of(campaign.questionnaire)
    units = list(Unit.objects.filter(pk__in=world["unit_ids"][-n - 1:]))
    client = Client()
    times, queries = [], 0
    for index, unit in enumerate(units):
        data = {"token": make_token(campaign, unit), "comment": "", "website": ""}
        for q in schema.questions:
            if q.is_scaled:
                data[q.code] = str(3 + index % 3)
            elif q.kind == Question.Kind.PROCEDURE:
                data[q.code] = "2"
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.post(f"/khao-sat/{campaign.code}/{unit.code}/", data)
        if index:  # the first one warms up
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
        assert response.status_code == 302, response.status_code
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], queries


def time_page(client: Client, url: str, n: int) -> tuple[float, float, int]:
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _n in range(n):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(queries)


def serve(port: int) -> subprocess.Popen:
    env = dict(os.environ)
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "reform_portal.wsgi", "--bind",
         f"{HOST}:{port}", "--workers", "3", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True)
    for _n in range(100):
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def load_test(port: int, world: dict, rate: int, seconds: int) -> dict:
    from surveys.forms import make_token
    from surveys.models import Question
    from surveys.services import Schema
    from units.models import Unit

    campaign = world["campaign"]
    schema = Schema.of(campaign.questionnaire)
    total = rate * seconds
    units = list(Unit.objects.filter(pk__in=world["unit_ids"][:total]).order_by("pk"))
    csrf = secrets.token_hex(16)  # a 32-character secret: the cookie and the form's field
    rng = random.Random(50)
    bodies = []
    for n in range(total):
        unit = units[n % len(units)]
        data = {"csrfmiddlewaretoken": csrf, "token": make_token(campaign, unit), "comment": "",
                "website": ""}
        for q in schema.questions:
            if q.is_scaled:
                data[q.code] = str(rng.randint(3, 5))
            elif q.kind == Question.Kind.PROCEDURE:
                data[q.code] = str(rng.randint(1, 7))
        bodies.append((f"/khao-sat/{campaign.code}/{unit.code}/",
                       urllib.parse.urlencode(data)))
    results: list[tuple[float, int]] = []
    lock = threading.Lock()
    start = time.perf_counter() + 0.5

    def send(index: int) -> None:
        path, body = bodies[index]
        delay = start + index / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        sent = time.perf_counter()
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=10)
            conn.request("POST", path, body=body, headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={csrf}"})
            status = conn.getresponse().status
            conn.close()
        except OSError:
            status = 0
        with lock:
            results.append(((time.perf_counter() - sent) * 1000, status))

    threads = []
    for index in range(total):
        thread = threading.Thread(target=send, args=(index,), daemon=True)
        thread.start()
        threads.append(thread)
        # Keep the number of idle threads bounded: start each a little before its time.
        ahead = start + index / rate - time.perf_counter() - 1.0
        if ahead > 0:
            time.sleep(ahead)
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    latencies = sorted(r[0] for r in results)
    errors = sum(1 for _l, status in results if status != 302)
    return {"sent": total, "seconds": elapsed, "p50": statistics.median(latencies),
            "p95": latencies[int(len(latencies) * 0.95) - 1], "errors": errors,
            "statuses": dict(Counter(s for _l, s in results))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=3300)
    parser.add_argument("--per-unit", type=int, default=200)
    parser.add_argument("--rate", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--serial", type=int, default=30)
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "needs a throwaway PostgreSQL (DATABASE_URL)"
    call_command("collectstatic", interactive=False, verbosity=0)
    world = load(args.units, args.per_unit)
    print(f"loaded {world['responses']:,} responses and {world['tally_rows']:,} unit tally rows"
          f" in {world['seconds']:.1f} s")
    campaign, unit_id = world["campaign"], world["unit_ids"][0]
    rows = []
    _keep_connection()
    coordinator = Client()
    coordinator.force_login(world["coordinator"])
    staff = Client()
    staff.force_login(world["staff"])
    for label, client, url in (
        ("province results (coordinator)", coordinator,
         f"/khao-sat/quan-ly/{campaign.pk}/ket-qua/"),
        ("unit results (coordinator)", coordinator,
         f"/khao-sat/quan-ly/{campaign.pk}/don-vi/{unit_id}/ket-qua/"),
        ("unit results (staff)", staff,
         f"/khao-sat/quan-ly/{campaign.pk}/don-vi/{unit_id}/ket-qua/"),
        ("public form GET", Client(), f"/khao-sat/{campaign.code}/X00000/"),
    ):
        p50, p95, queries = time_page(client, url, args.serial)
        rows.append((label, f"{p50:.1f}", f"{p95:.1f}", str(queries)))
    p50, p95, queries = time_posts(world, args.serial)
    rows.append(("public form POST, one at a time", f"{p50:.1f}", f"{p95:.1f}", str(queries)))
    with open("/proc/loadavg") as f:
        load_average = f.read().split()[0]
    connection.close()
    port = _free_port()
    server = serve(port)
    try:
        result = load_test(port, world, args.rate, args.seconds)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    print()
    print(f"load average of the machine before the load test: {load_average}")
    print(f"{'page':<34} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for label, p50, p95, queries in rows:
        print(f"{label:<34} {p50:>8} {p95:>8} {queries:>8}")
    print()
    print(f"public form POST, {args.rate}/s for {args.seconds} s on gunicorn (3 workers): "
          f"{result['sent']} sent in {result['seconds']:.1f} s, p50 {result['p50']:.1f} ms, "
          f"p95 {result['p95']:.1f} ms, errors {result['errors']} {result['statuses']}")
    from surveys.models import Response

    stored = (Response.objects.filter(campaign=campaign).count() - world["responses"]
              - args.serial - 1)
    print(f"responses stored by the load: {stored}")
    if result["errors"] or stored != result["sent"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
