#!/usr/bin/env python3
"""Benchmark the portal at a given scale: `make bench` (BENCH_SCALE=provincial|national).

Run by the Makefile inside scripts/with-postgres.sh (DATABASE_URL points at a throwaway
cluster). In one run it:

1. migrates and loads `manage.py generate_scale_data --scale SCALE` (timed);
2. serves the portal with gunicorn (3 sync workers, CONN_MAX_AGE=60, DEBUG off) on 127.0.0.1;
3. logs in a leader (scale.leader) and a staff member (scale.staff1) through the login form,
   with real sessions and CSRF tokens;
4. for each page: a warm-up, a serial pass (one request at a time: the server's own latency,
   p50 and p95), then N requests from C threads (p50, p95, requests per second), bounded in
   time. The dashboard, the open year report and its XLSX are also measured right after a
   progress report (a write before each request, untimed), so nothing cached hides their cost;
5. counts each page's queries with Django's test client (CaptureQueriesContext) in this
   process, against the same database;
6. sends 5,000 mixed requests (pages and reports, from C threads, bounded in time) and prints
   the resident memory (RSS) of each gunicorn worker before and after;
7. prints one table and writes it as JSON to var/bench/latest.json (and a dated copy).

Only 127.0.0.1 is ever contacted. gunicorn's sync workers close the connection after each
response, so every request opens a new loopback connection (http.client does it for us).
The load generator runs on the same 2 cores as the server: rps is a floor, not a ceiling.
"""

import argparse
import http.client
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
HOST = "127.0.0.1"


# --- Machine facts ------------------------------------------------------------------------------


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "loadavg_start": _loadavg(),
        "cpu_calibration_ms": calibrate(),
    }


def _loadavg() -> list[float] | None:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return None


def calibrate() -> float:
    """A fixed pure-Python loop, in ms: compare runs (noisy neighbours show up here)."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i * i % 7
        best = min(best, time.perf_counter() - start)
    return round(best * 1000, 1)


def cpu_seconds(root_pid: int | None) -> float:
    """User + system CPU time of a process and all its descendants (from /proc), in seconds.

    Unlike wall time, it hardly moves when other processes share the cores: the serial pass
    reports it per request as the server's own cost (app workers + PostgreSQL backends).
    """
    if root_pid is None:
        return 0.0
    children: dict[int, list[int]] = {}
    times: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            raw = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        fields = raw.rsplit(")", 1)[1].split()
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        # utime, stime, and cutime, cstime: children that ended (PostgreSQL's parallel workers)
        times[pid] = sum(int(x) for x in fields[11:15])
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += times.get(pid, 0)
        stack += children.get(pid, [])
    return total / os.sysconf("SC_CLK_TCK")


def postmaster_pid() -> int | None:
    data = os.environ.get("PGDATA_DIR")
    try:
        return int(Path(data, "postmaster.pid").read_text().split()[0]) if data else None
    except (OSError, ValueError, IndexError):
        return None


# --- HTTP ---------------------------------------------------------------------------------------


class Session:
    """Cookies and a CSRF token, like a browser's, for one person."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None,
                conn: http.client.HTTPConnection | None = None) -> tuple[int, bytes, dict]:
        own = conn is None
        conn = conn or http.client.HTTPConnection(HOST, self.port, timeout=120)
        headers = {"Host": f"{HOST}:{self.port}", "Accept-Language": "vi"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://{HOST}:{self.port}"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            content = response.read()
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
        except (http.client.HTTPException, OSError):
            conn.close()
            raise
        finally:
            if own:
                conn.close()
        return response.status, content, dict(response.getheaders())

    def remember(self, headers_list) -> None:
        for name, value in headers_list:
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, val = pair.partition("=")
                self.cookies[key.strip()] = val.strip()

    def login(self, username: str, password: str) -> None:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        conn.request("GET", "/accounts/login/", headers={"Host": f"{HOST}:{self.port}"})
        response = conn.getresponse()
        page = response.read().decode()
        self.remember(response.getheaders())
        conn.close()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not token:
            raise RuntimeError("no CSRF token on the login page")
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        body = urllib.parse.urlencode({"username": username, "password": password,
                                       "csrfmiddlewaretoken": token.group(1), "next": "/"})
        headers = {"Host": f"{HOST}:{self.port}",
                   "Content-Type": "application/x-www-form-urlencoded",
                   "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        conn.request("POST", "/accounts/login/", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        self.remember(response.getheaders())
        conn.close()
        if response.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login of {username} failed: HTTP {response.status}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def measure(session: Session, method: str, path: str, body_of, *, expect: int, warmup: int,
            serial: int, requests: int, concurrency: int, time_limit: float,
            server_pids: tuple[int | None, int | None] = (None, None), before=None) -> dict:
    """`before`, if given, runs before each request, untimed (a write, so the page's cached
    content is stale and the request measures the recomputation)."""
    errors: list[str] = []
    sizes: list[int] = []

    def one(conn, run_before: bool = True) -> float | None:
        body = body_of() if body_of else None
        if before is not None and run_before:
            before()
        start = time.perf_counter()
        try:
            status, content, _ = session.request(method, path, body, conn=conn)
        except Exception as error:  # noqa: BLE001 - counted and reported
            errors.append(repr(error))
            return None
        elapsed = time.perf_counter() - start
        if status != expect:
            errors.append(f"HTTP {status}")
            return None
        sizes.append(len(content))
        return elapsed

    conn = http.client.HTTPConnection(HOST, session.port, timeout=120)
    for _ in range(warmup):
        one(conn)
    serial_times = []
    deadline = time.perf_counter() + time_limit / 3
    app_cpu, db_cpu = (cpu_seconds(pid) for pid in server_pids)
    # With a write before each request, the server's CPU is read around the request alone.
    request_cpu = 0.0
    for _ in range(serial):
        if before is not None:
            before()
            cpu_at_start = sum(cpu_seconds(pid) for pid in server_pids)
        t = one(conn, run_before=False)
        if before is not None:
            request_cpu += sum(cpu_seconds(pid) for pid in server_pids) - cpu_at_start
        if t is not None:
            serial_times.append(t)
        if time.perf_counter() > deadline:
            break
    app_cpu, db_cpu = (cpu_seconds(pid) - before
                       for pid, before in zip(server_pids, (app_cpu, db_cpu), strict=True))
    conn.close()

    times: list[float] = []
    lock = threading.Lock()
    issued = 0
    stop_at = time.perf_counter() + time_limit

    def worker() -> None:
        nonlocal issued
        c = http.client.HTTPConnection(HOST, session.port, timeout=120)
        while True:
            with lock:
                if issued >= requests or time.perf_counter() > stop_at:
                    break
                issued += 1
            t = one(c)
            if t is not None:
                with lock:
                    times.append(t)
        c.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    ms = [1000 * t for t in times]
    cpu_known = serial_times and before is None  # with a write before each, CPU is both's
    return {
        "serial_n": len(serial_times),
        "serial_p50_ms": round(1000 * statistics.median(serial_times), 1) if serial_times else None,
        "serial_p95_ms": (round(percentile([1000 * t for t in serial_times], 95), 1)
                          if serial_times else None),
        "app_cpu_ms": round(1000 * app_cpu / len(serial_times), 1) if cpu_known else None,
        "db_cpu_ms": round(1000 * db_cpu / len(serial_times), 1) if cpu_known else None,
        # gunicorn + PostgreSQL, per request: the write before each request left out
        "server_cpu_ms": (
            round(1000 * (app_cpu + db_cpu) / len(serial_times), 1) if cpu_known
            else round(1000 * request_cpu / len(serial_times), 1) if serial_times else None
        ),
        "n": len(times),
        "p50_ms": round(percentile(ms, 50), 1) if ms else None,
        "p95_ms": round(percentile(ms, 95), 1) if ms else None,
        "rps": round(len(times) / wall, 1) if wall and times else None,
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "bytes": max(sizes) if sizes else None,
        "truncated_by_time": 0 < issued < requests,
    }


# --- Memory -------------------------------------------------------------------------------------


def worker_rss_mb(master_pid: int) -> dict[int, float]:
    """Resident memory of each gunicorn worker (the master's children), in MB."""
    rss = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            status = Path(entry.path, "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(fields.get("PPid", "0").strip()) == master_pid and "VmRSS" in fields:
            rss[int(entry.name)] = round(int(fields["VmRSS"].split()[0]) / 1024, 1)
    return rss


def mixed_load(pages, report_first, master_pid: int, *, requests: int, concurrency: int,
               time_limit: float) -> dict:
    """`requests` requests from `concurrency` threads, round robin over the pages (GETs; every
    tenth request is a progress report, so the data version moves and figures are computed
    anew), bounded in time; the workers' RSS before and after."""
    gets = [(session, path, expect) for _, session, method, path, _, expect, _ in pages
            if method == "GET"]
    before = worker_rss_mb(master_pid)
    lock = threading.Lock()
    issued, errors = 0, 0
    stop_at = time.perf_counter() + time_limit
    print(f"mixed load: {requests} requests ...", flush=True)

    def worker() -> None:
        nonlocal issued, errors
        conns: dict[int, http.client.HTTPConnection] = {}
        while True:
            with lock:
                if issued >= requests or time.perf_counter() > stop_at:
                    break
                n = issued
                issued += 1
            try:
                if n % 10 == 9:
                    report_first()
                    continue
                session, path, expect = gets[n % len(gets)]
                conn = conns.setdefault(id(session), http.client.HTTPConnection(
                    HOST, session.port, timeout=120))
                status, _, _ = session.request("GET", path, None, conn=conn)
                if status != expect:
                    raise RuntimeError(status)
            except Exception:  # noqa: BLE001 - counted and reported
                with lock:
                    errors += 1
        for conn in conns.values():
            conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    after = worker_rss_mb(master_pid)
    return {"requests": issued, "errors": errors, "seconds": round(time.perf_counter() - started),
            "rss_before_mb": sorted(before.values()), "rss_after_mb": sorted(after.values())}


# --- The run ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def manage(*args: str, env: dict) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, text=True,
                            capture_output=True)
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed")
    return time.perf_counter() - start, result.stdout


def wait_for(port: int, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", default=os.environ.get("BENCH_SCALE", "provincial"),
                        choices=["provincial", "national"])
    parser.add_argument("--requests", type=int, default=300, help="per page (default 300)")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--serial", type=int, default=30,
                        help="requests one at a time, for the server's own latency")
    parser.add_argument("--time-limit", type=float, default=60,
                        help="seconds per page for the concurrent pass (default 60)")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--mixed", type=int, default=5000,
                        help="mixed requests before the workers' memory is read (default 5000)")
    parser.add_argument("--mixed-time-limit", type=float, default=900,
                        help="seconds at most for the mixed requests (default 900)")
    parser.add_argument("--skip-load", action="store_true",
                        help="the database already holds the scale data")
    parser.add_argument("--output", default=str(ROOT / "var" / "bench" / "latest.json"))
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("DATABASE_URL must point at PostgreSQL (run through make bench)")

    password = os.environ.get("DEMO_PASSWORD") or "demo-pass-2024"
    env = os.environ | {
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-secret-key-0123456789abcdef-xyz",
        "CONN_MAX_AGE": "60",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "AXES_FAILURE_LIMIT": "1000",
        "LOG_LEVEL": "WARNING",
        "DEMO_PASSWORD": password,
    }
    os.environ.update({k: env[k] for k in ("DEBUG", "SECRET_KEY", "CONN_MAX_AGE",
                                           "ALLOWED_HOSTS", "AXES_FAILURE_LIMIT", "LOG_LEVEL")})
    facts = machine()
    print(f"machine: {facts['nproc']} × {facts['cpu']}, load {facts['loadavg_start']}, "
          f"calibration loop {facts['cpu_calibration_ms']} ms", flush=True)

    generation = None
    if not args.skip_load:
        seconds, _ = manage("migrate", "--no-input", "--verbosity", "0", env=env)
        print(f"migrate: {seconds:.1f} s", flush=True)
        manage("createcachetable", env=env)  # the figures cache's table
        seconds, out = manage("generate_scale_data", "--scale", args.scale, env=env)
        print(out, flush=True)
        generation = {"seconds": round(seconds, 1), "output": out}

    # Django in this process: ids to visit, and the query counts.
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform_portal.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from plans.models import Plan
    from solutions.models import Assignment
    from demo.scale import plan_title

    today = timezone.localdate()
    plan = Plan.objects.get(year=today.year, title=plan_title(today.year))
    User = get_user_model()
    leader = User.objects.get(username="scale.leader")
    staff = User.objects.get(username="scale.staff1")
    mine = (Assignment.objects.filter(task__plan=plan, unit__memberships__user=staff,
                                      completed_on__isnull=True, pending_entry__isnull=True)
            .order_by("pk"))
    to_view, to_post = mine[0], mine[1]

    port = free_port()
    gunicorn = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "reform_portal.wsgi", "--bind", f"{HOST}:{port}",
         "--workers", str(args.workers), "--log-level", "warning", "--no-control-socket"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    try:
        wait_for(port)
        leader_s, staff_s = Session(port), Session(port)
        leader_s.login("scale.leader", password)
        staff_s.login("scale.staff1", password)
        anonymous = Session(port)

        q = f"?plan={plan.pk}"
        pages = [
            ("healthz", anonymous, "GET", "/healthz", None, 200, None),
            ("dashboard (leader)", leader_s, "GET", reverse("insight:dashboard") + q, None, 200,
             leader),
            ("/my/ (staff)", staff_s, "GET", reverse("solutions:my-assignments") + q, None, 200,
             staff),
            ("task list (leader)", leader_s, "GET", reverse("solutions:task-list") + q, None,
             200, leader),
            ("ranking (leader)", leader_s, "GET", reverse("insight:unit-ranking") + q, None, 200,
             leader),
            ("heatmap (leader)", leader_s, "GET", reverse("insight:unit-heatmap") + q, None, 200,
             leader),
            ("assignment (staff)", staff_s, "GET",
             reverse("solutions:assignment-detail", args=[to_view.pk]), None, 200, staff),
        ]
        counter = iter(range(1, 10**9))

        def progress_body() -> dict:
            n = next(counter)
            return {"percent": str(1 + n % 99), "note": f"Báo cáo thử tải số {n}.",
                    "csrfmiddlewaretoken": staff_s.cookies.get("csrftoken", "")}

        pages.append(("progress POST (staff)", staff_s, "POST",
                      reverse("solutions:assignment-detail", args=[to_post.pk]), progress_body,
                      302, staff))

        def report_first() -> None:
            """A staff report before the request: the data version moves, nothing is cached."""
            status, _, _ = staff_s.request(
                "POST", reverse("solutions:assignment-detail", args=[to_post.pk]),
                progress_body())
            if status != 302:
                raise RuntimeError(f"progress POST before a cache miss: HTTP {status}")

        notes = []
        period_list = reverse("insight:period-list", args=[plan.pk])
        leader_s.request("GET", period_list)  # creates the plan's periods
        year = plan.periods.filter(kind="year").first()
        if year is None:
            notes.append("period report: the plan has no year period; skipped")
        else:
            pages += [
                ("year report (leader)", leader_s, "GET",
                 reverse("insight:period-report", args=[year.pk]), None, 200, leader),
                ("year XLSX (leader)", leader_s, "GET",
                 reverse("insight:period-report-xlsx", args=[year.pk]), None, 200, leader),
            ]
        # The first request after a write recomputes: measured apart (the rows above are the
        # cached content every later request gets until the next write). Only the dashboard's
        # is also measured with concurrent clients (each writes, then reads).
        misses = {"dashboard (leader)": ("dashboard, after a report (leader)", True),
                  "task list (leader)": ("task list, after a report (leader)", False),
                  "year report (leader)": ("year report, after a report (leader)", False),
                  "year XLSX (leader)": ("year XLSX, after a report (leader)", False)}
        after_write = {}
        for name, session, method, path, body_of, expect, user in list(pages):
            if name in misses:
                miss_name, concurrent = misses[name]
                after_write[miss_name] = concurrent
                pages.append((miss_name, session, method, path, body_of, expect, user))
        results = []
        for name, session, method, path, body_of, expect, user in pages:
            print(f"measuring {name} {method} {path} ...", flush=True)
            row = {"page": name, "method": method, "path": path}
            concurrent = after_write.get(name, True)
            row |= measure(session, method, path, body_of, expect=expect, warmup=args.warmup,
                           serial=args.serial, requests=args.requests if concurrent else 0,
                           concurrency=args.concurrency, time_limit=args.time_limit,
                           server_pids=(gunicorn.pid, postmaster_pid()),
                           before=report_first if name in after_write else None)
            row["queries"] = count_queries(Client, CaptureQueriesContext, connection, user,
                                           method, path, body_of,
                                           uncached=name in after_write)
            results.append(row)
        memory = mixed_load(pages, report_first, gunicorn.pid, requests=args.mixed,
                            concurrency=args.concurrency, time_limit=args.mixed_time_limit)
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        try:
            gunicorn.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(gunicorn.pid, signal.SIGKILL)

    facts["loadavg_end"] = _loadavg()
    report = {
        "scale": args.scale,
        "when": timezone.now().isoformat(timespec="seconds"),
        "machine": facts,
        "settings": {"workers": args.workers, "concurrency": args.concurrency,
                     "requests": args.requests, "serial": args.serial, "warmup": args.warmup,
                     "time_limit_s": args.time_limit, "conn_max_age": 60, "debug": False},
        "generation": generation,
        "counts": {
            "assignments": Assignment.objects.filter(task__plan=plan).count(),
            "units": plan_units(plan),
        },
        "results": results,
        "memory": memory,
        "notes": notes,
    }
    print_table(report)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, ensure_ascii=False, indent=2)
    out.write_text(text)
    dated = out.with_name(f"{args.scale}-{time.strftime('%Y%m%d-%H%M%S')}.json")
    dated.write_text(text)
    print(f"\nwritten: {out} (and {dated.name})")


def plan_units(plan) -> int:
    from solutions.models import Assignment

    return Assignment.objects.filter(task__plan=plan).values("unit").distinct().count()


def count_queries(Client, CaptureQueriesContext, connection, user, method, path, body_of,
                  uncached=False):
    if user is None:
        client = Client()
    else:
        client = Client()
        client.force_login(user)
    call = client.post if method == "POST" else client.get
    data = None
    if body_of:
        data = body_of()
        data.pop("csrfmiddlewaretoken", None)  # the test client skips CSRF checks
    call(path, data) if data else call(path)  # warm (first-request caches)
    if body_of:
        data = body_of()
        data.pop("csrfmiddlewaretoken", None)
    if uncached:
        from django.core.cache import cache

        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        call(path, data) if data else call(path)
    return len(queries)


def print_table(report: dict) -> None:
    m = report["machine"]
    print(f"\n{report['scale']} scale, {report['counts']['assignments']:,} assignments in the "
          f"plan; {m['nproc']} × {m['cpu']}; load {m['loadavg_start']} -> {m['loadavg_end']}; "
          f"gunicorn {report['settings']['workers']} workers, concurrency "
          f"{report['settings']['concurrency']}")
    header = (f"{'page':<38} {'cpu/req':>8} {'serial p50':>10} {'p95':>7} {'4x p50':>8} "
              f"{'p95':>8} {'rps':>6} {'err':>4} {'queries':>7} {'KB':>6}")
    print(header)
    print("-" * len(header))
    for r in report["results"]:
        def f(v):
            return "-" if v is None else f"{v:.1f}"
        kb = "-" if r["bytes"] is None else f"{r['bytes'] / 1024:.1f}"
        print(f"{r['page']:<38} {f(r.get('server_cpu_ms')):>8} {f(r['serial_p50_ms']):>10} "
              f"{f(r.get('serial_p95_ms')):>7} {f(r['p50_ms']):>8} {f(r['p95_ms']):>8} "
              f"{f(r['rps']):>6} {r['errors']:>4} {r['queries']:>7} {kb:>6}"
              + ("  (time limit)" if r["truncated_by_time"] else ""))
    print("times in ms; cpu/req = gunicorn + PostgreSQL CPU per request in the serial pass "
          "(after a report: the request's alone, the report left out); serial p50/p95 = wall "
          "time, one request at a time; 4x p50/p95/rps = with the concurrent clients above; "
          "'after a report': a progress report (untimed) before each request, so nothing "
          "cached hides the cost")
    mem = report.get("memory")
    if mem:
        print(f"worker RSS (MB): {mem['rss_before_mb']} fresh -> {mem['rss_after_mb']} after "
              f"{mem['requests']:,} mixed requests ({mem['seconds']} s, {mem['errors']} errors)")
    for note in report["notes"]:
        print("note:", note)


if __name__ == "__main__":
    main()
