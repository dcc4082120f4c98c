from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


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
