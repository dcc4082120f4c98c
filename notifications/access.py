"""Who may read what of notifications: one helper per model (outsiders 404, read-only 403)."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from notifications.models import Delivery, Notice
from units.access import COORDINATORS_GROUP, LEADERS_GROUP, is_coordinator
from units.models import Membership


def get_notice(user, pk) -> Notice:
    """A person's own notice; anyone else's is a 404."""
    return get_object_or_404(Notice, pk=pk, recipient=user)


def can_read_deliveries(user) -> bool:
    return is_coordinator(user) or user.is_staff


def require_delivery_reader(user) -> None:
    if not can_read_deliveries(user):
        raise PermissionDenied


def get_delivery(user, pk) -> Delivery:
    require_delivery_reader(user)
    return get_object_or_404(Delivery.objects.select_related("recipient"), pk=pk)


def read_all_ids(user_ids: Iterable[int]) -> set[int]:
    """Of these people, those who read every unit's objects (coordinators, leaders, superusers)."""
    ids = list(user_ids)
    User = get_user_model()
    return set(
        User.objects.filter(pk__in=ids).filter(
            is_superuser=True
        ).values_list("pk", flat=True)
    ) | set(
        User.objects.filter(pk__in=ids, groups__name__in=[COORDINATORS_GROUP, LEADERS_GROUP])
        .values_list("pk", flat=True)
    )


def may_see_unit(users: list, unit_id: int) -> list:
    """The people of the list who may see a unit's objects: its members and read-all roles.
    A person is never told about what they may not open (two queries, whatever the list)."""
    ids = [u.pk for u in users]
    members = set(Membership.objects.filter(unit_id=unit_id, user_id__in=ids)
                  .values_list("user_id", flat=True))
    allowed = members | read_all_ids(ids)
    return [u for u in users if u.pk in allowed]
