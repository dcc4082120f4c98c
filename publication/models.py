"""Publication (công khai): which closed periods the public page shows, and every act of it.

A coordinator publishes a closed period (its frozen figures and a copy of its report's text as
it reads then) and may withdraw it; each act is recorded with who, when and why.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plans.models import ReportingPeriod

REASON_MAX = 500


class PublishedPeriodQuerySet(models.QuerySet):
    def public(self):
        return self.select_related("period__plan", "period__snapshot").order_by(
            "-period__plan__year", "period__end_date", "period__start_date"
        )


class PublishedPeriod(models.Model):
    """A period on the public page. The row exists while it is published."""

    period = models.OneToOneField(
        ReportingPeriod, verbose_name=_("period"), on_delete=models.PROTECT,
        related_name="publication",
    )
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT,
        related_name="+",
    )
    # The report's sections I, III, IV and V as they read when published: later edits of the
    # narrative reach the public only when the period is published again.
    narrative = models.JSONField(_("published text"), default=dict, blank=True)

    objects = PublishedPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("published period")
        verbose_name_plural = _("published periods")

    def __str__(self):
        return str(self.period)


class PublicationEvent(models.Model):
    """One act of publication or withdrawal (append-only)."""

    class Action(models.TextChoices):
        PUBLISH = "publish", _("Published")
        WITHDRAW = "withdraw", _("Withdrawn")

    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("period"), on_delete=models.PROTECT,
        related_name="publication_events",
    )
    action = models.CharField(_("action"), max_length=10, choices=Action)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=REASON_MAX, blank=True)

    class Meta:
        verbose_name = _("publication event")
        verbose_name_plural = _("publication events")
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="publication_withdraw_has_reason",
                condition=~Q(action="withdraw") | ~Q(reason=""),
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} · {self.period}"
