"""Who may see and change the surveys: one helper per object.

Coordinators (Sở Nội vụ) run campaigns and read everything; leaders read every result but not the
open comments, and change nothing; a unit's staff see their own unit's results, poster and paper
entry, and nothing of other units (404). Only the public form is open without login (views).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from surveys.models import Campaign, CampaignUnit, Questionnaire
from units.access import can_read_all, is_coordinator
from units.models import Membership


def is_member(user, unit_id: int) -> bool:
    return Membership.objects.filter(user=user, unit_id=unit_id).exists()


def get_campaign_for_user(request, pk: int) -> Campaign:
    """A campaign the person may see: all for read-all roles, else those covering their unit."""
    return get_object_or_404(
        Campaign.objects.for_user(request.user).select_related("questionnaire", "period__plan"),
        pk=pk,
    )


def get_campaign_for_coordinator(request, pk: int) -> Campaign:
    campaign = get_campaign_for_user(request, pk)
    if not is_coordinator(request.user):
        raise PermissionDenied
    return campaign


def get_campaign_results_for_user(request, pk: int) -> Campaign:
    """The province's results: coordinators and leaders; a unit's staff are outsiders (404)."""
    if not can_read_all(request.user):
        raise Http404
    return get_campaign_for_user(request, pk)


def get_campaign_unit_for_user(request, pk: int, unit_pk: int) -> CampaignUnit:
    """A covered unit's results and poster: read-all roles and the unit's members."""
    campaign_unit = get_object_or_404(
        CampaignUnit.objects.select_related("campaign__questionnaire", "unit"),
        campaign_id=pk, unit_id=unit_pk,
    )
    if not (can_read_all(request.user) or is_member(request.user, unit_pk)):
        raise Http404
    return campaign_unit


def get_campaign_unit_for_entry(request, pk: int, unit_pk: int) -> CampaignUnit:
    """Paper entry: the unit's members and coordinators; leaders read only (403)."""
    campaign_unit = get_campaign_unit_for_user(request, pk, unit_pk)
    if not (is_coordinator(request.user) or is_member(request.user, unit_pk)):
        raise PermissionDenied
    return campaign_unit


def can_read_comments(user, unit_id: int) -> bool:
    """Open comments: the unit itself and the coordinators, not even leaders."""
    return is_coordinator(user) or is_member(user, unit_id)


def get_questionnaire_for_user(request, pk: int) -> Questionnaire:
    if not can_read_all(request.user):
        raise Http404
    return get_object_or_404(Questionnaire, pk=pk)


def get_questionnaire_for_coordinator(request, pk: int) -> Questionnaire:
    questionnaire = get_questionnaire_for_user(request, pk)
    if not is_coordinator(request.user):
        raise PermissionDenied
    return questionnaire


def require_coordinator(request) -> None:
    if not is_coordinator(request.user):
        raise PermissionDenied
