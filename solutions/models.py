import datetime
import secrets
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Greatest, Least, Length, RowNumber, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.models import Plan, ReformArea
from units.access import can_read_all
from units.models import Membership, Unit


class Solution(models.Model):
    """One of the plan's ten solutions (giải pháp)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="solutions"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("solution")
        verbose_name_plural = _("solutions")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="solution_unique_plan_number"),
            models.CheckConstraint(
                name="solution_number_range", condition=Q(number__gte=1, number__lte=10)
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class TaskQuerySet(models.QuerySet):
    def for_user(self, user):
        """Tasks a person may see: all for read-all roles, else those assigned to their units."""
        if can_read_all(user):
            return self
        return self.filter(
            pk__in=Assignment.objects.for_user(user).values("task_id")
        )


class Task(models.Model):
    """A task of the plan (nhiệm vụ): clear person, clear task, clear time, clear output."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="tasks"
    )
    area = models.ForeignKey(
        ReformArea, verbose_name=_("reform area"), on_delete=models.PROTECT, related_name="tasks"
    )
    solution = models.ForeignKey(
        Solution,
        verbose_name=_("solution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    code = models.CharField(_("code"), max_length=20, help_text=_('e.g. "2.3"'))
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    expected_output = models.CharField(
        _("expected output"), max_length=500, help_text=_("What the task produces: a decision, a report, a plan, a system in operation.")
    )
    # Null means ongoing ("thường xuyên"): judged at the plan's end.
    due_date = models.DateField(_("due date"), null=True, blank=True)
    source_document = models.CharField(_("source document"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    # Optimistic concurrency: an edit names the version it started from (services.save_task).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = TaskQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        # "2.10" after "2.9": shorter codes first within an area, then by text.
        ordering = ["plan", "area__number", Length("code"), "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="task_unique_plan_code"),
            # The area and solution of the plan itself: composite foreign keys added on
            # PostgreSQL by migration solutions.0002; clean() says it to the user.
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"

    def get_absolute_url(self):
        return reverse("solutions:task-detail", args=[self.pk])

    # A task's status follows its lead units (chủ trì): its progress is the average of their
    # percents, it is done when all of them are, overdue when one of them is. A supporting
    # unit's delay is shown beside it, never as the task's status, so "done" and "overdue"
    # never sit together on a task.
    # Both read self.assignments.all(), prefetched (the task page). A list of tasks reads them
    # from AssignmentQuerySet.summaries_by_task() instead.
    def lead_assignments(self) -> list["Assignment"]:
        return [a for a in self.assignments.all() if a.role == Assignment.Role.LEAD]

    @property
    def progress(self) -> int:
        leads = self.lead_assignments()
        return round(sum(a.latest_percent for a in leads) / len(leads)) if leads else 0

    @property
    def is_done(self) -> bool:
        leads = self.lead_assignments()
        return bool(leads) and all(a.completed_on is not None for a in leads)

    @property
    def lead_overdue(self) -> int:
        """Lead units overdue (the assignments annotated by with_timeliness(), prefetched)."""
        return sum(bool(getattr(a, "is_overdue", False)) for a in self.lead_assignments())

    @property
    def support_overdue(self) -> int:
        return sum(bool(getattr(a, "is_overdue", False)) for a in self.assignments.all()
                   if a.role == Assignment.Role.SUPPORT)

    def clean(self):
        errors = {}
        if self.area_id and self.plan_id and self.area.plan_id != self.plan_id:
            errors["area"] = _("This reform area belongs to another plan.")
        if self.solution_id and self.plan_id and self.solution.plan_id != self.plan_id:
            errors["solution"] = _("This solution belongs to another plan.")
        if errors:
            raise ValidationError(errors)


class Timeliness(models.TextChoices):
    """The four classes of Vietnamese deadline accounting (README: "Timeliness")."""

    ON_TIME = "on_time", _("Done on time")
    LATE = "late", _("Done late")
    IN_PROGRESS = "in_progress", _("In progress")
    OVERDUE = "overdue", _("Overdue")


def timeliness_window(on: datetime.date | None = None):
    """The date judged, the last due date that is "due soon", and the stale cut-off moment."""
    on = on or timezone.localdate()
    due_soon_until = on + datetime.timedelta(days=settings.DUE_SOON_DAYS)
    stale_day = on - datetime.timedelta(days=settings.STALE_DAYS)
    stale_before = timezone.make_aware(datetime.datetime.combine(stale_day, datetime.time.min))
    return on, due_soon_until, stale_before


class AssignmentQuerySet(models.QuerySet):
    def for_user(self, user):
        """Assignments a person may see: all for read-all roles, else their units' only."""
        if can_read_all(user):
            return self
        return self.filter(unit__in=Membership.objects.filter(user=user).values("unit_id"))

    def with_timeliness(self, on: datetime.date | None = None):
        """Annotate the one definition of timeliness, in SQL, as of a date (today by default).

        is_on_time / is_late / is_in_progress / is_overdue: the four classes, exactly one true;
        timeliness: the same as a value. is_due_soon, is_stale, is_awaiting, is_extended,
        is_extended_late: flags.
        An ongoing task (no due date) is judged against its plan's end date; what was completed
        after `on` was not done yet as of `on`. Assignment.timeliness_on() is the same rule in
        Python for one object; tests hold the two together.

        Extended when already overdue (gia hạn khi đã quá hạn), is_extended_late: a deadline
        extension decided (by `on`) on a day after the deadline it moved, i.e. while the
        assignment was overdue. The extension makes it "in progress" again by the new date, as
        the decision says; the flag keeps it from passing silently: it is shown and counted
        apart. Assignment.extended_late_on() is the same rule for one object.

        The classes are plain boolean expressions (not a CASE compared per count), so that the
        dashboard's COUNT(...) FILTER (WHERE ...) cost one cheap test each per row.
        """
        on, due_soon_until, stale_before = timeliness_window(on)
        boolean = models.BooleanField()
        # IS NOT NULL guards keep every flag a true boolean: SQL's NULL > x is NULL, not false.
        done = Q(completed_on__isnull=False, completed_on__lte=on)
        # Awaiting verification: the unit reported 100%; a coordinator has not decided yet.
        # Judged by the report's date, so the coordinator's delay never makes a unit late.
        # (While a report awaits, it is the latest one: latest_report_at is its time.)
        awaiting = Q(pending_entry__isnull=False)
        reported_in_time = awaiting & Q(latest_report_at__date__lte=F("effective_due"))
        overdue = ~done & ~reported_in_time & Q(effective_due__lt=on)
        open_ = ~done & ~awaiting
        return self.alias(
            effective_due=Coalesce(F("due_date"), F("task__plan__end_date")),
            last_activity=Coalesce(F("latest_report_at"), F("created_at")),
        ).annotate(
            effective_due_date=F("effective_due"),
            is_on_time=ExpressionWrapper(done & Q(completed_on__lte=F("effective_due")), boolean),
            is_late=ExpressionWrapper(done & Q(completed_on__gt=F("effective_due")), boolean),
            is_overdue=ExpressionWrapper(overdue, boolean),
            is_in_progress=ExpressionWrapper(
                ~done & (reported_in_time | Q(effective_due__gte=on)), boolean
            ),
            timeliness=Case(
                When(is_on_time=True, then=Value(Timeliness.ON_TIME)),
                When(is_late=True, then=Value(Timeliness.LATE)),
                When(is_overdue=True, then=Value(Timeliness.OVERDUE)),
                default=Value(Timeliness.IN_PROGRESS),
            ),
            is_due_soon=ExpressionWrapper(
                open_ & Q(effective_due__gte=on, effective_due__lte=due_soon_until), boolean
            ),
            is_stale=ExpressionWrapper(open_ & Q(last_activity__lt=stale_before), boolean),
            is_awaiting=ExpressionWrapper(awaiting, boolean),
            is_extended=ExpressionWrapper(
                Q(due_date__isnull=False)
                & (Q(original_due_date__isnull=True) | Q(due_date__gt=F("original_due_date"))),
                boolean,
            ),
            # The cheap test first: SQL evaluates AND left to right, so only extended rows
            # (a few in a hundred) probe their extensions.
            is_extended_late=ExpressionWrapper(
                Q(due_date__isnull=False)
                & (Q(original_due_date__isnull=True) | Q(due_date__gt=F("original_due_date")))
                & Exists(
                    DeadlineExtension.objects.filter(
                        assignment=OuterRef("pk"),
                        decided_at__date__lte=on,
                        decided_at__date__gt=Coalesce(
                            F("previous_due_date"), OuterRef("task__plan__end_date")
                        ),
                    )
                ),
                boolean,
            ),
            # Worst first: overdue, due soon, the rest in progress, awaiting verification, done.
            urgency=Case(
                When(done, then=Value(4)),
                When(reported_in_time, then=Value(3)),
                When(effective_due__lt=on, then=Value(0)),
                When(awaiting, then=Value(3)),
                When(effective_due__lte=due_soon_until, then=Value(1)),
                default=Value(2),
            ),
        )

    def in_class(self, value: str):
        """Rows of one class (on_time / late / in_progress / overdue) or flag (due_soon / stale /
        awaiting / extended), on a queryset annotated by with_timeliness()."""
        return self.filter(**{f"is_{value}": True})

    def by_urgency(self):
        return self.order_by(
            "urgency", "effective_due_date", Length("task__code"), "task__code", "pk"
        )

    def timeliness_counts(self, on: datetime.date | None = None) -> dict:
        """One aggregate: total, the four classes, due soon, stale, awaiting, extended."""
        return self.with_timeliness(on).aggregate(**timeliness_aggregates())

    def summaries_by_task(self, on: datetime.date | None = None) -> dict[int, "TaskSummary"]:
        """Per task, in two queries whatever the number of units: its counts by class, its lead
        units' average progress and completion, and the names of its first three lead units
        (by name). What a task list shows without loading every assignment of its tasks."""
        lead = Q(role=Assignment.Role.LEAD)
        rows = (
            self.with_timeliness(on).values("task").annotate(
                **timeliness_aggregates(),
                leads=CountRows(filter=lead),
                leads_done=CountRows(filter=lead & Q(completed_on__isnull=False)),
                lead_overdue=CountRows(filter=lead & Q(is_overdue=True)),
                lead_percent=Sum("latest_percent", filter=lead),
            ).order_by()
        )
        first_leads: dict[int, list[str]] = {}
        named = (
            self.filter(lead)
            .annotate(position=Window(RowNumber(), partition_by=F("task"),
                                      order_by=[F("unit__name").asc(), F("pk").asc()]))
            .filter(position__lte=TaskSummary.LEADS_NAMED)
            .order_by("task", "position")
            .values_list("task", "unit__short_name", "unit__name")
        )
        for task, short_name, name in named:
            first_leads.setdefault(task, []).append(short_name or name)
        return {row["task"]: TaskSummary(row, first_leads.get(row["task"], [])) for row in rows}


def days_late_expression(on: datetime.date) -> Greatest:
    """Assignment.days_late() in SQL, as a duration, on a queryset annotated by
    with_timeliness(): past the due date to the completion; for a 100% report awaiting
    verification, to the report's date (the coordinator's delay is not the unit's); else to
    `on`. Zero for what is not late. Tests hold it and the Python method together."""
    as_of = Value(on, output_field=models.DateField())
    late = Case(
        When(completed_on__lte=on, then=F("completed_on") - F("effective_due")),
        When(pending_entry__isnull=False,
             then=Least(TruncDate("latest_report_at"), as_of) - F("effective_due")),
        default=as_of - F("effective_due"),
        output_field=models.DurationField(),
    )
    return Greatest(late, Value(datetime.timedelta(0), output_field=models.DurationField()))


FLAGS = ["due_soon", "stale", "awaiting", "extended", "extended_late"]
TIMELINESS_KEYS = [*(cls.value for cls in Timeliness), *FLAGS]


class TaskSummary:
    """A task's figures for a list (AssignmentQuerySet.summaries_by_task)."""

    LEADS_NAMED = 3

    def __init__(self, row: dict | None = None, lead_labels: list[str] | None = None):
        row = row or {}
        self.total = row.get("total", 0)
        self.on_time = row.get("on_time", 0)
        self.late = row.get("late", 0)
        self.overdue = row.get("overdue", 0)
        self.lead_overdue = row.get("lead_overdue", 0)
        self.support_overdue = self.overdue - self.lead_overdue
        self.leads = row.get("leads", 0)
        self.lead_labels = lead_labels or []
        self.progress = round((row.get("lead_percent") or 0) / self.leads) if self.leads else 0
        self.is_done = bool(self.leads) and row.get("leads_done") == self.leads

    @property
    def done(self) -> int:
        return self.on_time + self.late

    @property
    def more_leads(self) -> int:
        return max(self.leads - len(self.lead_labels), 0)


class CountRows(models.Aggregate):
    """COUNT(*), with filter= the rows that pass it. Django's Count("*") refuses a filter (it
    rewrites filters into CASE for databases without FILTER; PostgreSQL and SQLite have it),
    and COUNT(id) tests every row's id for NULL: a seventh more per dashboard scan."""

    function = "COUNT"
    name = "CountRows"
    template = "%(function)s(*)%(filter)s"
    output_field = models.IntegerField()
    empty_result_set_value = 0


def timeliness_aggregates(prefix: str = "") -> dict:
    """Counts of the classes and flags, for aggregate() or values().annotate()."""
    p = prefix
    if not p:  # over assignments themselves: every row counts
        return {
            "total": CountRows(),
            **{name: CountRows(filter=Q(**{f"is_{name}": True})) for name in TIMELINESS_KEYS},
        }
    return {  # through a relation (a LEFT JOIN): an assignment is a non-null id
        "total": Count(f"{p}pk", distinct=True),
        **{
            name: Count(f"{p}pk", filter=Q(**{f"{p}is_{name}": True}))
            for name in TIMELINESS_KEYS
        },
    }


class Assignment(models.Model):
    """A unit's share of a task (phân công): lead (chủ trì) or support (phối hợp)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        SUPPORT = "support", _("Support")

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.LEAD)
    # Starts as the task's; an extension changes due_date and keeps original_due_date.
    due_date = models.DateField(_("due date"), null=True, blank=True)
    original_due_date = models.DateField(_("original due date"), null=True, blank=True)
    latest_percent = models.PositiveSmallIntegerField(_("latest percent"), default=0)
    latest_report_at = models.DateTimeField(_("latest report at"), null=True, blank=True)
    # Set when a coordinator verifies the unit's 100% report: the date of that report.
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    # The 100% report awaiting a coordinator's verification (chờ xác nhận), if any.
    pending_entry = models.ForeignKey(
        "ProgressEntry",
        verbose_name=_("report awaiting verification"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Why a coordinator last sent a 100% report back; shown to the unit until its next 100%.
    returned_reason = models.TextField(_("reason for return"), blank=True)
    created_at = models.DateTimeField(_("assigned at"), default=timezone.now)

    objects = AssignmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["task__code", "role", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="assignment_unique_task_unit"),
            models.CheckConstraint(
                name="assignment_percent_range", condition=Q(latest_percent__lte=100)
            ),
            models.CheckConstraint(
                name="assignment_completed_at_100",
                condition=Q(completed_on__isnull=True) | Q(latest_percent=100),
            ),
            models.CheckConstraint(
                name="assignment_pending_at_100",
                condition=Q(pending_entry__isnull=True) | Q(latest_percent=100),
            ),
            models.CheckConstraint(
                name="assignment_pending_or_done",
                condition=Q(pending_entry__isnull=True) | Q(completed_on__isnull=True),
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "completed_on"], name="assignment_unit_done_idx"),
            models.Index(fields=["due_date"], name="assignment_due_idx"),
        ]

    def __str__(self):
        return f"{self.task.code} · {self.unit.label}"

    def get_absolute_url(self):
        return reverse("solutions:assignment-detail", args=[self.pk])

    @property
    def is_done(self) -> bool:
        return self.completed_on is not None

    @property
    def is_awaiting_verification(self) -> bool:
        return self.pending_entry_id is not None

    @property
    def effective_due(self) -> datetime.date:
        """The due date, or for an ongoing task its plan's end (annotated by with_timeliness())."""
        annotated = getattr(self, "effective_due_date", None)
        return annotated or self.due_date or self.task.plan.end_date

    def timeliness_on(self, on: datetime.date | None = None) -> tuple[str, bool, bool]:
        """(timeliness, due_soon, stale) for this one assignment: with_timeliness() in Python."""
        on, due_soon_until, stale_before = timeliness_window(on)
        due = self.due_date or self.task.plan.end_date
        if self.completed_on is not None and self.completed_on <= on:
            return (
                Timeliness.ON_TIME if self.completed_on <= due else Timeliness.LATE,
                False,
                False,
            )
        if self.pending_entry_id is not None:
            # While a report awaits verification it is the latest: no need to load it.
            reported_on = timezone.localdate(self.latest_report_at)
            late = reported_on > due and due < on
            return Timeliness.OVERDUE if late else Timeliness.IN_PROGRESS, False, False
        status = Timeliness.OVERDUE if due < on else Timeliness.IN_PROGRESS
        last_activity = self.latest_report_at or self.created_at
        return status, on <= due <= due_soon_until, last_activity < stale_before

    def extended_late_on(self, on: datetime.date | None = None) -> bool:
        """with_timeliness()'s is_extended_late for one object: an extension decided by `on`,
        on a day after the deadline it moved. Reads self.extensions.all() (prefetch it)."""
        on = on or timezone.localdate()
        plan_end = self.task.plan.end_date
        return any(
            timezone.localdate(e.decided_at) <= on
            and timezone.localdate(e.decided_at) > (e.previous_due_date or plan_end)
            for e in self.extensions.all()
        )

    def days_late(self, on: datetime.date | None = None) -> int:
        """Days past the due date as of `on` (today by default): to the completion date, to
        the report awaiting verification (the coordinator's delay is not the unit's), or to
        `on` while not done. days_late_expression() is the same in SQL."""
        on = on or timezone.localdate()
        if self.completed_on is not None and self.completed_on <= on:
            end = self.completed_on
        elif self.pending_entry_id is not None:
            end = min(timezone.localdate(self.latest_report_at), on)
        else:
            end = on
        return max((end - self.effective_due).days, 0)


def evidence_upload_to(entry: "ProgressEntry", filename: str) -> str:
    # A random name: the uploader's file name is kept only for display, never as a path.
    suffix = PurePath(filename).suffix.lower()[:10]
    today = timezone.localdate()
    return f"evidence/{today:%Y/%m}/{secrets.token_urlsafe(24)}{suffix}"


class ProgressEntry(models.Model):
    """One progress report (báo cáo tiến độ). Append-only: history is never edited or deleted."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    percent = models.PositiveSmallIntegerField(_("percent"))
    note = models.TextField(_("note"))
    evidence = models.FileField(
        _("evidence file"), upload_to=evidence_upload_to, blank=True, max_length=200
    )
    evidence_name = models.CharField(_("evidence file name"), max_length=255, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="progress_entries",
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-reported_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="entry_percent_range", condition=Q(percent__lte=100)),
            models.CheckConstraint(name="entry_note_not_blank", condition=~Q(note="")),
        ]
        indexes = [
            models.Index(fields=["assignment", "-reported_at"], name="entry_assignment_time_idx"),
        ]

    def __str__(self):
        return f"{self.assignment} · {self.percent}%"

    def get_evidence_url(self):
        return reverse("solutions:evidence-download", args=[self.pk])


class Verification(models.Model):
    """A coordinator's decision on a unit's 100% report (xác nhận hoàn thành). Never edited."""

    class Decision(models.TextChoices):
        VERIFIED = "verified", _("Verified")
        RETURNED = "returned", _("Returned")

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.PROTECT,
        related_name="verifications",
    )
    entry = models.ForeignKey(
        ProgressEntry, verbose_name=_("report"), on_delete=models.PROTECT,
        related_name="verifications",
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="verification_return_has_reason",
                condition=~Q(decision="returned", reason=""),
            ),
        ]

    def __str__(self):
        return f"{self.assignment} · {self.get_decision_display()}"


class DeadlineExtension(models.Model):
    """A deadline extension (gia hạn) decided by a coordinator; the original date is kept."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.PROTECT,
        related_name="extensions",
    )
    previous_due_date = models.DateField(_("previous due date"), null=True, blank=True)
    new_due_date = models.DateField(_("new due date"))
    reason = models.TextField(_("reason"))
    document = models.CharField(
        _("deciding document"), max_length=300, blank=True,
        help_text=_("e.g. Công văn số 123/UBND-NC"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="extension_has_reason", condition=~Q(reason="")),
            models.CheckConstraint(
                name="extension_moves_later",
                condition=Q(previous_due_date__isnull=True)
                | Q(new_due_date__gt=F("previous_due_date")),
            ),
        ]

    def __str__(self):
        return f"{self.assignment} → {self.new_due_date:%d/%m/%Y}"

    @property
    def granted_when_overdue(self) -> bool:
        """Decided after the deadline it moved (gia hạn khi đã quá hạn): with_timeliness()."""
        previous = self.previous_due_date or self.assignment.task.plan.end_date
        return timezone.localdate(self.decided_at) > previous


# --- The conversation on an assignment and the coordinator's reminders (issue 11) -------------

COMMENT_MAX_LENGTH = 5000
REMINDER_MESSAGE_MAX_LENGTH = 1000


def comment_upload_to(comment: "Comment", filename: str) -> str:
    # A random name, as for evidence: the uploader's name is kept for display only.
    suffix = PurePath(filename).suffix.lower()[:10]
    today = timezone.localdate()
    return f"comments/{today:%Y/%m}/{secrets.token_urlsafe(24)}{suffix}"


class CommentQuerySet(models.QuerySet):
    def for_user(self, user):
        """Comments a person may read: those on the assignments they may see."""
        return self.filter(assignment__in=Assignment.objects.for_user(user))


class Comment(models.Model):
    """A message in an assignment's conversation (trao đổi) between its unit and Sở Nội vụ.

    Append-only like progress reports (triggers on PostgreSQL, migration 0007). A coordinator's
    return reason opens the conversation: it is stored as a comment linked to that decision.
    """

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.PROTECT,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH)
    attachment = models.FileField(
        _("attachment"), upload_to=comment_upload_to, blank=True, max_length=200
    )
    attachment_name = models.CharField(_("attachment name"), max_length=255, blank=True)
    verification = models.OneToOneField(
        Verification, verbose_name=_("return decision"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="comment",
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(name="comment_body_not_blank", condition=~Q(body="")),
        ]
        indexes = [
            models.Index(fields=["assignment", "created_at"], name="comment_assignment_time_idx"),
        ]

    def __str__(self):
        return f"{self.assignment_id} · {self.author_id} · {self.created_at:%d/%m/%Y %H:%M}"

    def get_attachment_url(self):
        return reverse("solutions:comment-attachment", args=[self.pk])


class Reminder(models.Model):
    """"Nhắc việc": a reminder sent to an assignment's unit, at most once a day per assignment.

    Sent by a coordinator (with an optional message), or by the schedule before a reporting
    period's cut-off (sent_by empty). The unique constraint makes a second press the same day
    a message to the coordinator, not a second reminder.
    """

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.PROTECT,
        related_name="reminders",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    message = models.TextField(_("message"), blank=True, max_length=REMINDER_MESSAGE_MAX_LENGTH)
    sent_on = models.DateField(_("sent on"), default=timezone.localdate)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "sent_on"],
                                    name="reminder_once_a_day_per_assignment"),
        ]

    def __str__(self):
        return f"{self.assignment_id} · {self.sent_on:%d/%m/%Y}"


# --- Reporting compliance: defined once (the unit page, the dashboard, the reminders) ----------


def current_reporting_window(plan: Plan, on: datetime.date | None = None):
    """(start, end, period) of the reporting window that `on` falls in: from the day after the
    previous period's cut-off to the next cut-off (Q1 15/12-14/3, then 15/3-14/6, 15/6-14/9,
    15/9-14/12). The periods themselves are cumulative (the 6 months start 15/12); a report
    "in the current period" means one since the last cut-off. None when the plan has none."""
    on = on or timezone.localdate()
    periods = sorted(plan.periods.all(), key=lambda p: p.end_date)
    for index, period in enumerate(periods):
        if period.end_date >= on:
            start = (periods[index - 1].end_date + datetime.timedelta(days=1)
                     if index else period.start_date)
            return start, period.end_date, period
    return None


def reporting_compliance(assignments: AssignmentQuerySet, *, since: datetime.date,
                         on: datetime.date | None = None) -> dict[int, dict]:
    """Per unit: its open assignments (not done, not awaiting verification) as of `on`, how
    many had a report on or after `since`, the share (1.0 when nothing is open), and whether
    the unit was reminded since then and still has open assignments with no report after the
    reminder ("reminded, still not reporting"). One aggregate query."""
    on = on or timezone.localdate()
    since_moment = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    # A report since `since` exists exactly when the latest one is that recent (reports are
    # append-only and latest_report_at is the newest one's time): no scan of the reports.
    reported = Q(latest_report_at__gte=since_moment)
    reminded = models.Exists(Reminder.objects.filter(
        assignment=models.OuterRef("pk"), sent_on__gte=since, sent_on__lte=on))
    # Reported after the latest reminder: the reminder was heeded.
    latest_reminder = models.Subquery(
        Reminder.objects.filter(assignment=models.OuterRef("pk"), sent_on__gte=since)
        .order_by("-sent_at").values("sent_at")[:1])
    rows = (
        assignments.filter(Q(completed_on__isnull=True) | Q(completed_on__gt=on),
                           pending_entry__isnull=True)
        .alias(reminded=reminded, last_reminder=latest_reminder)
        .values("unit")
        .annotate(
            open=CountRows(),
            reported=CountRows(filter=reported),
            reminded_silent=CountRows(filter=Q(reminded=True) & (
                Q(latest_report_at__isnull=True) | Q(latest_report_at__lt=F("last_reminder"))
            )),
        )
        .order_by()
    )
    return {
        row["unit"]: {
            "open": row["open"],
            "reported": row["reported"],
            "share": row["reported"] / row["open"] if row["open"] else 1.0,
            "reminded_silent": row["reminded_silent"],
        }
        for row in rows
    }


def compliance_summary(assignments: AssignmentQuerySet, *, since: datetime.date,
                       on: datetime.date | None = None) -> dict:
    """reporting_compliance() over all the units: totals, the share, and the ids of the units
    reminded and still not reporting (for the dashboard)."""
    by_unit = reporting_compliance(assignments, since=since, on=on)
    open_ = sum(r["open"] for r in by_unit.values())
    reported = sum(r["reported"] for r in by_unit.values())
    silent = sorted(u for u, r in by_unit.items() if r["reminded_silent"])
    return {"open": open_, "reported": reported,
            "share": reported / open_ if open_ else 1.0,
            "percent": round(100 * reported / open_, 1) if open_ else 100.0,
            "units_total": len(by_unit), "silent_unit_ids": silent}


def reporting_compliance_for(user, plan: Plan, *, unit: Unit | None = None,
                             on: datetime.date | None = None) -> dict | None:
    """What the unit page and the dashboard show: compliance_summary() over the assignments
    the person may see in the plan (of one unit, if given), in the current reporting window,
    with the window's dates and the first units reminded and still not reporting. None when the
    plan has no period left. Three queries (periods, the aggregate, the silent units' names)."""
    window = current_reporting_window(plan, on)
    if window is None:
        return None
    since, cutoff, period = window
    assignments = Assignment.objects.for_user(user).filter(task__plan=plan)
    if unit is not None:
        assignments = assignments.filter(unit=unit)
    summary = compliance_summary(assignments, since=since, on=on)
    silent = summary["silent_unit_ids"]
    summary |= {
        "since": since, "cutoff": cutoff, "period": period,
        "silent_count": len(silent),
        "silent_units": list(Unit.objects.filter(pk__in=silent[:200]).order_by("name")[:20])
        if silent else [],
    }
    return summary
