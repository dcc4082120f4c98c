"""Events into notices: the schedule reads what was written since its last run (new reports,
returns, verifications, extensions, assignments, comments, reminders) and tells the people
concerned. Reading the append-only tables keeps the layers one-way (solutions never imports
notifications) and makes every event told once: each source's cursor is locked while it
advances, in the transaction that creates the notices."""

import datetime
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import Cursor, Kind
from notifications.services import notify
from solutions.models import Assignment, Comment, DeadlineExtension, ProgressEntry, Reminder
from solutions.models import Verification
from units.access import COORDINATORS_GROUP
from units.models import Membership

BATCH = 500
# Rows older than this when first seen are history, not news (a first run on an old database).
MAX_AGE = datetime.timedelta(days=2)


def _members(unit_ids) -> dict[int, list]:
    found = defaultdict(list)
    for m in Membership.objects.filter(unit_id__in=set(unit_ids), user__is_active=True) \
            .select_related("user"):
        found[m.unit_id].append(m.user)
    return found


def _coordinators() -> list:
    User = get_user_model()
    return list(User.objects.filter(groups__name=COORDINATORS_GROUP, is_active=True).distinct())


def _label(assignment: Assignment) -> str:
    return f"{assignment.task.code} · {assignment.unit.label}"


def _advance(name: str, queryset, time_field: str, handle) -> int:
    """Hand the source's new rows to `handle`, then move its cursor: together or not at all."""
    with transaction.atomic():
        cursor, _created = Cursor.objects.get_or_create(name=name)
        cursor = Cursor.objects.select_for_update().get(pk=cursor.pk)
        rows = list(queryset.filter(pk__gt=cursor.last_id).order_by("pk")[:BATCH])
        if not rows:
            return 0
        oldest = timezone.now() - MAX_AGE
        fresh = [r for r in rows if getattr(r, time_field) >= oldest]
        if fresh:
            handle(fresh)
        cursor.last_id = rows[-1].pk
        cursor.save(update_fields=["last_id"])
        return len(fresh)


def _verifications(rows):
    members = _members(r.assignment.unit_id for r in rows)
    for v in rows:
        a = v.assignment
        if v.decision == Verification.Decision.RETURNED:
            notify(users=members[a.unit_id], kind=Kind.RETURNED, assignment=a,
                   url=a.get_absolute_url() + "#conversation",
                   subject=lambda u, a=a: _("Report returned: %(label)s") % {"label": _label(a)},
                   body=v.reason)
        else:
            notify(users=members[a.unit_id], kind=Kind.VERIFIED, assignment=a,
                   url=a.get_absolute_url(),
                   subject=lambda u, a=a: _("Verified complete: %(label)s") % {"label": _label(a)},
                   body=lambda u, a=a: _("Done on %(date)s.") % {
                       "date": a.completed_on.strftime("%d/%m/%Y") if a.completed_on else ""})


def _extensions(rows):
    members = _members(r.assignment.unit_id for r in rows)
    for x in rows:
        a = x.assignment
        notify(users=members[a.unit_id], kind=Kind.EXTENDED, assignment=a,
               url=a.get_absolute_url() + "#extensions",
               subject=lambda u, a=a: _("Deadline extended: %(label)s") % {"label": _label(a)},
               body=lambda u, x=x: _("New deadline: %(date)s. Reason: %(reason)s") % {
                   "date": x.new_due_date.strftime("%d/%m/%Y"), "reason": x.reason})


def _entries(rows):
    members = _members(r.assignment.unit_id for r in rows)
    coordinators = None
    for e in rows:
        a = e.assignment
        others = [u for u in members[a.unit_id] if u.pk != e.reported_by_id]
        notify(users=others, kind=Kind.REPORT, assignment=a, url=a.get_absolute_url() + "#history",
               subject=lambda u, a=a, e=e: _("New report %(percent)s%%: %(label)s") % {
                   "percent": e.percent, "label": _label(a)},
               body=e.note[:1000])
        if e.percent == 100:
            coordinators = _coordinators() if coordinators is None else coordinators
            notify(users=coordinators, kind=Kind.AWAITING, assignment=a,
                   url=a.get_absolute_url() + "#verify",
                   subject=lambda u, a=a: _("100%% report awaiting verification: %(label)s") % {
                       "label": _label(a)},
                   body=e.note[:1000])


def _assignments(rows):
    members = _members(r.unit_id for r in rows)
    for a in rows:
        notify(users=members[a.unit_id], kind=Kind.ASSIGNED, assignment=a,
               url=a.get_absolute_url(),
               subject=lambda u, a=a: _("New assignment for your unit: %(label)s") % {
                   "label": _label(a)},
               body=a.task.title)


def _comments(rows):
    rows = [c for c in rows if c.verification_id is None]  # a return: told as "returned"
    if not rows:
        return
    assignment_ids = {c.assignment_id for c in rows}
    members = _members(c.assignment.unit_id for c in rows)
    coordinators = {u.pk: u for u in _coordinators()}
    # Coordinators who took part: wrote in the conversation, decided, or reminded.
    involved = defaultdict(set)
    for a_id, author in Comment.objects.filter(assignment_id__in=assignment_ids) \
            .values_list("assignment_id", "author_id"):
        involved[a_id].add(author)
    for a_id, who in Verification.objects.filter(assignment_id__in=assignment_ids) \
            .values_list("assignment_id", "decided_by_id"):
        involved[a_id].add(who)
    for a_id, who in Reminder.objects.filter(assignment_id__in=assignment_ids,
                                             sent_by__isnull=False) \
            .values_list("assignment_id", "sent_by_id"):
        involved[a_id].add(who)
    for c in rows:
        a = c.assignment
        taking_part = [coordinators[i] for i in involved[a.pk] if i in coordinators]
        people = {u.pk: u for u in members[a.unit_id] + (taking_part or list(coordinators.values()))}
        people.pop(c.author_id, None)
        notify(users=list(people.values()), kind=Kind.COMMENT, assignment=a,
               url=a.get_absolute_url() + "#conversation",
               subject=lambda u, a=a: _("New comment: %(label)s") % {"label": _label(a)},
               body=c.body[:1000])


def _reminders(rows):
    rows = [r for r in rows if r.sent_by_id is not None]  # the cut-off's are told per unit
    members = _members(r.assignment.unit_id for r in rows)
    for r in rows:
        a = r.assignment
        notify(users=members[a.unit_id], kind=Kind.REMINDER, assignment=a,
               url=a.get_absolute_url(),
               subject=lambda u, a=a: _("Reminder (Nhắc việc): %(label)s") % {"label": _label(a)},
               body=r.message or (lambda u: _("Sở Nội vụ asks your unit to report progress.")))


SOURCES = [
    ("verifications", Verification.objects.select_related("assignment__task", "assignment__unit"),
     "decided_at", _verifications),
    ("extensions", DeadlineExtension.objects.select_related("assignment__task",
                                                            "assignment__unit"),
     "decided_at", _extensions),
    ("entries", ProgressEntry.objects.select_related("assignment__task", "assignment__unit"),
     "reported_at", _entries),
    ("assignments", Assignment.objects.select_related("task", "unit"), "created_at",
     _assignments),
    ("comments", Comment.objects.select_related("assignment__task", "assignment__unit"),
     "created_at", _comments),
    ("reminders", Reminder.objects.select_related("assignment__task", "assignment__unit"),
     "sent_at", _reminders),
]


def process_events() -> dict[str, int]:
    """Turn every source's new rows into notices (a batch each per call)."""
    return {name: _advance(name, qs, field, handle) for name, qs, field, handle in SOURCES}
