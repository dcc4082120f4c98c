"""Who may see and change what: the role predicates every access helper builds on.

Units' objects are checked by one helper per model (e.g. solutions.access): an outsider gets
404 (we do not reveal that the object exists), a read-only person gets 403 on a write.
"""

COORDINATORS_GROUP = "coordinators"  # Sở Nội vụ, the PAR office: change everything in the portal
LEADERS_GROUP = "leaders"  # lãnh đạo tỉnh: read everything, change nothing
APPRAISERS_GROUP = "appraisers"  # tổ thẩm định: appraise units' PAR self-assessments


def _in_group(user, name: str) -> bool:
    # One query per request at most: the group names are cached on the user object.
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_group_names"):
        user._group_names = set(user.groups.values_list("name", flat=True))
    return name in user._group_names


def is_coordinator(user) -> bool:
    return user.is_authenticated and (user.is_superuser or _in_group(user, COORDINATORS_GROUP))


def is_leader(user) -> bool:
    return _in_group(user, LEADERS_GROUP)


def is_appraiser(user) -> bool:
    return _in_group(user, APPRAISERS_GROUP)


def can_read_all(user) -> bool:
    """Coordinators, leaders and superusers read every unit's objects."""
    return is_coordinator(user) or is_leader(user)


def get_unit(user, pk: int):
    """A unit the person may see (all for read-all roles, else their own); else 404."""
    from django.shortcuts import get_object_or_404

    from units.models import Unit  # units.models reads the predicates above

    return get_object_or_404(
        Unit.objects.for_user(user).select_related("parent", "successor"), pk=pk
    )
