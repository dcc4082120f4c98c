"""Synthetic data at a given scale, for load tests: `manage.py generate_scale_data`.

One plan ("Kế hoạch CCHC (dữ liệu thử tải) năm YEAR") with its areas 0..6 and solutions 1..10,
units coded "SCALE-nnnnn" (mixed kinds, reused by later runs: units outlive plans), a few accounts
(scale.leader, scale.coordinator, one scale.staffN per 100 units, each a member of two units),
tasks, assignments and progress entries, written in bulk:

- on PostgreSQL the big tables (assignments, progress entries) go through COPY (psycopg 3's
  cursor.copy); elsewhere (the newcomer's SQLite) through bulk_create, which is slower but works;
- no django-simple-history rows are written for synthetic units, memberships, tasks or
  assignments (bulk writes skip the signals), and no Verification rows for completed ones:
  nothing on the dashboard or the lists reads them;
- every assignment's latest fields are those record_progress() and verify_completion() would
  have left: latest percent and report time of the newest entry; completed_on is the local date
  of the first (only) 100% entry; an assignment awaiting verification points at its 100% entry
  (pending_entry), set by one UPDATE once the entries exist (on PostgreSQL entries can never be
  updated or deleted, so they are written once, complete).

Deadlines and reports are placed relative to today (tasks assigned 60 to 300 days ago, due
dates before, within DUE_SOON_DAYS of and after today, some ongoing: judged at the plan's end),
so the dashboard shows every class: done on time, done late, overdue, due soon, in progress,
awaiting verification (in time and late), stale, never reported, extended deadlines. The plan
itself runs over its calendar year; with --plan-year other than the current year the classes
follow from that (for a past year, ongoing tasks are overdue).
"""

import datetime
import math
import random
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.db.models import NOT_PROVIDED, OuterRef, Subquery
from django.utils import timezone

from demo.loader import AREAS, DEFAULT_PASSWORD, SOLUTIONS
from plans.models import Plan, ReformArea
from solutions.models import Assignment, DeadlineExtension, ProgressEntry, Solution, Task
from units.access import COORDINATORS_GROUP, LEADERS_GROUP
from units.models import Membership, Unit

UNIT_PREFIX = "SCALE-"
UNITS_PER_STAFF = 100


@dataclass(frozen=True)
class Sizes:
    units: int
    tasks: int
    assignments: int
    entries: int


SCALES = {
    "provincial": Sizes(units=150, tasks=500, assignments=10_000, entries=100_000),
    "national": Sizes(units=3_000, tasks=2_000, assignments=100_000, entries=1_000_000),
}


def plan_title(year: int) -> str:
    return f"Kế hoạch CCHC (dữ liệu thử tải) năm {year}"


# --- Outcomes ------------------------------------------------------------------------------------
# What happens to an assignment. The class the portal shows follows from it (with_timeliness()).
ON_TIME = "on_time"  # done, its one 100% report on or before the due date
LATE = "late"  # done, the 100% report after the due date
AWAITING = "awaiting"  # 100% reported in time, waiting for a coordinator (in progress)
AWAITING_LATE = "awaiting_late"  # 100% reported after the due date (overdue while it waits)
OPEN = "open"  # not done: overdue, due soon or in progress, depending on the due date
DONE = (ON_TIME, LATE)

# Task deadline kinds, and the share of tasks of each.
PAST, SOON, LATER, ONGOING = "past", "soon", "later", "ongoing"
TASK_MIX = {PAST: 0.55, SOON: 0.05, LATER: 0.25, ONGOING: 0.15}
# Outcomes of the assignments of each kind of task.
OUTCOME_MIX = {
    PAST: {ON_TIME: 0.66, LATE: 0.14, OPEN: 0.15, AWAITING: 0.04, AWAITING_LATE: 0.01},
    SOON: {ON_TIME: 0.25, AWAITING: 0.10, OPEN: 0.65},
    LATER: {ON_TIME: 0.12, AWAITING: 0.05, OPEN: 0.83},
    ONGOING: {ON_TIME: 0.12, AWAITING: 0.05, OPEN: 0.83},
}
STALE_SHARE = 0.20  # of the open assignments: no report for over STALE_DAYS ...
NEVER_SHARE = 0.33  # ... and of those, never any report
EXTENDED_SHARE = 0.05  # of the open assignments with a date: the deadline was extended once
BROADCAST_SHARE = 0.25  # of the tasks: given to many localities at once, each a lead
UNIT_KINDS = {
    Unit.Kind.PROVINCIAL: 0.15, Unit.Kind.DISTRICT: 0.10, Unit.Kind.COMMUNE: 0.70,
    Unit.Kind.OTHER: 0.05,
}
KIND_NAMES = {
    Unit.Kind.PROVINCIAL: ("Sở thử tải", "STT"),
    Unit.Kind.DISTRICT: ("Huyện thử tải", "HTT"),
    Unit.Kind.COMMUNE: ("Xã thử tải", "XTT"),
    Unit.Kind.OTHER: ("Ban thử tải", "BTT"),
}

THEMES = [
    "Rà soát, đơn giản hóa thủ tục hành chính", "Số hóa hồ sơ, kết quả giải quyết TTHC",
    "Cung cấp dịch vụ công trực tuyến toàn trình", "Thanh toán trực tuyến phí, lệ phí",
    "Kiểm tra công tác cải cách hành chính", "Tuyên truyền cải cách hành chính",
    "Đo lường sự hài lòng của người dân, tổ chức", "Sắp xếp tổ chức bộ máy",
    "Đánh giá, xếp loại cán bộ, công chức", "Công khai dự toán ngân sách",
    "Triển khai Đề án 06", "Bảo đảm an toàn thông tin", "Rà soát văn bản quy phạm pháp luật",
    "Đào tạo, bồi dưỡng cán bộ, công chức", "Vận hành Bộ phận Một cửa",
]
OUTPUTS = ["Báo cáo kết quả", "Kế hoạch triển khai", "Quyết định ban hành",
           "Hệ thống vận hành", "Văn bản hướng dẫn"]
NOTES = {
    "start": ["Đã ban hành văn bản triển khai, phân công cán bộ đầu mối.",
              "Đã xây dựng kế hoạch chi tiết; đang thu thập số liệu."],
    "middle": ["Đã hoàn thành dự thảo, đang lấy ý kiến các đơn vị liên quan.",
               "Đã tổng hợp số liệu; đang xây dựng báo cáo."],
    "end": ["Đã trình lãnh đạo xem xét, dự kiến ban hành trong tháng.",
            "Cơ bản hoàn thành; đang hoàn thiện tài liệu kiểm chứng."],
    "stuck": ["Chậm tiến độ do chờ ý kiến của các cơ quan liên quan.",
              "Chậm tiến độ do thay đổi nhân sự phụ trách; đang khẩn trương hoàn thiện."],
    "done": ["Đã hoàn thành; đã cập nhật tài liệu kiểm chứng lên hệ thống.",
             "Hoàn thành nhiệm vụ và báo cáo kết quả."],
    "late": ["Hoàn thành chậm so với thời hạn do phải chờ ý kiến góp ý."],
}


# --- The plan of the data, in memory ------------------------------------------------------


@dataclass
class UnitSpec:
    code: str
    kind: str
    name: str
    short_name: str
    parent_code: str | None = None


@dataclass
class TaskSpec:
    code: str
    area: int
    solution: int | None
    title: str
    output: str
    due: datetime.date | None
    due_kind: str
    created_at: datetime.datetime
    broadcast: bool


@dataclass
class AssignmentSpec:
    """One assignment and what its history will be (entries are generated when written)."""

    task: int  # index into tasks
    unit: int  # index into units
    role: str
    due: datetime.date | None
    original_due: datetime.date | None
    outcome: str
    stale: bool = False
    never: bool = False  # no report at all
    entries: int = 0
    final: int = 0  # latest percent
    last_at: datetime.datetime | None = None  # latest report time
    extended_at: datetime.datetime | None = None


@dataclass
class Blueprint:
    sizes: Sizes
    today: datetime.date
    units: list[UnitSpec]
    tasks: list[TaskSpec]
    assignments: list[AssignmentSpec]
    staff: list[tuple[str, list[int]]]  # (username, unit indexes of its memberships)
    mix: dict[str, int] = field(default_factory=dict)


def quota(n: int, shares: dict[str, float], rng: random.Random) -> list[str]:
    """n labels in these shares (largest remainder; each once at least if n allows), shuffled."""
    labels = list(shares)
    total = sum(shares.values())
    raw = {k: n * v / total for k, v in shares.items()}
    counts = {k: int(raw[k]) for k in labels}
    if n >= len(labels):
        for k in labels:
            counts[k] = max(counts[k], 1)
    while sum(counts.values()) > n:  # the minimums overshot: take from the biggest
        counts[max(labels, key=lambda k: counts[k])] -= 1
    for k in sorted(labels, key=lambda k: raw[k] - int(raw[k]), reverse=True):
        if sum(counts.values()) >= n:
            break
        counts[k] += 1
    while sum(counts.values()) < n:
        counts[max(labels, key=lambda k: raw[k])] += 1
    result = [k for k in labels for _ in range(counts[k])]
    rng.shuffle(result)
    return result


def apportion(total: int, weights: list[float], low: int, high: int) -> list[int]:
    """Integers proportional to weights, each in [low, high], summing to total."""
    n = len(weights)
    if not low * n <= total <= high * n:
        raise ValueError(f"cannot split {total} into {n} parts of {low}..{high}")
    result = [low] * n
    free = list(range(n))
    left = total - low * n
    while left > 0 and free:
        w = sum(weights[i] for i in free) or len(free)
        shares = {i: left * (weights[i] or 1) / w for i in free}
        step = 0
        for i in free:
            add = min(int(shares[i]), high - result[i])
            result[i] += add
            step += add
        left -= step
        if step == 0:  # fractions only: one each to the biggest remainders
            for i in sorted(free, key=lambda i: shares[i], reverse=True)[:left]:
                result[i] += 1
            left = total - sum(result)
        free = [i for i in free if result[i] < high]
    return result


def _month_end(day: datetime.date) -> datetime.date:
    next_month = day.replace(day=28) + datetime.timedelta(days=4)
    return next_month - datetime.timedelta(days=next_month.day)


def _local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def blueprint(sizes: Sizes, *, seed: int, plan_year: int,
              today: datetime.date | None = None) -> Blueprint:
    """Everything but the entries themselves, decided in memory from the seed."""
    if min(sizes.units, sizes.tasks, sizes.assignments) < 1 or sizes.entries < 0:
        raise ValueError("Units, tasks and assignments must be at least 1, entries at least 0.")
    if sizes.assignments > sizes.tasks * sizes.units:
        raise ValueError(
            f"{sizes.assignments} assignments do not fit {sizes.tasks} tasks × {sizes.units} "
            "units (one assignment per task and unit)."
        )
    if sizes.assignments < sizes.tasks:
        raise ValueError("Every task needs an assignment: give at least as many assignments "
                         "as tasks.")
    today = today or timezone.localdate()
    rng = random.Random(seed)
    soon_days, stale_days = settings.DUE_SOON_DAYS, settings.STALE_DAYS
    plan_end = datetime.date(plan_year, 12, 31)

    # Units: the same codes, kinds and names whatever the seed, so later runs reuse them.
    unit_rng = random.Random("scale-units")
    kinds = quota(sizes.units, UNIT_KINDS, unit_rng)
    numbers = {kind: 0 for kind in UNIT_KINDS}
    units = []
    for i, kind in enumerate(kinds, start=1):
        numbers[kind] += 1
        name, short = KIND_NAMES[kind]
        n = numbers[kind]
        units.append(UnitSpec(code=f"{UNIT_PREFIX}{i:05d}", kind=kind, name=f"{name} {n}",
                              short_name=f"{short} {n}"))
    districts = [u.code for u in units if u.kind == Unit.Kind.DISTRICT]
    for n, unit in enumerate(u for u in units if u.kind == Unit.Kind.COMMUNE):
        if districts:
            unit.parent_code = districts[n % len(districts)]
    by_kind = {kind: [i for i, u in enumerate(units) if u.kind == kind] for kind in UNIT_KINDS}
    provincial = by_kind[Unit.Kind.PROVINCIAL] or list(range(len(units)))
    localities = by_kind[Unit.Kind.DISTRICT] + by_kind[Unit.Kind.COMMUNE]
    # A few agencies lead most tasks (Zipf-like weights).
    lead_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(provincial))]

    # Tasks: a deadline kind each, assigned between 300 and 60 days ago.
    newest = today - datetime.timedelta(days=max(60, stale_days + 30))
    oldest = min(newest, today - datetime.timedelta(days=300))
    due_kinds = quota(sizes.tasks, TASK_MIX, rng)
    per_area: dict[int, int] = {}
    tasks = []
    for n, due_kind in enumerate(due_kinds):
        created = oldest + datetime.timedelta(days=rng.randint(0, (newest - oldest).days))
        if due_kind == PAST:
            first, last = created + datetime.timedelta(days=20), today - datetime.timedelta(days=2)
            due = first + datetime.timedelta(days=rng.randint(0, max(0, (last - first).days)))
            due = min(due, last)
            if rng.random() < 0.5 and first <= _month_end(due) <= last:
                due = _month_end(due)
            created = min(created, due - datetime.timedelta(days=20))
        elif due_kind == SOON:
            due = today + datetime.timedelta(days=rng.randint(0, soon_days))
        elif due_kind == LATER:
            due = _month_end(today + datetime.timedelta(days=rng.randint(soon_days + 1,
                                                                         soon_days + 200)))
        else:
            due = None
        area = rng.choices(range(7), weights=[3, 2, 3, 1, 1, 1, 3])[0]
        per_area[area] = per_area.get(area, 0) + 1
        theme = THEMES[n % len(THEMES)]
        tasks.append(TaskSpec(
            code=f"{area}.{per_area[area]}", area=area,
            solution=None if rng.random() < 0.2 else rng.randint(1, 10),
            title=f"{theme} (nhiệm vụ thử tải {n + 1})",
            output=f"{rng.choice(OUTPUTS)} về {theme.lower()}", due=due, due_kind=due_kind,
            created_at=_local(created, 8), broadcast=rng.random() < BROADCAST_SHARE,
        ))

    # How many units each task goes to: a few for most, many localities for the broadcast ones.
    weights = [rng.uniform(20, 60) if t.broadcast else rng.uniform(1, 5) for t in tasks]
    sizes_per_task = apportion(sizes.assignments, weights, 1, len(units))
    assignments: list[AssignmentSpec] = []
    for t, (task, size) in enumerate(zip(tasks, sizes_per_task, strict=True)):
        lead = provincial[rng.choices(range(len(provincial)), weights=lead_weights)[0]]
        chosen = [lead]
        if task.broadcast and size > 1:
            pool = [i for i in localities if i != lead]
            picked = rng.sample(pool, min(size - 1, len(pool)))
            chosen += picked
        if len(chosen) < size:
            taken = set(chosen)
            rest = [i for i in range(len(units)) if i not in taken]
            chosen += rng.sample(rest, size - len(chosen))
        leads = 1 + (rng.random() < 0.15)
        for k, unit in enumerate(chosen):
            role = (Assignment.Role.LEAD.value if task.broadcast or k < leads
                    else Assignment.Role.SUPPORT.value)
            assignments.append(AssignmentSpec(task=t, unit=unit, role=role, due=task.due,
                                              original_due=task.due, outcome=OPEN))

    # Outcomes in the shares of each kind of task.
    for due_kind, mix in OUTCOME_MIX.items():
        group = [a for a in assignments if tasks[a.task].due_kind == due_kind]
        for a, outcome in zip(group, quota(len(group), mix, rng), strict=True):
            a.outcome = outcome
    if sizes.assignments >= 8 and not any(a.outcome == LATE for a in assignments):
        # Tiny plans: make sure "done late" exists (it needs a due date in the past).
        past = [a for a in assignments if tasks[a.task].due_kind == PAST and a.outcome == ON_TIME]
        if past:
            past[0].outcome = LATE
    open_ = [a for a in assignments if a.outcome == OPEN]
    stale_flags = quota(len(open_), {"stale": STALE_SHARE, "fresh": 1 - STALE_SHARE}, rng)
    for a, flag in zip(open_, stale_flags, strict=True):
        a.stale = flag == "stale"
    stale = [a for a in open_ if a.stale]
    for a in rng.sample(stale, max(1, round(len(stale) * NEVER_SHARE)) if stale else 0):
        a.never = True

    # Entries: one at least for every reported assignment, the rest spread with some jitter.
    reported = [a for a in assignments if not a.never]
    if sizes.entries < len(reported):
        raise ValueError(
            f"{sizes.entries} entries are too few: {len(reported)} of the {sizes.assignments} "
            "assignments have at least one report. Give more entries or fewer assignments."
        )
    bias = {ON_TIME: 1.2, LATE: 1.4, AWAITING: 1.2, AWAITING_LATE: 1.3, OPEN: 0.8}
    extra_weights = [bias[a.outcome] * rng.uniform(0.3, 1.7) for a in reported]
    extra = apportion(sizes.entries - len(reported), extra_weights, 0,
                      sizes.entries) if reported else []
    for a, more in zip(reported, extra, strict=True):
        a.entries = 1 + more

    # Some deadlines were extended once (open assignments with a date, still reporting).
    candidates = [a for a in open_ if a.due is not None and not a.stale]
    extended = set(map(id, rng.sample(candidates, max(1, round(len(candidates) * EXTENDED_SHARE))
                                      if candidates else 0)))

    # The newest report of each: its day, percent and time.
    yesterday = today - datetime.timedelta(days=1)
    fresh_from = today - datetime.timedelta(days=max(1, min(25, stale_days - 2)))
    day_ = datetime.timedelta(days=1)

    def before(last: datetime.date, first: datetime.date, at_most: int) -> datetime.date:
        """A day up to `at_most` days before `last`, not before `first` if there is room."""
        return last - day_ * rng.randint(0, max(0, min(at_most, (last - first).days)))

    def after(first: datetime.date, at_most: int) -> datetime.date:
        """A day 1 to `at_most` days after `first`, up to yesterday."""
        return first + day_ * rng.randint(1, max(1, min(at_most, (yesterday - first).days)))

    for a in assignments:
        task = tasks[a.task]
        start = timezone.localdate(task.created_at) + day_
        due = a.due or plan_end
        if a.outcome in (ON_TIME, AWAITING):
            day = before(min(due, yesterday), start, 40 if a.outcome == ON_TIME else 20)
            a.final = 100
        elif a.outcome in (LATE, AWAITING_LATE):
            day = after(due, 45 if a.outcome == LATE else 20)
            a.final = 100
        else:
            if a.stale:
                day = today - day_ * (stale_days + rng.randint(1, 60))
            else:
                day = today - day_ * rng.randint(1, max(1, (today - fresh_from).days))
            if due < today:
                a.final = rng.choice([30, 40, 50, 60, 70, 80, 90])
            elif due <= today + datetime.timedelta(days=soon_days):
                a.final = rng.choice([50, 60, 70, 80, 90])
            else:
                a.final = rng.choice([10, 20, 30, 40, 50, 60, 70, 80])
        day = max(day, start)
        if id(a) in extended:
            a.original_due = a.due - datetime.timedelta(days=rng.randint(10, 45))
        if a.entries:
            a.last_at = _local(day, rng.randint(8, 16), rng.randint(0, 59))
        else:
            a.final = 0
        if a.original_due != a.due:
            decided = min(_local(a.original_due, 9), timezone.now() - datetime.timedelta(hours=1))
            a.extended_at = max(decided, task.created_at + datetime.timedelta(hours=1))

    # Staff: one per 100 units, a member of two units of its block (an agency and a locality).
    staff = []
    for k in range(math.ceil(len(units) / UNITS_PER_STAFF)):
        block = range(k * UNITS_PER_STAFF, min(len(units), (k + 1) * UNITS_PER_STAFF))
        agency = next((i for i in block if units[i].kind == Unit.Kind.PROVINCIAL), block[0])
        locality = next((i for i in block if units[i].kind == Unit.Kind.COMMUNE and i != agency),
                        None)
        staff.append((f"scale.staff{k + 1}", [agency] + ([locality] if locality is not None
                                                          else [])))

    mix: dict[str, int] = {}
    for a in assignments:
        key = a.outcome + ("/stale" if a.stale else "") + ("/never" if not a.entries else "")
        mix[key] = mix.get(key, 0) + 1
    return Blueprint(sizes=sizes, today=today, units=units, tasks=tasks,
                     assignments=assignments, staff=staff, mix=dict(sorted(mix.items())))


# --- Writing -------------------------------------------------------------------------------


def _stage(percent: int) -> str:
    return "start" if percent <= 30 else "middle" if percent <= 70 else "end"


def entry_rows(bp: Blueprint, assignment_ids: list[int], reporters: list[int],
               seed: int) -> Iterator[tuple]:
    """(assignment_id, percent, note, reported_by_id, reported_at), oldest first per assignment.

    Strictly increasing times; percents rising to the assignment's final one; a 100% entry only
    last (so the first 100% entry is the newest, and completed_on is its local date).
    """
    rng = random.Random(f"{seed}/entries")
    minute = datetime.timedelta(minutes=1)
    for a, pk in zip(bp.assignments, assignment_ids, strict=True):
        n = a.entries
        if not n:
            continue
        reporter = reporters[a.unit // UNITS_PER_STAFF]
        last = a.last_at
        created = bp.tasks[a.task].created_at
        if a.outcome in DONE:
            final_note = rng.choice(NOTES["late" if a.outcome == LATE else "done"])
        elif a.outcome in (AWAITING, AWAITING_LATE):
            final_note = rng.choice(NOTES["done"])
        elif a.stale or (a.due is not None and a.due < bp.today):
            final_note = rng.choice(NOTES["stuck"])
        else:
            final_note = rng.choice(NOTES[_stage(a.final)])
        if n > 1:
            first = created + datetime.timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 8))
            first = max(created + minute, min(first, last - n * minute))
            step = (last - first) / (n - 1)
            for i in range(n - 1):
                percent = a.final * (i + 1) // n // 5 * 5
                moment = first + step * i + step * (rng.random() * 0.6 - 0.3) * (i > 0)
                yield (pk, percent, rng.choice(NOTES[_stage(percent)]), reporter, moment)
        yield (pk, a.final, final_note, reporter, last)


def _insert_fields(model: type[models.Model], columns: list[str]):
    """The model's other columns and the constant each gets (its default), for a bulk write."""
    extra = [
        f for f in model._meta.concrete_fields
        if f.attname not in columns and not f.primary_key and f.db_default is NOT_PROVIDED
    ]
    return [f.attname for f in extra], tuple(f.get_default() for f in extra)


def write_rows(model: type[models.Model], columns: list[str], rows: Iterable[tuple],
               batch_size: int = 2000) -> int:
    """Insert rows (tuples in `columns` order): COPY on PostgreSQL, bulk_create elsewhere."""
    extra_columns, extra_values = _insert_fields(model, columns)
    all_columns = columns + extra_columns
    count = 0
    if connection.vendor == "postgresql":
        quoted = ", ".join(connection.ops.quote_name(c) for c in all_columns)
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY {model._meta.db_table} ({quoted}) FROM STDIN") as copy:
                write = copy.write_row
                for row in rows:
                    write(row + extra_values)
                    count += 1
        return count
    batch = []
    for row in rows:
        batch.append(model(**dict(zip(all_columns, row + extra_values, strict=True))))
        if len(batch) >= batch_size:
            model.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    model.objects.bulk_create(batch)
    return count + len(batch)


class AlreadyGenerated(Exception):
    pass


def existing_plan(plan_year: int) -> Plan | None:
    return Plan.objects.filter(year=plan_year, title=plan_title(plan_year)).first()


def generate(
    sizes: Sizes,
    *,
    seed: int = 1,
    plan_year: int | None = None,
    password: str | None = None,
    stdout: IO[str] | None = None,
) -> dict:
    """Write the data; return {"plan": Plan, "counts": {...}, "seconds": {...}}."""
    today = timezone.localdate()
    plan_year = plan_year or today.year
    timings: dict[str, float] = {}
    started = clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 2)
        clock = now
        if stdout is not None:
            stdout.write(f"  {name:<18} {timings[name]:7.2f} s\n")
            stdout.flush()

    if (plan := existing_plan(plan_year)) is not None:
        raise AlreadyGenerated(
            f"The scale plan for {plan_year} already exists (plan id {plan.pk}): synthetic data "
            "is written once (progress entries cannot be deleted). Use another --plan-year, or "
            "start from an empty database."
        )
    bp = blueprint(sizes, seed=seed, plan_year=plan_year, today=today)
    lap("blueprint")

    with transaction.atomic():
        units, users = _write_people(bp, password)
        lap("units, users")
        plan = Plan.objects.create(
            year=plan_year, title=plan_title(plan_year),
            document_number=f"{seed}/KH-THỬTẢI", document_date=datetime.date(plan_year, 1, 5),
            start_date=datetime.date(plan_year, 1, 1), end_date=datetime.date(plan_year, 12, 31),
            status=Plan.Status.ACTIVE,
        )
        areas = {a.number: a for a in ReformArea.objects.bulk_create(
            ReformArea(plan=plan, number=number, name=name) for number, name in AREAS)}
        solutions = {s.number: s for s in Solution.objects.bulk_create(
            Solution(plan=plan, number=number, title=title, text=text)
            for number, title, text in SOLUTIONS)}
        tasks = Task.objects.bulk_create(
            [
                Task(plan=plan, area=areas[t.area], solution=solutions.get(t.solution),
                     code=t.code, title=t.title, expected_output=t.output,
                     description="Dữ liệu tổng hợp để thử tải.", due_date=t.due,
                     created_at=t.created_at)
                for t in bp.tasks
            ],
            batch_size=1000,
        )
        task_ids = [t.pk for t in tasks]
        lap("plan, tasks")

        write_rows(
            Assignment,
            ["task_id", "unit_id", "role", "due_date", "original_due_date", "latest_percent",
             "latest_report_at", "completed_on", "created_at"],
            (
                (task_ids[a.task], units[a.unit], a.role, a.due, a.original_due, a.final,
                 a.last_at,
                 timezone.localdate(a.last_at) if a.outcome in DONE else None,
                 bp.tasks[a.task].created_at)
                for a in bp.assignments
            ),
        )
        lap("assignments")
        ids = dict(
            ((task, unit), pk) for pk, task, unit in
            Assignment.objects.filter(task__plan=plan).values_list("pk", "task_id", "unit_id")
        )
        assignment_ids = [ids[(task_ids[a.task], units[a.unit])] for a in bp.assignments]
        reporters = [users[name].pk for name, _ in bp.staff]
        entries = write_rows(
            ProgressEntry,
            ["assignment_id", "percent", "note", "reported_by_id", "reported_at"],
            entry_rows(bp, assignment_ids, reporters, seed),
        )
        lap("entries")

        coordinator = users["scale.coordinator"]
        DeadlineExtension.objects.bulk_create(
            [
                DeadlineExtension(
                    assignment_id=pk, previous_due_date=a.original_due, new_due_date=a.due,
                    reason="Gia hạn theo đề nghị của đơn vị (dữ liệu thử tải).",
                    document="Công văn số 000/UBND-THỬTẢI", decided_by=coordinator,
                    decided_at=a.extended_at,
                )
                for a, pk in zip(bp.assignments, assignment_ids, strict=True)
                if a.extended_at is not None
            ],
            batch_size=1000,
        )
        # Awaiting verification: point at the 100% report, now that it exists.
        awaiting = [pk for a, pk in zip(bp.assignments, assignment_ids, strict=True)
                    if a.outcome in (AWAITING, AWAITING_LATE)]
        full = (ProgressEntry.objects.filter(assignment=OuterRef("pk"), percent=100)
                .order_by("-reported_at", "-pk").values("pk")[:1])
        for i in range(0, len(awaiting), 5000):
            Assignment.objects.filter(pk__in=awaiting[i:i + 5000]).update(
                pending_entry=Subquery(full))
        lap("finishing")

    if connection.vendor == "postgresql":
        # Statistics for the planner. Outside a transaction (not in tests) VACUUM too, as
        # autovacuum would soon: it sets the hint bits and the visibility map once, so the
        # first queries do not pay for it and index-only scans are possible.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for model in (Unit, Membership, Task, Assignment, ProgressEntry, DeadlineExtension):
                cursor.execute(f"{command} {model._meta.db_table}")
        lap(command.lower())
    timings["total"] = round(time.perf_counter() - started, 2)
    counts = {
        "units": len(bp.units), "staff users": len(bp.staff), "tasks": len(bp.tasks),
        "assignments": len(bp.assignments), "entries": entries,
        "extensions": sum(a.extended_at is not None for a in bp.assignments),
        "awaiting": len(awaiting),
    }
    return {"plan": plan, "counts": counts, "seconds": timings, "mix": bp.mix}


def _write_people(bp: Blueprint, password: str | None) -> tuple[list[int], dict]:
    """Units (existing SCALE- units are reused), groups, accounts and memberships."""
    existing = dict(Unit.objects.filter(code__in=[u.code for u in bp.units])
                    .values_list("code", "pk"))
    for parents in (True, False):  # districts first: communes point at them
        new = [
            Unit(code=u.code, name=u.name, short_name=u.short_name, kind=u.kind,
                 parent_id=existing.get(u.parent_code) if u.parent_code else None)
            for u in bp.units
            if u.code not in existing and (u.parent_code is None) == parents
        ]
        existing |= {u.code: u.pk for u in Unit.objects.bulk_create(new, batch_size=1000)}
    units = [existing[u.code] for u in bp.units]

    groups = {name: Group.objects.get_or_create(name=name)[0]
              for name in (COORDINATORS_GROUP, LEADERS_GROUP)}
    User = get_user_model()
    password_hash = None
    users = {}
    wanted = [("scale.leader", LEADERS_GROUP), ("scale.coordinator", COORDINATORS_GROUP)]
    wanted += [(name, None) for name, _ in bp.staff]
    for username, group in wanted:
        user = User.objects.filter(username=username).first()
        if user is None:
            # One hash for all: Argon2 is slow on purpose; these accounts share a password.
            password_hash = password_hash or make_password(password or DEFAULT_PASSWORD)
            user = User.objects.create(username=username, password=password_hash,
                                       first_name="Thử tải", last_name=username.split(".")[1])
        if group:
            user.groups.add(groups[group])
        users[username] = user
    Membership.objects.bulk_create(
        [Membership(user=users[name], unit_id=units[i], role=Membership.Role.STAFF)
         for name, indexes in bp.staff for i in indexes],
        ignore_conflicts=True,
    )
    return units, users
