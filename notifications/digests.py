"""Digests (bản tin): one message per person and day at most, never one per task.

What is due within NOTIFY_DUE_WITHIN_WORKING_DAYS, what is overdue, what was returned,
verified or extended since the person's last digest; for a unit's head, what was escalated to
them (overdue for NOTIFY_ESCALATE_HEAD_DAYS working days, or no report for STALE_DAYS); for
Sở Nội vụ, what is overdue NOTIFY_ESCALATE_PROVINCE_DAYS working days more. Each item says why
it is there. Nothing to say: nothing sent. Built for everyone due in a constant number of
queries: the rows of all the units at once, then grouped per person in Python."""

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Q
from django.utils.html import escape
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications import mail
from notifications.calendar import WorkingCalendar
from notifications.models import Delivery, Kind, Notice
from notifications.services import can_mail, queue_deliveries
from plans.models import Plan
from solutions.models import Assignment, DeadlineExtension, Verification
from units.access import COORDINATORS_GROUP
from units.models import Membership, Profile

SECTION_LIMIT = 30  # items listed per section; the rest is a count and a link


@dataclass
class Item:
    assignment_id: int
    code: str
    title: str
    unit: str
    reason: str
    url: str


@dataclass
class Section:
    key: str
    title: str
    items: list = field(default_factory=list)
    total: int = 0

    def add(self, item: Item) -> None:
        self.total += 1
        if len(self.items) < SECTION_LIMIT:
            self.items.append(item)

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def _due(profile: Profile, now_local: datetime.datetime, calendar: WorkingCalendar) -> bool:
    today = now_local.date()
    if profile.digest_frequency == Profile.DigestFrequency.OFF:
        return False
    if now_local.time() < profile.digest_time:
        return False
    if profile.digest_frequency == Profile.DigestFrequency.WEEKLY:
        return calendar.first_working_day_of_week(today) == today
    return True


def build_digests(*, now: datetime.datetime | None = None, users=None) -> dict:
    """Build and queue the digests due at `now` (default: now). Idempotent: a person gets at
    most one per day (Notice's unique key "digest:<date>"), even from two schedulers at once.
    users: restrict to these people (tests). Returns counts."""
    now = now or timezone.now()
    now_local = timezone.localtime(now)
    today = now_local.date()
    calendar = WorkingCalendar.around(today)
    stats = {"candidates": 0, "built": 0, "empty": 0, "mailed": 0}
    if not calendar.is_working_day(today):
        return stats  # nothing is sent on a day off
    key = f"digest:{today.isoformat()}"
    User = get_user_model()

    people = User.objects.filter(is_active=True).filter(
        Q(memberships__isnull=False) | Q(groups__name=COORDINATORS_GROUP)
    ).distinct().select_related("profile")
    if users is not None:
        people = people.filter(pk__in=[u.pk for u in users])
    already = set(Notice.objects.filter(dedupe_key=key).values_list("recipient_id", flat=True))
    due_people = []
    for person in people:
        profile = getattr(person, "profile", None) or Profile(user=person)
        if person.pk not in already and _due(profile, now_local, calendar):
            due_people.append((person, profile))
    stats["candidates"] = len(due_people)
    my_path = reverse("solutions:my-assignments")
    my_url = mail.absolute(my_path)
    if not due_people:
        return stats
    ids = [p.pk for p, _profile in due_people]
    coordinator_ids = set(User.objects.filter(pk__in=ids, groups__name=COORDINATORS_GROUP)
                          .values_list("pk", flat=True))
    last_digest = dict(Notice.objects.filter(recipient_id__in=ids, kind=Kind.DIGEST)
                       .values("recipient_id").annotate(last=Max("created_at"))
                       .values_list("recipient_id", "last"))
    memberships = defaultdict(list)  # person -> [(unit_id, role)]
    for user_id, unit_id, role in Membership.objects.filter(user_id__in=ids) \
            .values_list("user_id", "unit_id", "role"):
        memberships[user_id].append((unit_id, role))
    unit_ids = {u for rows in memberships.values() for u, _r in rows}

    # The open assignments of the active plans: of the members' units, or all for Sở Nội vụ.
    open_rows = Assignment.objects.filter(
        task__plan__status=Plan.Status.ACTIVE, completed_on__isnull=True,
        pending_entry__isnull=True,
    ).with_timeliness(today)
    if not coordinator_ids:
        open_rows = open_rows.filter(unit_id__in=unit_ids)
    by_unit = defaultdict(list)
    rows = open_rows.values_list(
        "pk", "unit_id", "task__code", "task__title", "unit__short_name", "unit__name",
        "effective_due_date", "is_overdue", "is_stale", "returned_reason",
    )
    due_until = calendar.add_working_days(today, settings.NOTIFY_DUE_WITHIN_WORKING_DAYS)
    head_after = settings.NOTIFY_ESCALATE_HEAD_DAYS
    province_after = head_after + settings.NOTIFY_ESCALATE_PROVINCE_DAYS
    province = []
    for pk, unit_id, code, title, short, name, due, overdue, stale, returned in rows:
        late_days = calendar.working_days_between(due, today) if overdue else 0
        row = (pk, code, title, short or name, due, overdue, stale, late_days)
        if unit_id in unit_ids:
            by_unit[unit_id].append(row)
        if overdue and late_days >= province_after:
            province.append(row)

    # Returned, verified, extended since the earliest last digest (filtered per person below).
    default_since = now - datetime.timedelta(days=1)
    since_all = min([last_digest.get(i, default_since) for i in ids] + [default_since])
    events = defaultdict(list)  # unit -> [(time, kind, assignment_id, code, unit label, text)]
    for v in Verification.objects.filter(assignment__unit_id__in=unit_ids,
                                         decided_at__gte=since_all) \
            .values_list("decided_at", "decision", "assignment_id", "assignment__unit_id",
                         "assignment__task__code", "assignment__task__title", "reason"):
        events[v[3]].append(v)
    for x in DeadlineExtension.objects.filter(assignment__unit_id__in=unit_ids,
                                              decided_at__gte=since_all) \
            .values_list("decided_at", "new_due_date", "assignment_id", "assignment__unit_id",
                         "assignment__task__code", "assignment__task__title", "reason"):
        events[x[3]].append(("extended",) + x)

    # One reverse() for all the links: reversing per item (tens of thousands) cost more than
    # the rest of the build.
    detail_url = mail.absolute(reverse("solutions:assignment-detail", args=[1])).replace(
        "/1/", "/{}/")
    run = uuid.uuid4().hex
    notices, payloads = [], {}
    for person, profile in due_people:
        since = last_digest.get(person.pk, default_since)
        with translation.override(profile.language):
            sections = _sections(person, memberships[person.pk], by_unit, events, since,
                                 person.pk in coordinator_ids, province, due_until, detail_url)
            if not any(s.total for s in sections):
                stats["empty"] += 1
                continue
            subject = _("Your CCHC digest of %(date)s: %(count)s items") % {
                "date": today.strftime("%d/%m/%Y"), "count": sum(s.total for s in sections)}
            context = {"user": person, "sections": sections, "date": today,
                       "lang": profile.language, "why": _("Why:"),
                       "site_url": settings.SITE_URL, "subject": subject, "my_url": my_url}
            text = _digest_text(subject, sections, my_url)
        notices.append(Notice(recipient=person, kind=Kind.DIGEST, subject=subject[:300],
                              body=text, url=my_path,
                              dedupe_key=key, run=run, created_at=now))
        payloads[person.pk] = (person, profile, context)

    with transaction.atomic():
        Notice.objects.bulk_create(notices, ignore_conflicts=True, batch_size=1000)
        won = list(Notice.objects.filter(run=run).only("pk", "recipient_id", "subject", "body"))
        deliveries = []
        preferences_url = mail.absolute(reverse("notifications:preferences"))
        for notice in won:
            person, profile, context = payloads[notice.recipient_id]
            if not can_mail(person, profile):
                continue
            unsubscribe = mail.unsubscribe_url(person.pk, Kind.DIGEST)
            context["unsubscribe_url"] = unsubscribe
            context["preferences_url"] = preferences_url
            with translation.override(profile.language):
                html = _digest_html(context)
            deliveries.append(Delivery(
                recipient=person, to_address=person.email, kind=Kind.DIGEST,
                subject=notice.subject,
                body_text=notice.body + "\n" + _unsubscribe_line(profile, unsubscribe),
                body_html=html, unsubscribe_url=unsubscribe, notice=notice))
        Delivery.objects.bulk_create(deliveries, batch_size=1000) if deliveries else None
        if deliveries:
            from notifications.services import enqueue_sending

            transaction.on_commit(enqueue_sending)
    stats["built"] = len(won)
    stats["mailed"] = len(deliveries)
    return stats


def _digest_text(subject: str, sections: list["Section"], my_url: str) -> str:
    """The plain-text digest (built in Python: thousands of people, one template each would
    cost more than everything else)."""
    lines = [subject, ""]
    why = _("Why:")
    for section in sections:
        lines.append(f"== {section.title} ({section.total}) ==")
        for item in section.items:
            unit = f" · {item.unit}" if item.unit else ""
            lines += [f"- {item.code} {item.title}{unit}", f"  {why} {item.reason}",
                      f"  {item.url}"]
        if section.more:
            lines.append(ngettext("... and %(n)s more", "... and %(n)s more", section.more)
                         % {"n": section.more} + f": {my_url}")
        lines.append("")
    lines.append(f"{_('Your assignments:')} {my_url}")
    return "\n".join(lines) + "\n"


def _digest_html(c: dict) -> str:
    """The HTML digest, escaped piece by piece (like _digest_text, no template per person)."""
    e = escape
    parts = [f'<!doctype html>\n<html lang="{e(c["lang"])}"><head><meta charset="utf-8">'
             f'<title>{e(c["subject"])}</title></head>\n<body>\n<h1>{e(c["subject"])}</h1>']
    for section in c["sections"]:
        parts.append(f"<h2>{e(section.title)} ({section.total})</h2>\n<ul>")
        for item in section.items:
            unit = f" · {e(item.unit)}" if item.unit else ""
            parts.append(f'<li><a href="{e(item.url)}">{e(item.code)} {e(item.title)}</a>{unit}'
                         f'<br><small>{e(c["why"])} {e(item.reason)}</small></li>')
        parts.append("</ul>")
        if section.more:
            more = ngettext("... and %(n)s more", "... and %(n)s more", section.more) % {
                "n": section.more}
            parts.append(f'<p><a href="{e(c["my_url"])}">{e(more)}</a></p>')
    parts.append(
        f'<p><a href="{e(c["my_url"])}">{e(_("Your assignments"))}</a></p>\n<hr>\n'
        f'<p><small>{e(_("CCHC portal of Nghệ An"))} · '
        f'<a href="{e(c["preferences_url"])}">{e(_("Choose what you receive"))}</a> · '
        f'<a href="{e(c["unsubscribe_url"])}">{e(_("Stop these digests"))}</a></small></p>\n'
        "</body></html>\n")
    return "\n".join(parts)


def _unsubscribe_line(profile: Profile, url: str) -> str:
    with translation.override(profile.language):
        return _("Stop these digests: %(url)s") % {"url": url}


def _sections(person, memberships, by_unit, events, since, is_coordinator, province,
              due_until, detail_url) -> list[Section]:
    due = Section("due", _("Due soon"))
    overdue = Section("overdue", _("Overdue"))
    changes = Section("changes", _("Returned, verified or extended since your last digest"))
    escalated = Section("escalated", _("Escalated to you as head of the unit"))
    to_province = Section("province", _("Escalated to Sở Nội vụ"))
    head_after = settings.NOTIFY_ESCALATE_HEAD_DAYS
    for unit_id, role in memberships:
        for pk, code, title, unit, due_date, is_overdue, stale, late in by_unit.get(unit_id, []):
            url = detail_url.format(pk)
            if is_overdue:
                reason = ngettext("overdue by %(n)s working day", "overdue by %(n)s working days",
                                  late) % {"n": late}
                overdue.add(Item(pk, code, title, unit, reason, url))
            elif due_date <= due_until:
                due.add(Item(pk, code, title, unit, _("due on %(date)s") % {
                    "date": due_date.strftime("%d/%m/%Y")}, url))
            if role == Membership.Role.HEAD and (late >= head_after or stale):
                if late >= head_after:
                    why = _("overdue %(n)s working days: %(limit)s or more are escalated") % {
                        "n": late, "limit": head_after}
                else:
                    why = _("no report for %(days)s days") % {"days": settings.STALE_DAYS}
                escalated.add(Item(pk, code, title, unit, why, url))
        for event in sorted(events.get(unit_id, []), key=lambda e: e[0] if e[0] != "extended"
                            else e[1]):
            if event[0] == "extended":
                _k, at, new_due, a_id, _u, code, title, reason = event
                if at < since:
                    continue
                why = _("deadline extended to %(date)s: %(reason)s") % {
                    "date": new_due.strftime("%d/%m/%Y"), "reason": reason}
            else:
                at, decision, a_id, _u, code, title, reason = event
                if at < since:
                    continue
                why = (_("returned: %(reason)s") % {"reason": reason}
                       if decision == Verification.Decision.RETURNED else _("verified complete"))
            url = detail_url.format(a_id)
            changes.add(Item(a_id, code, title, "", why, url))
    if is_coordinator:
        limit = head_after + settings.NOTIFY_ESCALATE_PROVINCE_DAYS
        for pk, code, title, unit, _due, _o, _s, late in province:
            url = detail_url.format(pk)
            to_province.add(Item(pk, code, title, unit, _(
                "overdue %(n)s working days: %(limit)s or more go to Sở Nội vụ") % {
                "n": late, "limit": limit}, url))
    return [s for s in (changes, overdue, due, escalated, to_province) if s.total]
