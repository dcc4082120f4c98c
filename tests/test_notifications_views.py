"""The bell, /notifications/, preferences, the conversation, "Nhắc việc", who hears of what."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from notifications import feed, services
from notifications.models import Kind, Notice
from solutions.models import Comment, Reminder
from solutions.services import record_progress
from units.models import Profile


def _notice(user, **extra):
    return Notice.objects.create(recipient=user, kind=Kind.COMMENT, subject="Trao đổi mới",
                                 url="/", **extra)


# --- The bell and /notifications/ ---------------------------------------------------------------


def test_the_bell_costs_one_count_query(staff_a, django_assert_num_queries):
    _notice(staff_a)
    _notice(staff_a)
    _notice(staff_a, read_at=timezone.now())
    request = RequestFactory().get("/")
    request.user = staff_a
    template = Template("{% load bell %}{% unread_count as n %}[{{ n }}]")
    with django_assert_num_queries(1):  # COUNT of the person's unread notices
        assert template.render(Context({"request": request})) == "[2]"


def test_the_bell_shows_on_every_page_with_the_unread_count(as_staff_a, staff_a):
    _notice(staff_a)
    response = as_staff_a.get(reverse("solutions:my-assignments"))
    assert b'class="bell bell--unread"' in response.content
    assert b'<span class="bell__count">1</span>' in response.content


def test_mark_one_then_all_read(as_staff_a, staff_a, staff_b):
    first, second = _notice(staff_a), _notice(staff_a)
    other = _notice(staff_b)
    page = as_staff_a.get(reverse("notifications:notice-list"))
    assert page.status_code == 200 and page.content.count(b"notice-item--unread") == 2
    response = as_staff_a.post(reverse("notifications:notice-read", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    # Someone else's notice: 404, unchanged.
    assert as_staff_a.post(reverse("notifications:notice-read", args=[other.pk])).status_code == 404
    as_staff_a.post(reverse("notifications:notice-read-all"))
    assert not Notice.objects.filter(recipient=staff_a).unread().exists()
    assert Notice.objects.filter(recipient=staff_b).unread().count() == 1


# --- Preferences -----------------------------------------------------------------------------------


def _prefs(**changes):
    return {"email": "ten@nghean.gov.vn", "phone": "0238 3844 201", "digest_frequency": "daily",
            "digest_time": "07:30", "language": "en", "notify_returned": "on"} | changes


def test_preferences_are_saved(as_staff_a, staff_a):
    response = as_staff_a.post(reverse("notifications:preferences"), _prefs())
    assert response.status_code == 302
    staff_a.refresh_from_db()
    profile = Profile.objects.get(user=staff_a)
    assert staff_a.email == "ten@nghean.gov.vn"
    assert (profile.language, profile.notify_returned, profile.notify_verified) == ("en", True,
                                                                                   False)
    assert response.cookies["django_language"].value == "en"


@pytest.mark.parametrize("email", ["not-an-address", "a@b", "x" * 300 + "@nghean.gov.vn",
                                   "<script>@x.vn"])
def test_an_invalid_email_is_refused(as_staff_a, staff_a, email):
    response = as_staff_a.post(reverse("notifications:preferences"), _prefs(email=email))
    assert response.status_code == 400
    assert b"field--error" in response.content
    staff_a.refresh_from_db()
    assert staff_a.email == ""


def test_a_new_address_clears_the_bounce(as_staff_a, staff_a):
    Profile.objects.create(user=staff_a, email_bounced=True, email_bounced_at=timezone.now())
    as_staff_a.post(reverse("notifications:preferences"), _prefs())
    assert Profile.objects.get(user=staff_a).email_bounced is False


# --- Events into notices: who hears of what ------------------------------------------------------


@pytest.fixture
def pending_a(assignment_a, staff_a):
    record_progress(assignment=assignment_a, user=staff_a, percent=100, note="Đã xong")
    return assignment_a


def _kinds(user) -> list[str]:
    return sorted(Notice.objects.filter(recipient=user).values_list("kind", flat=True))


def test_a_return_opens_the_conversation_and_tells_the_unit_only(
        as_coordinator, pending_a, staff_a, head_a, staff_b, assignment_b, coordinator):
    response = as_coordinator.post(reverse("solutions:assignment-return", args=[pending_a.pk]),
                                   {"reason": "Thiếu quyết định ban hành"})
    assert response.status_code == 302
    [opening] = Comment.objects.filter(assignment=pending_a)
    assert opening.body == "Thiếu quyết định ban hành" and opening.verification_id
    feed.process_events()
    returned = Notice.objects.get(recipient=staff_a, kind=Kind.RETURNED)
    assert returned.body == "Thiếu quyết định ban hành" and returned.assignment == pending_a
    assert Kind.RETURNED in _kinds(head_a)
    assert _kinds(coordinator) == [Kind.AWAITING]  # the 100% report, before the return
    # Unit B's staff never hear of unit A's assignment (their own new one, they do).
    assert not Notice.objects.filter(recipient=staff_b).exclude(assignment=assignment_b).exists()
    # Told once: a second run finds nothing new.
    feed.process_events()
    assert Notice.objects.filter(recipient=staff_a, kind=Kind.RETURNED).count() == 1


def test_comments_reach_the_people_involved_and_no_outsider(
        as_staff_a, as_staff_b, as_coordinator, pending_a, staff_a, staff_b, coordinator,
        head_a):
    as_coordinator.post(reverse("solutions:assignment-return", args=[pending_a.pk]),
                        {"reason": "Bổ sung biên bản"})
    url = reverse("solutions:assignment-comment", args=[pending_a.pk])
    assert as_staff_a.post(url, {"body": "Đã bổ sung, <script>alert(1)</script>"}).status_code == 302
    assert as_staff_b.post(url, {"body": "Xin chào"}).status_code == 404
    feed.process_events()
    comment = Notice.objects.get(recipient=coordinator, kind=Kind.COMMENT)
    assert "<script>" in comment.body  # stored as written...
    assert Notice.objects.filter(recipient=head_a, kind=Kind.COMMENT).exists()
    assert not Notice.objects.filter(recipient=staff_a, kind=Kind.COMMENT).exists()  # the author
    assert not Notice.objects.filter(recipient=staff_b).exists()
    page = as_staff_a.get(pending_a.get_absolute_url())
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.content  # ...and shown escaped
    assert b"<script>alert(1)" not in page.content
    assert page.content.index(b"B\xe1\xbb\x95 sung bi\xc3\xaan b\xe1\xba\xa3n") < \
        page.content.index(b"&lt;script&gt;")  # the return reason comes first
    # Unit B's staff cannot read the conversation at all.
    assert as_staff_b.get(pending_a.get_absolute_url()).status_code == 404
    # notify() itself drops whoever may not see the assignment.
    assert services.notify(users=[staff_b], kind=Kind.COMMENT, subject="x",
                           assignment=pending_a) == []


def test_a_megabyte_comment_gets_a_clear_message(as_staff_a, assignment_a):
    url = reverse("solutions:assignment-comment", args=[assignment_a.pk])
    response = as_staff_a.post(url, {"body": "x" * 1_000_000})
    assert response.status_code == 400
    assert "at most 5000 characters".encode() in response.content or \
        "tối đa 5000 ký tự".encode() in response.content
    assert not Comment.objects.exists()
    assert as_staff_a.post(url, {"body": "a\x00b"}).status_code == 400  # the NUL middleware
    assert as_staff_a.post(url, {"body": "   "}).status_code == 400


def test_a_comment_attachment_is_checked_like_evidence(as_staff_a, assignment_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("solutions:assignment-comment", args=[assignment_a.pk])
    bad = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    assert as_staff_a.post(url, {"body": "Kèm tệp", "attachment": bad}).status_code == 400
    good = SimpleUploadedFile("bb.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    assert as_staff_a.post(url, {"body": "Kèm tệp", "attachment": good}).status_code == 302
    comment = Comment.objects.get()
    download = as_staff_a.get(comment.get_attachment_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_comments_and_reminders_are_append_only_in_the_database(assignment_a, staff_a):
    comment = Comment.objects.create(assignment=assignment_a, author=staff_a, body="Một")
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(body="Hai")
    reminder = Reminder.objects.create(assignment=assignment_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.filter(pk=reminder.pk).delete()


def test_remind_at_most_once_a_day_with_a_message(as_coordinator, as_leader, assignment_a,
                                                  staff_a, staff_b):
    url = reverse("solutions:assignment-remind", args=[assignment_a.pk])
    first = as_coordinator.post(url, {"message": "Đề nghị cập nhật trước 14/12"}, follow=True)
    assert first.status_code == 200
    second = as_coordinator.post(url, {"message": "Lần hai"}, follow=True)
    assert second.status_code == 200
    assert "already reminded today".encode() in second.content or \
        "đã được nhắc hôm nay".encode() in second.content
    assert Reminder.objects.filter(assignment=assignment_a).count() == 1
    assert as_leader.post(url, {"message": ""}).status_code == 403
    feed.process_events()
    notice = Notice.objects.get(recipient=staff_a, kind=Kind.REMINDER)
    assert notice.body == "Đề nghị cập nhật trước 14/12"
    assert not Notice.objects.filter(recipient=staff_b).exists()
    page = as_coordinator.get(assignment_a.get_absolute_url())
    assert b'action="/assignments/%d/remind/"' % assignment_a.pk in page.content


def test_remind_a_whole_unit(as_coordinator, assignment_a, unit_a, plan):
    from tests.factories import AssignmentFactory, TaskFactory

    AssignmentFactory(task=TaskFactory(plan=plan), unit=unit_a)
    response = as_coordinator.post(reverse("solutions:unit-remind", args=[unit_a.pk]),
                                   {"message": ""})
    assert response.status_code == 302
    assert Reminder.objects.filter(assignment__unit=unit_a).count() == 2
    as_coordinator.post(reverse("solutions:unit-remind", args=[unit_a.pk]), {"message": ""})
    assert Reminder.objects.filter(assignment__unit=unit_a).count() == 2  # once a day


def test_password_reset_is_rate_limited(anonymous, settings):
    settings.PASSWORD_RESET_RATE = "3/h"
    url = reverse("password_reset")
    statuses = [anonymous.post(url, {"email": "ai@nghean.gov.vn"}).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert anonymous.get(url).status_code == 200  # reading the form is not limited
