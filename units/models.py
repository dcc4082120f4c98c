import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from units.access import can_read_all



class UnitQuerySet(models.QuerySet):
    def active(self, on=None):
        """Units that exist on a date: a reorganisation ends some and starts others."""
        if on is None:
            return self.filter(active_to__isnull=True)
        return self.filter(
            Q(active_from__isnull=True) | Q(active_from__lte=on),
            Q(active_to__isnull=True) | Q(active_to__gte=on),
        )

    def for_user(self, user):
        """The units a person may see: all for coordinators and leaders, else their own."""
        if can_read_all(user):
            return self
        return self.filter(pk__in=Membership.objects.filter(user=user).values("unit_id"))


class Unit(models.Model):
    """A department, locality or other agency (đơn vị). Outlives plans; never deleted once used."""

    class Kind(models.TextChoices):
        PROVINCIAL = "provincial", _("Provincial agency")
        DISTRICT = "district", _("District-level unit")
        COMMUNE = "commune", _("Commune-level unit")
        OTHER = "other", _("Other")

    code = models.CharField(
        _("code"), max_length=20, unique=True, help_text=_("The national code where there is one.")
    )
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.PROVINCIAL)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_to = models.DateField(_("active to"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        help_text=_("The unit this one was merged into by a reorganisation."),
    )

    objects = UnitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["kind", "code"]
        constraints = [
            models.CheckConstraint(
                name="unit_active_period_ordered",
                condition=Q(active_from__isnull=True)
                | Q(active_to__isnull=True)
                | Q(active_to__gte=F("active_from")),
            ),
            models.CheckConstraint(
                name="unit_not_own_parent", condition=~Q(parent=F("pk"))
            ),
            models.CheckConstraint(
                name="unit_not_own_successor", condition=~Q(successor=F("pk"))
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def label(self):
        return self.short_name or self.name

    def get_absolute_url(self):
        return reverse("insight:unit-detail", args=[self.pk])


class Membership(models.Model):
    """A person's place in a unit (cán bộ đầu mối = staff, lãnh đạo đơn vị = head)."""

    class Role(models.TextChoices):
        STAFF = "staff", _("Staff")
        HEAD = "head", _("Head")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.STAFF)
    # The unit's contact person (đầu mối liên hệ): named with phone and email beside its overdue
    # items, so a coordinator knows whom to call.
    is_contact = models.BooleanField(_("contact person"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["unit__code", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="membership_unique_user_unit"),
        ]

    def __str__(self):
        return f"{self.user} · {self.unit} ({self.get_role_display()})"


class Profile(models.Model):
    """A person's details and how they want to be told (issue 11): one per user, made on demand."""

    class DigestFrequency(models.TextChoices):
        DAILY = "daily", _("Every working day")
        WEEKLY = "weekly", _("Once a week (the first working day)")
        OFF = "off", _("Never")

    class Language(models.TextChoices):
        VI = "vi", "Tiếng Việt"
        EN = "en", "English"

    # The immediate notices a person may choose, each a field below (notify_<kind>).
    IMMEDIATE_KINDS = ("returned", "verified", "extended", "assigned", "awaiting", "comment",
                       "reminder")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE,
        related_name="profile",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    digest_frequency = models.CharField(
        _("digest"), max_length=10, choices=DigestFrequency, default=DigestFrequency.DAILY
    )
    digest_time = models.TimeField(_("digest time"), default=datetime.time(7, 30))
    notify_returned = models.BooleanField(_("a report of my unit is returned"), default=True)
    notify_verified = models.BooleanField(_("a report of my unit is verified"), default=True)
    notify_extended = models.BooleanField(_("a deadline of my unit is extended"), default=True)
    notify_assigned = models.BooleanField(_("a new assignment for my unit"), default=True)
    notify_awaiting = models.BooleanField(
        _("a finished report awaits verification (coordinators)"), default=True
    )
    notify_comment = models.BooleanField(_("a new comment on an assignment"), default=True)
    notify_reminder = models.BooleanField(_("reminders (Nhắc việc)"), default=True)
    language = models.CharField(_("language"), max_length=5, choices=Language,
                                default=Language.VI)
    # Set when the mail server refused the address for good (an SMTP 5xx answer).
    email_bounced = models.BooleanField(_("email bouncing"), default=False)
    email_bounced_at = models.DateTimeField(_("email bounced at"), null=True, blank=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        constraints = [
            models.CheckConstraint(
                name="profile_bounce_has_time",
                condition=Q(email_bounced=False) | Q(email_bounced_at__isnull=False),
            ),
        ]

    def __str__(self):
        return str(self.user)

    def wants(self, kind: str) -> bool:
        """Whether the person asked to be mailed at once about this kind of event."""
        return bool(getattr(self, f"notify_{kind}", False))


@dataclass(frozen=True)
class Contact:
    """The person to call about a unit's work: who answers for it on a dashboard or a list."""

    name: str
    phone: str
    email: str


def unit_contacts(unit_ids) -> dict[int, Contact]:
    """Each unit's contact person, in one query whatever the number of units.

    The one place that says who a unit's contact is: the member flagged as its contact
    (Membership.is_contact), else its head (the first by membership when there are several),
    with the phone of their profile; a unit with neither is absent."""
    ids = list(unit_ids)
    if not ids:
        return {}
    contacts: dict[int, Contact] = {}
    rows = (
        Membership.objects.filter(unit_id__in=ids)
        .filter(Q(is_contact=True) | Q(role=Membership.Role.HEAD))
        .order_by("unit_id", "-is_contact", "pk")
        .values_list("unit_id", "user__first_name", "user__last_name", "user__username",
                     "user__email", "user__profile__phone")
    )
    for unit_id, first, last, username, email, phone in rows:
        if unit_id not in contacts:
            name = " ".join(part for part in (last, first) if part) or username
            contacts[unit_id] = Contact(name=name, phone=phone or "", email=email)
    return contacts
