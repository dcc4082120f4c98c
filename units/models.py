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


@dataclass(frozen=True)
class Contact:
    """The person to call about a unit's work: who answers for it on a dashboard or a list."""

    name: str
    phone: str
    email: str


def unit_contacts(unit_ids) -> dict[int, Contact]:
    """Each unit's contact person, in one query whatever the number of units.

    The one place that says who a unit's contact is: for now the unit's head (the first by
    membership when there are several), with no phone; a unit without a head is absent."""
    ids = list(unit_ids)
    if not ids:
        return {}
    contacts: dict[int, Contact] = {}
    rows = (
        Membership.objects.filter(unit_id__in=ids, role=Membership.Role.HEAD)
        .order_by("unit_id", "pk")
        .values_list("unit_id", "user__first_name", "user__last_name", "user__username",
                     "user__email")
    )
    for unit_id, first, last, username, email in rows:
        if unit_id not in contacts:
            name = " ".join(part for part in (last, first) if part) or username
            contacts[unit_id] = Contact(name=name, phone="", email=email)
    return contacts
