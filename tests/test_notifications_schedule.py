"""The schedule: cut-off reminders (staggered), reporting compliance, run_schedule, and a real
enqueue -> db_worker run of the mail task."""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from notifications.calendar import WorkingCalendar
from notifications.cutoffs import send_cutoff_reminders
from notifications.models import Delivery, Kind, Notice
from notifications.services import notify
from plans.services import ensure_periods
from solutions.models import Reminder, compliance_summary, current_reporting_window
from solutions.models import reporting_compliance
from solutions.services import record_progress, reminder_send
from tests.factories import AssignmentFactory, MembershipFactory, TaskFactory, UnitFactory
from tests.factories import UserFactory


@pytest.fixture
def periods(plan):
    ensure_periods(plan)
    return plan


def _cutoff_window(plan, today):
    return current_reporting_window(plan, today)


# --- Compliance: defined once ----------------------------------------------------------------------


def test_compliance_counts_reports_in_the_current_window_and_silent_reminded_units(
        periods, unit_a, unit_b, staff_a, coordinator, today):
    start, cutoff, _period = _cutoff_window(periods, today)
    a1 = AssignmentFactory(task=TaskFactory(plan=periods), unit=unit_a)
    a2 = AssignmentFactory(task=TaskFactory(plan=periods), unit=unit_a)
    b1 = AssignmentFactory(task=TaskFactory(plan=periods), unit=unit_b)
    record_progress(assignment=a1, user=staff_a, percent=40, note="Đang làm")
    reminder_send(assignment=b1, user=coordinator, message="")
    reminder_send(assignment=a2, user=coordinator, message="")
    record_progress(assignment=a2, user=staff_a, percent=20, note="Đã bắt đầu")  # heeded
    rows = reporting_compliance(a1.__class__.objects.filter(task__plan=periods), since=start,
                                on=today)
    assert rows[unit_a.pk] | {} == {"open": 2, "reported": 2, "share": 1.0, "reminded_silent": 0}
    assert rows[unit_b.pk]["share"] == 0.0 and rows[unit_b.pk]["reminded_silent"] == 1
    summary = compliance_summary(a1.__class__.objects.filter(task__plan=periods), since=start,
                                 on=today)
    assert (summary["open"], summary["reported"], summary["silent_unit_ids"]) == (
        3, 2, [unit_b.pk])
    assert summary["percent"] == 66.7


def test_the_unit_page_and_the_dashboard_show_compliance(
        as_coordinator, as_staff_b, periods, unit_a, unit_b, coordinator):
    AssignmentFactory(task=TaskFactory(plan=periods), unit=unit_a)
    b1 = AssignmentFactory(task=TaskFactory(plan=periods), unit=unit_b)
    reminder_send(assignment=b1, user=coordinator, message="")
    page = as_coordinator.get(reverse("insight:unit-detail", args=[unit_b.pk]))
    assert b'id="compliance"' in page.content
    assert re.search(rb'compliance__figure">0[,.]0%', page.content)
    assert b'action="/units/%d/remind/"' % unit_b.pk in page.content
    dashboard = as_coordinator.get(reverse("insight:dashboard"))
    assert b'id="compliance"' in dashboard.content
    assert unit_b.short_name.encode() in dashboard.content.split(b'id="compliance"')[1]
    # Unit B's staff see their own unit's compliance but no remind button.
    own = as_staff_b.get(reverse("insight:unit-detail", args=[unit_b.pk]))
    assert b'id="compliance"' in own.content and b"/remind/" not in own.content


# --- Reminders before a cut-off --------------------------------------------------------------------


def test_cutoff_reminders_are_staggered_and_sent_once(periods, today, settings):
    settings.NOTIFY_REMINDER_FIRST_WORKING_DAYS = 5
    settings.NOTIFY_REMINDER_SECOND_WORKING_DAYS = 2
    calendar = WorkingCalendar.around(today)
    _start, cutoff, _period = _cutoff_window(periods, today)
    units = {kind: UnitFactory(kind=kind) for kind in ("commune", "provincial", "district")}
    people = {}
    for kind, unit in units.items():
        AssignmentFactory(task=TaskFactory(plan=periods, due_date=cutoff + datetime.timedelta(
            days=30)), unit=unit)
        people[kind] = UserFactory(username=f"u-{kind}", email=f"{kind}@x.vn")
        MembershipFactory(user=people[kind], unit=unit)
    first_day = calendar.add_working_days(cutoff, -5)
    second_day = calendar.add_working_days(cutoff, -2)
    while not calendar.is_working_day(first_day):
        first_day += datetime.timedelta(days=1)

    before = calendar.add_working_days(first_day, -1)
    send_cutoff_reminders(today=before)
    assert not Notice.objects.exists()

    send_cutoff_reminders(today=first_day)
    told = set(Notice.objects.values_list("recipient__username", flat=True))
    assert told == ({"u-commune", "u-provincial"} if first_day < second_day
                    else {"u-commune", "u-provincial", "u-district"})
    send_cutoff_reminders(today=second_day)
    send_cutoff_reminders(today=second_day)  # a second run: nothing new
    assert Notice.objects.filter(kind=Kind.REMINDER).count() == 3
    assert Reminder.objects.filter(sent_by__isnull=True).count() >= 3
    assert "Reminder: report before the cut-off" in Notice.objects.first().subject or \
        Notice.objects.first().subject.startswith("Nhắc")


# --- run_schedule and the worker ---------------------------------------------------------------------


def test_run_schedule_is_idempotent(periods, unit_a, staff_a, assignment_a, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    staff_a.email = "a@nghean.gov.vn"
    staff_a.save()
    call_command("run_schedule")
    first = (Notice.objects.count(), Delivery.objects.count())
    call_command("run_schedule")
    assert (Notice.objects.count(), Delivery.objects.count()) == first
    assert first[0] >= 1  # at least the new assignment was told
    assert Delivery.objects.filter(status="queued").count() == 0  # sent by the (immediate) task


@pytest.mark.django_db(transaction=True)
def test_a_real_enqueue_is_run_by_the_db_worker(staff_a, unit_a, assignment_a, settings):
    """The task goes into django_tasks_db's table; `manage.py db_worker --batch` runs it."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    staff_a.email = "a@nghean.gov.vn"
    staff_a.save()
    notify(users=[staff_a], kind=Kind.RETURNED, subject="Báo cáo bị trả lại", url="/",
           assignment=assignment_a)
    assert DBTaskResult.objects.count() == 1  # enqueued on commit
    assert Delivery.objects.get().status == "queued"
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0.1")
    result = DBTaskResult.objects.get()
    assert result.status == "SUCCESSFUL", result.status
    assert Delivery.objects.get().status == "sent"
    assert [m.subject for m in mail.outbox] == ["Báo cáo bị trả lại"]
