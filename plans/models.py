from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class PlanQuerySet(models.QuerySet):
    def current(self):
        """The plan the dashboard opens on: the newest active one, else the newest."""
        return self.order_by(
            models.Case(models.When(status=Plan.Status.ACTIVE, then=0), default=1), "-year", "-pk"
        ).first()


class Plan(models.Model):
    """A yearly administrative reform plan (Kế hoạch CCHC năm ...)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    document_number = models.CharField(
        _("issuing document number"), max_length=60, blank=True, help_text=_("e.g. 125/KH-UBND")
    )
    document_date = models.DateField(_("issuing document date"), null=True, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="plan_dates_ordered", condition=Q(end_date__gte=F("start_date"))
            ),
            models.CheckConstraint(
                name="plan_year_sane", condition=Q(year__gte=2000, year__lte=2100)
            ),
        ]

    def __str__(self):
        return self.title

    def assignable_on(self):
        """The day a unit must exist on to take a task of this plan: today while the plan runs,
        else the plan's nearest end (a plan drafted for next year gets next year's units, a
        closed plan the units of its last day)."""
        from django.utils import timezone

        return min(max(timezone.localdate(), self.start_date), self.end_date)

    @property
    def document(self):
        if not self.document_number:
            return ""
        if self.document_date:
            return _("%(number)s of %(date)s") % {
                "number": self.document_number,
                "date": self.document_date.strftime("%d/%m/%Y"),
            }
        return self.document_number


class ReformArea(models.Model):
    """One of the six reform areas of Resolution 76/NQ-CP (lĩnh vực cải cách)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="areas"
    )
    number = models.PositiveSmallIntegerField(
        _("number"), help_text=_("1 to 6; 0 for direction and management of PAR.")
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("reform area")
        verbose_name_plural = _("reform areas")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="area_unique_plan_number"),
            models.CheckConstraint(name="area_number_range", condition=Q(number__lte=20)),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"


class ReportingPeriod(models.Model):
    """A reporting period of the plan (kỳ báo cáo) with its data cut-off dates.

    Vietnamese PAR reports count data from 15/12 of the year before: Q1 to 14/3, 6 months to
    14/6, Q3 15/6 to 14/9, the year to 14/12; each report is due by the 20th of the period's
    last month. Closing a period freezes its report (PeriodSnapshot).
    """

    class Kind(models.TextChoices):
        Q1 = "q1", _("First quarter")
        H1 = "h1", _("Six months")
        Q3 = "q3", _("Third quarter")
        YEAR = "year", _("Year")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="periods"
    )
    # Its own context: "kind" of a unit and of a period are different words in Vietnamese.
    kind = models.CharField(
        pgettext_lazy("reporting period", "kind"), max_length=10, choices=Kind
    )
    start_date = models.DateField(_("data from"))
    end_date = models.DateField(_("data to"))
    report_due = models.DateField(_("report due"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("closed by"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["plan", "end_date", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind"], name="period_unique_plan_kind"),
            models.CheckConstraint(
                name="period_dates_ordered", condition=Q(end_date__gte=F("start_date"))
            ),
            models.CheckConstraint(
                name="period_closed_by_whom",
                condition=Q(closed_at__isnull=True) | Q(closed_by__isnull=False),
            ),
        ]

    NAMES = {
        Kind.Q1: _("First quarter of %(year)s"),
        Kind.H1: _("First six months of %(year)s"),
        Kind.Q3: _("Third quarter of %(year)s"),
        Kind.YEAR: _("Year %(year)s"),
    }

    def __str__(self):
        # One pattern per kind: Vietnamese says "Quý I năm 2026" but "Năm 2026".
        return self.NAMES[self.kind] % {"year": self.plan.year}

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def judged_on(self, today=None):
        """The date a period's figures are judged as of: its end date, or today while the
        period runs (an open year report must not count as overdue what is not due yet
        today). A closed period ended before it was closed: its end date."""
        from django.utils import timezone

        return min(today or timezone.localdate(), self.end_date)

    @classmethod
    def defaults_for(cls, year: int) -> list[dict]:
        """The cut-off dates of the Vietnamese PAR reporting calendar for a plan year."""
        import datetime as dt

        start = dt.date(year - 1, 12, 15)
        return [
            {"kind": cls.Kind.Q1, "start_date": start, "end_date": dt.date(year, 3, 14),
             "report_due": dt.date(year, 3, 20)},
            {"kind": cls.Kind.H1, "start_date": start, "end_date": dt.date(year, 6, 14),
             "report_due": dt.date(year, 6, 20)},
            {"kind": cls.Kind.Q3, "start_date": dt.date(year, 6, 15),
             "end_date": dt.date(year, 9, 14), "report_due": dt.date(year, 9, 20)},
            {"kind": cls.Kind.YEAR, "start_date": start, "end_date": dt.date(year, 12, 14),
             "report_due": dt.date(year, 12, 20)},
        ]


class PeriodSnapshot(models.Model):
    """The figures of a period's report, frozen when the period is closed."""

    period = models.OneToOneField(
        ReportingPeriod, verbose_name=_("period"), on_delete=models.CASCADE,
        related_name="snapshot",
    )
    data = models.JSONField(_("figures"))
    created_at = models.DateTimeField(_("frozen at"), auto_now_add=True)

    class Meta:
        verbose_name = _("frozen period report")
        verbose_name_plural = _("frozen period reports")

    def __str__(self):
        return str(self.period)


class Indicator(models.Model):
    """A target of the plan (chỉ tiêu), e.g. files settled on time >= 95%, SIPAS > 86%."""

    class Comparison(models.TextChoices):
        AT_LEAST = "gte", _("at least")
        ABOVE = "gt", _("above")
        AT_MOST = "lte", _("at most")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="indicators"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=300)
    comparison = models.CharField(
        _("comparison"), max_length=3, choices=Comparison, default=Comparison.AT_LEAST
    )
    target = models.DecimalField(_("target"), max_digits=9, decimal_places=2)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=20, default="%")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target indicator")
        verbose_name_plural = _("target indicators")
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="indicator_unique_plan_name"),
        ]

    def __str__(self):
        return self.name

    def is_met(self, actual) -> bool:
        if actual is None:
            return False
        return {
            self.Comparison.AT_LEAST: actual >= self.target,
            self.Comparison.ABOVE: actual > self.target,
            self.Comparison.AT_MOST: actual <= self.target,
        }[self.comparison]


class IndicatorValue(models.Model):
    """The actual value of an indicator for a reporting period, entered by a coordinator.

    Every version is kept (history). Once the period is closed, a change is a correction: it
    names its reason (correction_reason, kept in the history row), and the value cannot be
    deleted; on PostgreSQL a trigger refuses both otherwise (migration plans/0006). An
    indicator with actuals cannot be deleted (RESTRICT; a plan's deletion still takes them).
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.RESTRICT, related_name="values"
    )
    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("period"), on_delete=models.CASCADE,
        related_name="indicator_values",
    )
    actual = models.DecimalField(_("actual"), max_digits=9, decimal_places=2)
    note = models.CharField(_("source or note"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)
    correction_reason = models.TextField(
        _("reason for the correction"), max_length=1000, blank=True,
        help_text=_("Required to change the actual of a closed period."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"], name="indicator_value_unique_period"
            ),
        ]

    def __str__(self):
        return f"{self.indicator} · {self.period}: {self.actual}"
