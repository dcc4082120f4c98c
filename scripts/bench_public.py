#!/usr/bin/env python3
"""Benchmark the public page /cong-khai/: p50 and p95 with 8 concurrent clients.

Run inside scripts/with-postgres.sh (DATABASE_URL points at a throwaway PostgreSQL), e.g.
    scripts/with-postgres.sh .venv/bin/python scripts/bench_public.py --scale national

1. migrates and loads `manage.py generate_scale_data --scale SCALE`;
2. closes the current plan's periods that have ended and publishes them (the public page shows
   published periods only);
3. serves the portal with gunicorn (3 sync workers, DEBUG off) on 127.0.0.1, the rate limit
   raised out of the way (PUBLIC_RATE_LIMIT), and measures each public page: a warm-up, then
   a bounded number of requests from C threads (bounded in time too);
4. prints a small table (ms) and writes it as JSON to var/bench/public.json.

Only 127.0.0.1 is contacted.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from bench import free_port, manage, percentile, wait_for  # noqa: E402

HOST = "127.0.0.1"


def run(port: int, path: str, *, requests: int, concurrency: int, warmup: int,
        time_limit: float) -> dict:
    def get() -> tuple[int, float]:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        start = time.perf_counter()
        conn.request("GET", path, headers={"Accept-Language": "vi"})
        response = conn.getresponse()
        response.read()
        conn.close()
        return response.status, (time.perf_counter() - start) * 1000

    for _ in range(warmup):
        get()
    times: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    remaining = [requests]
    deadline = time.monotonic() + time_limit

    def worker() -> None:
        while time.monotonic() < deadline:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            status, ms = get()
            with lock:
                times.append(ms)
                statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"path": path, "n": len(times), "statuses": statuses,
            "p50": round(percentile(times, 50), 1), "p95": round(percentile(times, 95), 1),
            "mean": round(statistics.fmean(times), 1) if times else None,
            "rps": round(len(times) / elapsed, 1) if elapsed else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", default=os.environ.get("BENCH_SCALE", "national"),
                        choices=["provincial", "national"])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=60)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--output", default=str(ROOT / "var" / "bench" / "public.json"))
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("DATABASE_URL must point at PostgreSQL (scripts/with-postgres.sh)")
    env = os.environ | {
        "DEBUG": "false", "CONN_MAX_AGE": "60", "LOG_LEVEL": "WARNING",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-secret-key-0123456789abcdef-xyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "PUBLIC_RATE_LIMIT": "100000/m",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }
    os.environ.update({k: env[k] for k in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS",
                                           "STATICFILES_BACKEND")})
    if not args.skip_load:
        seconds, _ = manage("migrate", "--no-input", "--verbosity", "0", env=env)
        print(f"migrate: {seconds:.1f} s", flush=True)
        seconds, out = manage("generate_scale_data", "--scale", args.scale, env=env)
        print(out, f"({seconds:.0f} s)", flush=True)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform_portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from plans.models import Plan
    from insight.services import close_period
    from plans.services import ensure_periods
    from publication.models import PublishedPeriod
    from publication.services import period_publish

    today = timezone.localdate()
    plan = Plan.objects.filter(year=today.year).order_by("-pk").first()
    ensure_periods(plan)
    coordinator = get_user_model().objects.get(username="scale.coordinator")
    started = time.perf_counter()
    for period in plan.periods.filter(end_date__lt=today).order_by("end_date"):
        if not period.is_closed:
            close_period(period=period, user=coordinator)
        if not PublishedPeriod.objects.filter(period=period).exists():
            period_publish(period=period, user=coordinator)
    print(f"closed and published: {time.perf_counter() - started:.1f} s", flush=True)
    latest = PublishedPeriod.objects.filter(period__plan=plan).order_by(
        "-period__end_date").first()
    if latest is None:
        raise SystemExit("no period of the current plan has ended yet: nothing to publish")

    port = free_port()
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "reform_portal.wsgi", "--bind",
         f"{HOST}:{port}", "--workers", str(args.workers), "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    results = []
    try:
        wait_for(port, timeout=120)  # workers boot slowly while the machine is busy
        pk = latest.period_id
        for path in ("/cong-khai/", f"/cong-khai/ky-bao-cao/{pk}/",
                     f"/cong-khai/ky-bao-cao/{pk}.json", f"/cong-khai/ky-bao-cao/{pk}.csv"):
            results.append(run(port, path, requests=args.requests,
                               concurrency=args.concurrency, warmup=args.warmup,
                               time_limit=args.time_limit))
            print(results[-1], flush=True)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=20)
    print(f"\nscale {args.scale}, gunicorn {args.workers} workers, {args.concurrency} clients")
    print(f"{'page':<40}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'rps':>8}  statuses")
    for r in results:
        print(f"{r['path']:<40}{r['n']:>6}{r['p50']:>9}{r['p95']:>9}{r['rps']:>8}  "
              f"{r['statuses']}")
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps({"scale": args.scale, "results": results}, indent=1))


if __name__ == "__main__":
    main()
