"""Notices (the bell), mail deliveries (the delivery log), the working-day calendar's
exceptions and the schedule's cursors."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a notice or a message is about; also the unit of unsubscribing."""

    DIGEST = "digest", _("Digest")
    RETURNED = "returned", _("Report returned")
    VERIFIED = "verified", _("Report verified")
    EXTENDED = "extended", _("Deadline extended")
    ASSIGNED = "assigned", _("New assignment")
    AWAITING = "awaiting", _("Report awaiting verification")
    REPORT = "report", _("Progress report")
    COMMENT = "comment", _("Comment")
    REMINDER = "reminder", _("Reminder")
    PASSWORD_RESET = "password_reset", _("Password reset")


class NoticeQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notice(models.Model):
    """One line of a person's /notifications/ (and the bell's count while unread)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
        related_name="notices",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # The assignment it is about, if any: lets a test (and an audit) check who heard of what.
    assignment = models.ForeignKey(
        "solutions.Assignment", verbose_name=_("assignment"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="+",
    )
    # Set by the schedule's jobs ("digest:2026-12-08"): with the constraint below, a job run
    # twice, or by two schedulers at once, tells a person a thing once.
    dedupe_key = models.CharField(_("once-only key"), max_length=100, blank=True)
    # Which run created the row: bulk inserts that skip duplicates learn what they won.
    run = models.CharField(max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], condition=~Q(dedupe_key=""),
                name="notice_once_per_recipient_key",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notice_recipient_unread_idx"),
        ]

    def __str__(self):
        return self.subject


class Delivery(models.Model):
    """One mail message and what became of it (the delivery log)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RETRIED = "retried", _("Waiting to be retried")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="deliveries",
    )
    to_address = models.EmailField(_("address"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("plain text"))
    body_html = models.TextField(_("HTML"), blank=True)
    unsubscribe_url = models.CharField(_("unsubscribe link"), max_length=500, blank=True)
    notice = models.OneToOneField(
        Notice, verbose_name=_("notice"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="delivery",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="delivery_sent_has_time",
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx"),
        ]

    def __str__(self):
        return f"{self.to_address} · {self.subject}"


class CalendarDay(models.Model):
    """An exception to the working-day calendar announced by the government: a swapped or extra
    day off, or a Saturday worked in exchange (Vietnam's public holidays themselves, Tết by the
    lunar calendar included, come from the holidays library)."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKING_DAY = "working_day", _("Working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    name = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} · {self.get_kind_display()}"


class Cursor(models.Model):
    """How far the schedule has turned a source table's new rows into notices (the last id
    seen). Locked while it advances, so two schedulers never tell the same event twice."""

    name = models.CharField(max_length=50, unique=True)
    last_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("cursor")
        verbose_name_plural = _("cursors")

    def __str__(self):
        return f"{self.name} > {self.last_id}"
