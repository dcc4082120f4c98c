"""One access helper per model: outsiders get 404, read-only people 403 on writes.

Before publication a unit sees only its own assessment (another unit's is a 404); appraisers,
coordinators and leaders see all; after publication every logged-in person reads the results.
Nobody edits outside the phase that allows it (403).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from index.models import Assessment, Campaign, CriteriaSet, Evidence, Node, Phase
from units.access import can_read_all, is_appraiser, is_coordinator
from units.models import Membership


def sees_all_assessments(user) -> bool:
    return can_read_all(user) or is_appraiser(user)


def require_coordinator(user) -> None:
    if not is_coordinator(user):
        raise PermissionDenied


def get_criteria_set(user, pk, *, for_write: bool = False) -> CriteriaSet:
    """Criteria are read by everyone (units score themselves on them); coordinators edit."""
    criteria_set = get_object_or_404(CriteriaSet, pk=pk)
    if for_write:
        require_coordinator(user)
    return criteria_set


def get_criteria_set_for_edit(user, pk, *, structure: bool = False) -> CriteriaSet:
    """The editor's pages: coordinators and administrators (others 403). A set whose campaign
    is past self-assessment is not edited at all (403: the appraisal and the ranking judge the
    criteria announced); while its campaign is in self-assessment only the wording may change,
    so the pages that change the tree (structure) are refused too."""
    criteria_set = get_object_or_404(CriteriaSet, pk=pk)
    require_coordinator(user)
    state = criteria_set.edit_state()
    if state == CriteriaSet.EditState.FROZEN or (
            structure and state == CriteriaSet.EditState.WORDING):
        raise PermissionDenied
    criteria_set.state = state
    return criteria_set


def get_node_for_edit(user, set_pk, node_pk, *, structure: bool = False) -> Node:
    criteria_set = get_criteria_set_for_edit(user, set_pk, structure=structure)
    node = get_object_or_404(Node, pk=node_pk, criteria_set=criteria_set)
    node.criteria_set = criteria_set
    return node


def get_campaign(user, pk, *, for_write: bool = False, results: bool = False) -> Campaign:
    """results: the ranking and its exports, which a unit sees only once published."""
    campaign = get_object_or_404(Campaign.objects.select_related("criteria_set"), pk=pk)
    if results and not campaign.is_published and not sees_all_assessments(user):
        raise Http404
    if for_write:
        require_coordinator(user)
    return campaign


def _role_in(user, unit_id) -> str | None:
    return (Membership.objects.filter(user=user, unit_id=unit_id)
            .values_list("role", flat=True).first())


# action -> (the phase it happens in, who may do it)
ACTIONS = {
    "self": Phase.SELF,
    "submit": Phase.SELF,
    "appraise": Phase.APPRAISAL,
    "explain": Phase.EXPLANATION,
    "decide": Phase.COUNCIL,
    "correct": Phase.COUNCIL,  # and after publication: see may()
}


def may(user, assessment: Assessment, action: str, role: str | None = None, *,
        again: bool = False) -> bool:
    """Whether the person may do `action` now (the phase and their role), for one that sees
    the assessment. `role`: the person's membership role in its unit, if known. again: the
    submission may be one a colleague has just made (two heads at once: the second is told
    so by the service, not refused)."""
    campaign = assessment.campaign
    if action == "correct":  # a decided line's correction, by Sở Nội vụ, council on
        return campaign.phase >= Phase.COUNCIL and (user.is_superuser or is_coordinator(user))
    if campaign.phase != ACTIONS[action]:
        return False
    if action in ("self", "submit") and assessment.is_submitted and not again:
        return False
    if user.is_superuser:
        return True
    if action in ("self", "explain"):
        return role is not None
    if action == "submit":
        return role == Membership.Role.HEAD
    if action == "appraise":
        return is_appraiser(user) or is_coordinator(user)
    return is_coordinator(user)  # decide: the council's decisions, recorded by Sở Nội vụ


def get_assessment(user, pk, *, action: str | None = None, again: bool = False) -> Assessment:
    assessment = get_object_or_404(
        Assessment.objects.for_user(user).select_related("campaign__criteria_set", "unit"),
        pk=pk,
    )
    assessment.viewer_role = _role_in(user, assessment.unit_id)
    if action is not None and not may(user, assessment, action, assessment.viewer_role,
                                      again=again):
        raise PermissionDenied
    return assessment


def get_evidence(user, pk) -> Evidence:
    """An evidence file is seen by whoever may see its assessment."""
    return get_object_or_404(
        Evidence.objects.filter(line__assessment__in=Assessment.objects.for_user(user))
        .exclude(file=""),
        pk=pk,
    )
