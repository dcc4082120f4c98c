"""Phase reminders of the PAR index, a step of notifications' schedule (registered in
index/apps.py): some working days before the end of a campaign's phase (self-assessment D1,
appraisal D2, explanations D3, council D4), the people who still have work in it are told,
in their bell and by mail per their preferences, with a link to the page where they act.
Once per person, phase and campaign: the notice's once-only key (a database constraint)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from index.models import Assessment, Campaign, FinalScore, Line, Phase, ScoreEntry
from notifications.calendar import WorkingCalendar
from notifications.models import Kind, Notice
from notifications.services import notify
from units.access import APPRAISERS_GROUP, COORDINATORS_GROUP
from units.models import Membership


@dataclass
class Group:
    """People told the same thing: a unit's members (their assessment's page), or the
    appraisers or the coordinators (the campaign's page). items: what waits for them."""

    users: list
    url: str
    items: int


def _members(assessments) -> dict[int, list]:
    by_unit: dict[int, list] = {}
    for membership in (Membership.objects.filter(unit__in=[a.unit_id for a in assessments],
                                                 user__is_active=True)
                       .select_related("user").order_by("user__username")):
        by_unit.setdefault(membership.unit_id, []).append(membership.user)
    return by_unit


def _unit_groups(assessments, url_name: str, counts: dict[int, int]) -> list[Group]:
    members = _members(assessments)
    return [Group(members[a.unit_id], reverse(url_name, args=[a.pk]), counts.get(a.pk, 0))
            for a in assessments if members.get(a.unit_id)]


def _team(group_name: str, url: str, items: int) -> list[Group]:
    if not items:
        return []
    users = list(get_user_model().objects.filter(is_active=True, groups__name=group_name)
                 .distinct().order_by("username"))
    return [Group(users, url, items)] if users else []


def phase_groups(campaign: Campaign) -> list[Group]:
    """Who still has work in the campaign's current phase:
    self-assessment: the members (staff and head) of units that have not submitted;
    appraisal: the appraisers, while a submitted assessment has no appraisal yet;
    explanation: the members of units with a line the appraisers changed, not yet explained;
    council: the coordinators, while a disputed line has no decision."""
    assessments = Assessment.objects.filter(campaign=campaign).order_by("unit__code")
    detail = reverse("index:campaign-detail", args=[campaign.pk])
    if campaign.phase == Phase.SELF:
        return _unit_groups(list(assessments.filter(submitted_at__isnull=True)),
                            "index:assessment-self", {})
    if campaign.phase == Phase.APPRAISAL:
        appraised = ScoreEntry.objects.filter(line__assessment=OuterRef("pk"),
                                              phase=Phase.APPRAISAL)
        waiting = assessments.filter(submitted_at__isnull=False).exclude(Exists(appraised))
        return _team(APPRAISERS_GROUP, detail, waiting.count())
    if campaign.phase == Phase.EXPLANATION:
        changed = (Line.objects.filter(assessment__campaign=campaign, explanation="")
                   .exclude(appraised_score__isnull=True)
                   .exclude(appraised_score=F("self_score")))
        counts: dict[int, int] = {}
        for assessment_id in changed.values_list("assessment_id", flat=True):
            counts[assessment_id] = counts.get(assessment_id, 0) + 1
        return _unit_groups(list(assessments.filter(pk__in=list(counts))),
                            "index:assessment-explain", counts)
    if campaign.phase == Phase.COUNCIL:
        undecided = (Line.objects.filter(assessment__campaign=campaign).exclude(explanation="")
                     .exclude(Exists(FinalScore.objects.filter(line=OuterRef("pk")))))
        return _team(COORDINATORS_GROUP, detail, undecided.count())
    return []


SUBJECTS = {
    Phase.SELF: lambda c: _("Self-assessment for the PAR index closes on %(day)s"),
    Phase.APPRAISAL: lambda c: _("Appraisal of the PAR index closes on %(day)s"),
    Phase.EXPLANATION: lambda c: _("Explanations for the PAR index close on %(day)s"),
    Phase.COUNCIL: lambda c: _("The council's decisions on the PAR index are due by %(day)s"),
}
BODIES = {
    Phase.SELF: lambda n: _("Your unit's self-assessment in “%(campaign)s” is not submitted "
                            "yet. Score every line, attach the evidence, and have the head "
                            "submit it by %(day)s."),
    Phase.APPRAISAL: lambda n: _("%(count)s submitted self-assessments in “%(campaign)s” have "
                                 "no appraisal yet; the appraisal closes on %(day)s."),
    Phase.EXPLANATION: lambda n: _("The appraisal team changed %(count)s lines of your unit's "
                                   "assessment in “%(campaign)s”. You may explain them until "
                                   "%(day)s."),
    Phase.COUNCIL: lambda n: _("%(count)s disputed lines in “%(campaign)s” wait for the "
                               "council's decision, due by %(day)s."),
}


def is_due(campaign: Campaign, today: datetime.date, calendar: WorkingCalendar) -> bool:
    """From N working days before the phase's end date to that date, on working days."""
    deadline = campaign.deadline()
    if deadline is None or not calendar.is_working_day(today):
        return False
    start = calendar.add_working_days(deadline, -settings.INDEX_REMINDER_WORKING_DAYS)
    return start <= today <= deadline


def send_phase_reminders(*, now: datetime.datetime | None = None) -> dict:
    """One pass over the open campaigns; idempotent (a person is told once per phase)."""
    today = timezone.localdate(now or timezone.now())
    calendar = WorkingCalendar.around(today)
    stats = {"campaigns": 0, "notices": 0}
    for campaign in (Campaign.objects.filter(phase__lt=Phase.PUBLISHED)
                     .select_related("criteria_set").order_by("pk")):
        if not is_due(campaign, today, calendar):
            continue
        groups = phase_groups(campaign)
        if not groups:
            continue
        stats["campaigns"] += 1
        phase, day = campaign.phase, campaign.deadline().strftime("%d/%m/%Y")
        key = f"index-phase:{campaign.pk}:{phase}"
        # The schedule runs every minute: skip who was told already (the key's constraint
        # would refuse them anyway, after building their messages).
        told = set(Notice.objects.filter(dedupe_key=key).values_list("recipient_id", flat=True))
        for group in groups:
            users = [u for u in group.users if u.pk not in told]
            if not users:
                continue
            made = notify(
                users=users, kind=Kind.REMINDER, url=group.url, dedupe_key=key,
                subject=lambda u, c=campaign: SUBJECTS[phase](c) % {"day": day},
                body=lambda u, c=campaign, n=group.items: BODIES[phase](n) % {
                    "campaign": c.criteria_set.name, "day": day, "count": n},
            )
            stats["notices"] += len(made)
    return stats
