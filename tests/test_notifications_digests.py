"""Digests, escalation and the working-day calendar (notifications.digests, .calendar)."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.calendar import WorkingCalendar
from notifications.digests import build_digests
from notifications.models import CalendarDay, Delivery, Notice
from solutions.services import record_progress, return_completion
from tests.factories import AssignmentFactory, MembershipFactory, TaskFactory, UnitFactory
from tests.factories import UserFactory
from units.models import Profile


def _at(day: datetime.date, hour=9, minute=0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def calendar(today):
    return WorkingCalendar.around(today)


@pytest.fixture
def workday(today, calendar):
    """A working day at or after today (digests go on working days only)."""
    day = today
    while not calendar.is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


@pytest.fixture
def unit_a_work(plan, unit_a, workday, calendar, coordinator):
    """Unit A: one assignment due in 2 working days, one overdue 7 working days, one overdue
    20 working days, and one returned by the coordinator today (with its reason)."""
    def assignment(code, due):
        return AssignmentFactory(task=TaskFactory(plan=plan, code=code, due_date=due), unit=unit_a)

    soon = assignment("9.1", calendar.add_working_days(workday, 2))
    late = assignment("9.2", calendar.add_working_days(workday, -7))
    very_late = assignment("9.3", calendar.add_working_days(workday, -20))
    returned = assignment("9.4", workday + datetime.timedelta(days=60))
    for a in (soon, late, very_late, returned):
        a.created_at = timezone.now()  # not stale
        a.save()
    staff = UserFactory(username="reporter_a")
    MembershipFactory(user=staff, unit=unit_a)
    record_progress(assignment=returned, user=staff, percent=100, note="Xong")
    return_completion(assignment=returned, user=coordinator, reason="Thiếu biên bản nghiệm thu")
    return {"soon": soon, "late": late, "very_late": very_late, "returned": returned}


def _digest(user, workday) -> Notice | None:
    return Notice.objects.filter(recipient=user, dedupe_key=f"digest:{workday.isoformat()}").first()


def test_a_staff_digest_says_what_is_due_overdue_and_returned_and_why(
        unit_a_work, staff_a, staff_b, workday, unit_b):
    staff_a.email = "a@nghean.gov.vn"
    staff_a.save()
    stats = build_digests(now=_at(workday))
    assert stats["built"] >= 1
    notice = _digest(staff_a, workday)
    text = notice.body
    assert "9.1" in text and "9.2" in text and "9.3" in text
    assert "overdue by 7 working days" in text or "quá hạn 7 ngày làm việc" in text
    assert "Thiếu biên bản nghiệm thu" in text  # returned, with the reason
    # One digest, never one message per task.
    assert Notice.objects.filter(recipient=staff_a).count() == 1
    delivery = Delivery.objects.get(recipient=staff_a)
    assert delivery.kind == "digest" and "9.2" in delivery.body_html
    assert "/notifications/unsubscribe/" in delivery.unsubscribe_url
    # Unit B's staff hear nothing of unit A's work (and unit B has nothing: no digest at all).
    assert _digest(staff_b, workday) is None
    assert not Notice.objects.filter(recipient=staff_b).exists()


def test_nothing_to_say_nothing_sent(staff_b, assignment_b, workday):
    # Unit B's one assignment is due in 20 days: not due soon, not overdue, nothing changed.
    build_digests(now=_at(workday))
    assert _digest(staff_b, workday) is None


def test_a_digest_is_built_once_a_day(unit_a_work, staff_a, workday):
    staff_a.email = "a@nghean.gov.vn"
    staff_a.save()
    build_digests(now=_at(workday))
    again = build_digests(now=_at(workday, 15))
    assert again["built"] == 0
    assert Notice.objects.filter(recipient=staff_a, kind="digest").count() == 1
    assert Delivery.objects.filter(recipient=staff_a).count() == 1


def test_the_head_gets_escalations_and_sở_nội_vụ_the_oldest(
        unit_a_work, head_a, staff_a, coordinator, workday, settings):
    settings.NOTIFY_ESCALATE_HEAD_DAYS = 5
    settings.NOTIFY_ESCALATE_PROVINCE_DAYS = 10
    for person in (head_a, coordinator):  # messages in the person's language: English here
        Profile.objects.create(user=person, language="en")
    build_digests(now=_at(workday))
    head = _digest(head_a, workday).body
    escalated = head.split("Escalated to you as head of the unit", 1)
    assert len(escalated) == 2, head
    assert "9.2" in escalated[1] and "5 or more are escalated" in escalated[1]
    assert "Chuyển lên lãnh đạo đơn vị" not in _digest(staff_a, workday).body  # Vietnamese
    province = _digest(coordinator, workday).body
    assert "Escalated to Sở Nội vụ" in province
    assert "9.3" in province and "9.2" not in province  # 20 >= 15 working days; 7 is not


def test_the_digest_time_and_the_weekly_choice(unit_a_work, staff_a, workday, calendar):
    Profile.objects.create(user=staff_a, digest_time=datetime.time(10, 0))
    build_digests(now=_at(workday, 9, 59))
    assert _digest(staff_a, workday) is None
    Profile.objects.filter(user=staff_a).update(digest_frequency="weekly")
    build_digests(now=_at(workday, 10, 1))
    first = calendar.first_working_day_of_week(workday)
    assert (_digest(staff_a, workday) is not None) == (first == workday)
    Profile.objects.filter(user=staff_a).update(digest_frequency="off")
    following = calendar.add_working_days(workday, 1)
    build_digests(now=_at(following, 11))
    assert _digest(staff_a, following) is None


def test_nothing_is_sent_on_a_day_off(unit_a_work, staff_a, workday):
    CalendarDay.objects.create(date=workday, kind="day_off", name="Nghỉ bù")
    assert build_digests(now=_at(workday)) == {"candidates": 0, "built": 0, "empty": 0,
                                                "mailed": 0}
    assert not Notice.objects.filter(kind="digest").exists()


# --- The calendar ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_tet_and_national_days_are_not_working_days():
    calendar = WorkingCalendar([2026])
    assert not calendar.is_working_day(datetime.date(2026, 2, 17))  # Tết Bính Ngọ (lunar)
    assert not calendar.is_working_day(datetime.date(2026, 9, 2))  # Quốc khánh
    assert not calendar.is_working_day(datetime.date(2026, 4, 30))
    assert calendar.is_working_day(datetime.date(2026, 3, 10))
    assert not calendar.is_working_day(datetime.date(2026, 3, 14))  # a Saturday


@pytest.mark.django_db
def test_announced_swaps_are_read_from_the_calendar_exceptions():
    CalendarDay.objects.create(date=datetime.date(2026, 3, 14), kind="working_day",
                               name="Làm bù")
    CalendarDay.objects.create(date=datetime.date(2026, 3, 13), kind="day_off", name="Nghỉ bù")
    calendar = WorkingCalendar([2026])
    assert calendar.is_working_day(datetime.date(2026, 3, 14))
    assert not calendar.is_working_day(datetime.date(2026, 3, 13))
    # Thursday 12/3 + 1 working day: Friday is off, Saturday is worked.
    assert calendar.add_working_days(datetime.date(2026, 3, 12), 1) == datetime.date(2026, 3, 14)
    assert calendar.working_days_between(datetime.date(2026, 3, 12),
                                         datetime.date(2026, 3, 16)) == 2


# --- Scale and concurrency ------------------------------------------------------------------------


def _people(unit, n, prefix):
    for i in range(n):
        MembershipFactory(user=UserFactory(username=f"{prefix}{i}", email=f"{prefix}{i}@x.vn"),
                          unit=unit)


def _count_build(now) -> int:
    with CaptureQueriesContext(connection) as captured:
        build_digests(now=now)
    return len(captured)


def test_the_query_count_does_not_grow_with_people_or_units(plan, workday, calendar):
    def grow(n, prefix):
        for _ in range(n):
            unit = UnitFactory()
            AssignmentFactory(task=TaskFactory(plan=plan, due_date=calendar.add_working_days(
                workday, -3)), unit=unit)
            _people(unit, 2, f"{prefix}{unit.pk}-")

    grow(2, "s")
    small = _count_build(_at(workday))
    Notice.objects.all().delete()
    Delivery.objects.all().delete()
    grow(20, "l")
    large = _count_build(_at(workday))
    # people, today's digests, coordinators, last digests, memberships, open assignments,
    # verifications, extensions, the calendar's exceptions; then insert the notices, read back
    # those won, insert the deliveries (a savepoint's queries around them) and the task enqueue.
    assert small == large
    assert Notice.objects.filter(kind="digest").count() == 44


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_build_one_digest_per_person(plan, unit_a, workday, calendar):
    AssignmentFactory(task=TaskFactory(plan=plan, due_date=calendar.add_working_days(workday, -2)),
                      unit=unit_a)
    _people(unit_a, 12, "c")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(build_digests(now=_at(workday)))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sum(r["built"] for r in results) == 12
    assert Notice.objects.filter(kind="digest").count() == 12
    assert Delivery.objects.filter(kind="digest").count() == 12
    assert len(set(Notice.objects.values_list("recipient_id", flat=True))) == 12
