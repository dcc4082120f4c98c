"""A real PostgreSQL outage under gunicorn: 503 with Retry-After, no 500, no lost report.

    make faults        (runs this inside scripts/with-postgres.sh)

Serves the portal with gunicorn (3 workers, persistent connections with health checks) on the
throwaway cluster that scripts/with-postgres.sh started, logs the demo account staff.vinh in from
three clients with real sessions and CSRF tokens, and has them post progress reports on one of
unit 16681's open assignments. After 5 s PostgreSQL is stopped (fast shutdown); 6 s later it is
started again; the clients go on for 10 s more. Then it counts the answers and checks in the
database that every acknowledged report (the 302 back to the assignment) is stored exactly once.

Loopback only; every request has a 5 s timeout and the run is bounded in time and count.
Exit status 1 if a request got a 500, a 503 came without Retry-After, an acknowledged report is
missing or stored twice, or no report succeeded after the restart.
"""

import http.client
import http.cookiejar
import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
USERNAME = "staff.vinh"
UNIT_CODE = "16681"
WORKERS = 3
CLIENTS = 3
BEFORE_STOP = 5.0  # seconds of normal service first
OUTAGE = 6.0  # PostgreSQL down, from the end of the stop to the start
AFTER_START = 10.0  # seconds of posting once PostgreSQL accepts connections again
REQUEST_TIMEOUT = 5.0
PAUSE = 0.05  # between one client's requests
MAX_REQUESTS_PER_CLIENT = 1000
HARD_LIMIT = BEFORE_STOP + OUTAGE + AFTER_START + 60  # if pg_ctl misbehaves


# --- PostgreSQL, as scripts/with-postgres.sh runs it -----------------------------------------


def pg_ctl(*args: str) -> None:
    data = os.environ["PGDATA_DIR"]
    cmd = [str(Path(os.environ["PG_BIN_DIR"]) / "pg_ctl"), "-D", data, *args]
    if os.geteuid() == 0:  # PostgreSQL refuses root: the cluster belongs to `postgres`
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    # The cluster's directory, which the postgres user can read (it cannot read /root).
    subprocess.run(cmd, cwd=Path(data).parent, check=True, capture_output=True, timeout=60)


def server_options() -> str:
    """The options the server was started with (port, socket dir, fsync...), minus -D.

    Read from postmaster.opts, so a restart matches scripts/with-postgres.sh whatever it passes.
    """
    argv = shlex.split((Path(os.environ["PGDATA_DIR"]) / "postmaster.opts").read_text())
    options, args = [], iter(argv[1:])
    for arg in args:
        if arg == "-D":
            next(args)
        else:
            options.append(arg)
    return shlex.join(options)


def stop_postgres() -> None:
    pg_ctl("-m", "fast", "-w", "stop")


def start_postgres(options: str) -> None:
    log = Path(os.environ["PGDATA_DIR"]).parent / "log"
    pg_ctl("-l", str(log), "-w", "-o", options, "start")


# --- HTTP client ------------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """A 302 is the answer we count, not something to follow."""

    def redirect_request(self, *args, **kwargs):
        return None


class NoFlashMessages(http.cookiejar.DefaultCookiePolicy):
    """These clients never open the page that shows "report recorded": without this, the
    messages cookie (then the session) would grow by one message per report."""

    def set_ok(self, cookie, request):
        return cookie.name != "messages" and super().set_ok(cookie, request)


@dataclass
class Answer:
    status: int | None  # None: no HTTP answer (timeout, connection refused or reset)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str = ""


class Session:
    def __init__(self, base: str):
        self.base = base
        jar = http.cookiejar.CookieJar(policy=NoFlashMessages())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), NoRedirect
        )

    def send(self, path: str, data: dict[str, str] | None = None) -> Answer:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                return Answer(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            with error:
                return Answer(error.code, dict(error.headers), error.read())
        except urllib.error.URLError as error:
            reason = error.reason
            kind = "timeout" if isinstance(reason, TimeoutError) else type(reason).__name__
            return Answer(None, error=kind)
        except (TimeoutError, OSError, http.client.HTTPException) as error:
            return Answer(None, error="timeout" if isinstance(error, TimeoutError)
                          else type(error).__name__)

    def csrf_token(self, path: str) -> str:
        answer = self.send(path)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', answer.body)
        if answer.status != 200 or not match:
            raise SystemExit(f"GET {path}: {answer.status} {answer.error}, no CSRF token")
        return match.group(1).decode()

    def log_in(self, username: str, password: str) -> None:
        token = self.csrf_token("/accounts/login/")
        answer = self.send(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
        )
        if answer.status != 302:
            raise SystemExit(f"Logging in as {username}: {answer.status} {answer.error}")


# --- The run ----------------------------------------------------------------------------------


@dataclass
class Report:
    note: str
    sent: float
    answered: float
    answer: Answer
    acknowledged: bool


@dataclass
class Timeline:
    begin: float = 0.0
    stop_issued: float | None = None
    stopped: float | None = None
    start_issued: float | None = None
    ready: float | None = None
    failure: str = ""

    def end(self) -> float:
        if self.ready is not None:
            return self.ready + AFTER_START
        return self.begin + HARD_LIMIT


def control_postgres(timeline: Timeline, options: str, done: threading.Event) -> None:
    try:
        time.sleep(max(0.0, timeline.begin + BEFORE_STOP - time.monotonic()))
        timeline.stop_issued = time.monotonic()
        stop_postgres()
        timeline.stopped = time.monotonic()
        time.sleep(OUTAGE)
        timeline.start_issued = time.monotonic()
        start_postgres(options)
        timeline.ready = time.monotonic()
    except Exception as error:  # reported, and the run fails
        detail = getattr(error, "stderr", b"") or b""
        timeline.failure = f"{error} {detail.decode(errors='replace')}".strip()
    finally:
        done.set()


def post_reports(session: Session, client: int, url: str, token: str, percent: int,
                 run_id: str, timeline: Timeline, reports: list[Report]) -> None:
    for n in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= timeline.end():
            return
        note = f"fault-run {run_id} c{client} #{n}"
        sent = time.monotonic()
        answer = session.send(url, {"csrfmiddlewaretoken": token, "percent": str(percent),
                                    "note": note})
        acknowledged = answer.status == 302 and answer.headers.get("Location", "").endswith(
            f"{url}#history"
        )
        reports.append(Report(note, sent, time.monotonic(), answer, acknowledged))
        time.sleep(PAUSE)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_until_serving(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited ({server.returncode}):\n{log.read_text()[-3000:]}")
        if Session(base).send("/healthz").status == 200:
            return
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer /healthz within 30 s:\n{log.read_text()[-3000:]}")


def manage(*args: str) -> None:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR,
                            capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")


def main() -> int:
    missing = [n for n in ("DATABASE_URL", "PGDATA_DIR", "PG_BIN_DIR") if not os.environ.get(n)]
    if missing:
        print(f"Missing {', '.join(missing)}: run `make faults` "
              "(or scripts/with-postgres.sh python scripts/faults.py).", file=sys.stderr)
        return 2
    host = urllib.parse.urlsplit(os.environ["DATABASE_URL"]).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"Refusing to stop a database on {host}: loopback only.", file=sys.stderr)
        return 2

    workdir = Path(tempfile.mkdtemp(prefix="portal-faults."))
    # Production-like: DEBUG off (so handler500 runs), persistent connections with health checks.
    os.environ.update(
        DEBUG="false",
        CONN_MAX_AGE="60",
        STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        ALLOWED_HOSTS=HOST,
        DJANGO_SETTINGS_MODULE="reform_portal.settings",
    )
    os.environ.setdefault("SECRET_KEY", "faults-" + secrets.token_urlsafe(40))
    password = os.environ.get("DEMO_PASSWORD") or "demo-pass-2024"
    options = server_options()

    print("Preparing: migrate, load_demo, collectstatic ...", flush=True)
    manage("migrate", "--no-input")
    manage("load_demo")
    manage("collectstatic", "--no-input", "--verbosity", "0")

    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.db import connections

    from solutions.models import Assignment, ProgressEntry

    assignment = (
        Assignment.objects.filter(unit__code=UNIT_CODE, completed_on__isnull=True)
        .order_by("-task__plan__year", "pk")
        .first()
    )
    if assignment is None:
        print(f"No open assignment for unit {UNIT_CODE} in the demo data.", file=sys.stderr)
        return 2
    url = assignment.get_absolute_url()
    # Below 100, so the assignment stays open (100 would wait for a coordinator's verification).
    percent = min(max(assignment.latest_percent or 0, 1), 99)
    connections.close_all()  # this process's connection would not survive the stop

    port = free_port()
    base = f"http://{HOST}:{port}"
    log = workdir / "gunicorn.log"
    run_id = uuid.uuid4().hex[:12]
    server = None
    ok = False
    try:
        with log.open("wb") as log_file:
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "reform_portal.wsgi",
                 "--bind", f"{HOST}:{port}", "--workers", str(WORKERS), "--timeout", "30", "--no-control-socket",
                 "--access-logfile", "-"],
                cwd=BASE_DIR, stdout=log_file, stderr=subprocess.STDOUT,
            )
        wait_until_serving(base, server, log)

        clients = []
        for _ in range(CLIENTS):
            session = Session(base)
            session.log_in(USERNAME, password)
            clients.append((session, session.csrf_token(url)))
        print(f"Serving on {base} (gunicorn, {WORKERS} workers); {CLIENTS} clients logged in as "
              f"{USERNAME}, reporting {percent}% on {url} (unit {UNIT_CODE})", flush=True)
        print(f"Run {run_id}: stop PostgreSQL after {BEFORE_STOP:.0f} s, start it {OUTAGE:.0f} s "
              f"later, go on {AFTER_START:.0f} s ...", flush=True)

        timeline = Timeline(begin=time.monotonic())
        pg_done = threading.Event()
        threading.Thread(target=control_postgres, args=(timeline, options, pg_done),
                         daemon=True).start()
        per_client: list[list[Report]] = [[] for _ in clients]
        threads = [
            threading.Thread(target=post_reports, daemon=True,
                             args=(session, i, url, token, percent, run_id, timeline,
                                   per_client[i]))
            for i, (session, token) in enumerate(clients)
        ]
        for thread in threads:
            thread.start()

        # Mid-outage: what a monitor and a logged-in page see.
        while timeline.stopped is None and not pg_done.is_set():
            time.sleep(0.05)
        time.sleep(OUTAGE / 2)
        probes = {}
        if timeline.stopped is not None and timeline.start_issued is None:
            probes["GET /healthz during the outage"] = Session(base).send("/healthz")
            probes["GET /my/ during the outage"] = clients[0][0].send("/my/")

        for thread in threads:
            thread.join(timeout=HARD_LIMIT)
        pg_done.wait(timeout=60)
        probes["GET /healthz afterwards"] = Session(base).send("/healthz")

        reports = [r for rs in per_client for r in rs]
        connections.close_all()
        stored = Counter(
            ProgressEntry.objects.filter(note__startswith=f"fault-run {run_id} ")
            .values_list("note", flat=True)
        )
        ok = summarise(reports, stored, timeline, probes, log)
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if ok:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"Kept for inspection: {log}", file=sys.stderr)
    return 0 if ok else 1


def summarise(reports: list[Report], stored: Counter, timeline: Timeline,
              probes: dict[str, Answer], log: Path) -> bool:
    def phase(report: Report) -> str:
        # A request that overlaps the outage window at all counts in it.
        if timeline.stop_issued is None or report.answered < timeline.stop_issued:
            return "before the stop"
        if timeline.ready is None or report.sent < timeline.ready:
            return "outage (stop .. ready)"
        return "after the restart"

    phases = ["before the stop", "outage (stop .. ready)", "after the restart"]
    rows = {name: Counter() for name in [*phases, "total"]}
    others: Counter = Counter()
    errors: Counter = Counter()
    for report in reports:
        status = report.answer.status
        if report.acknowledged:
            column = "ack"
        elif status in (503, 500):
            column = str(status)
        elif status is None:
            column = "none"
            errors[report.answer.error] += 1
        else:
            column = "other"
            others[status] += 1
        for row in (phase(report), "total"):
            rows[row]["requests"] += 1
            rows[row][column] += 1

    unavailable = [r for r in reports if r.answer.status == 503]
    with_retry_after = [r for r in unavailable if r.answer.headers.get("Retry-After")]
    acknowledged = {r.note for r in reports if r.acknowledged}
    missing = sorted(n for n in acknowledged if stored[n] == 0)
    twice = sorted(n for n, count in stored.items() if count > 1)
    unacknowledged = sorted(n for n in stored if n not in acknowledged)
    first_after = min((r.answered for r in reports if r.acknowledged and timeline.start_issued
                       and r.sent >= timeline.start_issued), default=None)
    server_log = log.read_text(errors="replace")

    print()
    print(f"{'phase':<24}{'requests':>9}{'ack (302)':>11}{'503':>6}{'500':>6}"
          f"{'other':>7}{'no answer':>11}")
    for name, row in rows.items():
        if name == "total":
            print("-" * 74)
        print(f"{name:<24}{row['requests']:>9}{row['ack']:>11}{row['503']:>6}{row['500']:>6}"
              f"{row['other']:>7}{row['none']:>11}")
    print()
    lines = [
        ("503 answers with Retry-After", f"{len(with_retry_after)} of {len(unavailable)}"),
        ("500 answers (must be 0)", rows["total"]["500"]),
        ("other statuses", dict(others) or "none"),
        ("no answer (timeouts, connection errors)", dict(errors) or "none"),
        ("acknowledged reports", len(acknowledged)),
        ("acknowledged reports missing from the DB (must be 0)", len(missing)),
        ("acknowledged reports stored twice (must be 0)", len(twice)),
        ("reports stored though the client got no 302", len(unacknowledged)),
    ]
    if timeline.stopped is not None:
        lines.append(("pg_ctl stop -m fast took",
                      f"{timeline.stopped - timeline.stop_issued:.2f} s"))
    if timeline.ready is not None:
        lines.append(("pg_ctl start took (until it accepts connections)",
                      f"{timeline.ready - timeline.start_issued:.2f} s"))
    lines.append((
        "PostgreSQL ready -> first acknowledged report",
        f"{first_after - timeline.ready:.2f} s" if first_after and timeline.ready else "never",
    ))
    for name, answer in probes.items():
        shown = [str(answer.status or answer.error)]
        if answer.headers.get("Content-Type", "").startswith("text/plain"):
            shown.append(repr(answer.body[:40].decode(errors="replace")))
        if answer.headers.get("Retry-After"):
            shown.append(f"Retry-After: {answer.headers['Retry-After']}")
        lines.append((name, " ".join(shown)))
    lines.append(("server log: 'Service Unavailable' / 'Internal Server Error'",
                  f"{server_log.count('Service Unavailable:')} / "
                  f"{server_log.count('Internal Server Error:')}"))
    width = max(len(name) for name, _ in lines)
    for name, value in lines:
        print(f"{name:<{width}}  {value}")

    problems = []
    if timeline.failure:
        problems.append(f"pg_ctl failed: {timeline.failure}")
    if rows["total"]["500"]:
        problems.append(f"{rows['total']['500']} answers were 500")
    if len(with_retry_after) != len(unavailable):
        problems.append(f"{len(unavailable) - len(with_retry_after)} 503s lacked Retry-After")
    if missing:
        problems.append(f"acknowledged but not stored: {missing[:5]}")
    if twice:
        problems.append(f"stored twice: {twice[:5]}")
    if first_after is None:
        problems.append("no report succeeded after PostgreSQL was started again")
    if not rows["outage (stop .. ready)"]["503"]:
        problems.append("no request met the outage (nothing was tested)")
    print()
    if problems:
        for problem in problems:
            print(f"FAIL: {problem}")
        return False
    print("PASS: the outage cost 503s with Retry-After, no 500, no acknowledged report lost; "
          "the portal recovered by itself.")
    return True


if __name__ == "__main__":
    sys.exit(main())
