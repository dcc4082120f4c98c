"""Reminders before a reporting period's cut-off (REFERENCE.md: Q1 14/3, 6 months 14/6, Q3 14/9,
year 14/12; reports due by the 20th). Units with open assignments and no report since the last
cut-off are reminded, staggered: communes and provincial departments first
(NOTIFY_REMINDER_FIRST_WORKING_DAYS before the cut-off), district-level and other units later
(NOTIFY_REMINDER_SECOND_WORKING_DAYS), so that the province's figures are ready by the 20th.
Each unit's people are told once per period (a notice key), and each reminded assignment gets
a Reminder row (sent_by empty), which reporting compliance reads."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.calendar import WorkingCalendar
from notifications.models import Kind
from notifications.services import notify
from plans.models import Plan, ReportingPeriod
from solutions.models import Assignment, Reminder, current_reporting_window, reporting_compliance
from units.models import Membership, Unit

FIRST = {Unit.Kind.COMMUNE, Unit.Kind.PROVINCIAL}


def lead_days(kind: str) -> int:
    return (settings.NOTIFY_REMINDER_FIRST_WORKING_DAYS if kind in FIRST
            else settings.NOTIFY_REMINDER_SECOND_WORKING_DAYS)


def send_cutoff_reminders(*, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    calendar = WorkingCalendar.around(today)
    stats = {"units": 0, "notices": 0}
    if not calendar.is_working_day(today):
        return stats
    for plan in Plan.objects.filter(status=Plan.Status.ACTIVE).prefetch_related("periods"):
        window = current_reporting_window(plan, today)
        if window is None:
            continue
        start, cutoff, period = window
        if period.is_closed or today > cutoff:
            continue
        assignments = Assignment.objects.filter(task__plan=plan)
        compliance = reporting_compliance(assignments, since=start, on=today)
        behind = [u for u, r in compliance.items() if r["reported"] < r["open"]]
        units = {u.pk: u for u in Unit.objects.filter(pk__in=behind)}
        due_units = [u for u in units.values()
                     if today >= calendar.add_working_days(cutoff, -lead_days(u.kind))]
        if not due_units:
            continue
        stats["units"] += _remind(plan, period, start, cutoff, due_units, today, stats)
    return stats


def _remind(plan, period: ReportingPeriod, start, cutoff, units, today, stats) -> int:
    since = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    silent = list(
        Assignment.objects.filter(task__plan=plan, unit__in=units, completed_on__isnull=True,
                                  pending_entry__isnull=True)
        .exclude(entries__reported_at__gte=since).values_list("pk", "unit_id")
    )
    members = defaultdict(list)
    for m in Membership.objects.filter(unit__in=units, user__is_active=True).select_related("user"):
        members[m.unit_id].append(m.user)
    count_by_unit = defaultdict(int)
    for _pk, unit_id in silent:
        count_by_unit[unit_id] += 1
    with transaction.atomic():
        # At most once a day per assignment: a coordinator's press today already counts.
        Reminder.objects.bulk_create(
            [Reminder(assignment_id=pk, sent_on=today) for pk, _u in silent],
            ignore_conflicts=True,
        )
        for unit in units:
            n = count_by_unit.get(unit.pk, 0)
            if not n:
                continue
            url = reverse("insight:unit-detail", args=[unit.pk]) + f"?plan={plan.pk}"
            made = notify(
                users=members[unit.pk], kind=Kind.REMINDER,
                dedupe_key=f"cutoff:{period.pk}:{unit.pk}",
                url=url,
                subject=lambda u, period=period: _(
                    "Reminder: report before the cut-off of %(period)s") % {"period": period},
                body=lambda u, n=n, cutoff=cutoff, period=period: _(
                    "%(count)s open assignments of your unit have no report since %(start)s. "
                    "Data for %(period)s is counted up to %(cutoff)s; the province reports by "
                    "%(due)s.") % {
                    "count": n, "start": start.strftime("%d/%m/%Y"), "period": period,
                    "cutoff": cutoff.strftime("%d/%m/%Y"),
                    "due": (period.report_due or cutoff).strftime("%d/%m/%Y")},
            )
            stats["notices"] += len(made)
    return len(units)
