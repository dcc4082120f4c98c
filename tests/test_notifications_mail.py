"""Mail over a real SMTP server (aiosmtpd in a thread): what arrives, retries, bounces.

notify() queues; services.send_due() sends. We read what the server received: headers (the
Vietnamese subject RFC 2047-encoded, List-Unsubscribe and its one-click POST), both parts,
absolute links; then the unsubscribe link is followed without logging in."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from notifications import services
from notifications.models import Delivery, Kind, Notice
from tests.smtp_server import SMTPServer
from units.models import Profile


@pytest.fixture
def smtp(settings):
    server = SMTPServer()
    server.start()
    settings.MAILERS = server.mailers()
    settings.SITE_URL = "https://cchc.nghean.gov.vn"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    yield server
    server.stop()


@pytest.fixture
def mailed_staff(staff_a):
    staff_a.email = "staff.a@nghean.gov.vn"
    staff_a.save()
    return staff_a


def _notify(user, assignment=None, **extra):
    return services.notify(
        users=[user], kind=Kind.RETURNED, assignment=assignment,
        subject="Báo cáo bị trả lại: 1.1 · Sở Tư pháp", body="Thiếu quyết định ban hành",
        url="/assignments/1/", **extra)


def test_a_notice_arrives_over_smtp_with_both_parts_links_and_unsubscribe(
        smtp, mailed_staff, assignment_a):
    notices = _notify(mailed_staff, assignment_a)
    assert len(notices) == 1
    assert services.send_due() == {"sent": 1, "retried": 0, "failed": 0}

    [message] = smtp.received
    head = re.split(rb"\r?\n\r?\n", smtp.raw[0], maxsplit=1)[0].decode("ascii")  # 7-bit
    assert re.search(r"^Subject: =\?utf-8\?", head, re.M), head  # RFC 2047-encoded
    assert message["Subject"] == "Báo cáo bị trả lại: 1.1 · Sở Tư pháp"
    assert message["To"] == "staff.a@nghean.gov.vn"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Thiếu quyết định ban hành" in text and "Thiếu quyết định ban hành" in html
    assert "https://cchc.nghean.gov.vn/assignments/1/" in text
    assert 'href="https://cchc.nghean.gov.vn/assignments/1/"' in html
    unsubscribe = re.fullmatch(r"<(https://cchc\.nghean\.gov\.vn/notifications/unsubscribe/"
                               r"[^>]+/)>", message["List-Unsubscribe"])
    assert unsubscribe, message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.group(1) in text

    # One click, no login: the mail client's RFC 8058 POST (no CSRF token) unsubscribes.
    path = unsubscribe.group(1).removeprefix("https://cchc.nghean.gov.vn")
    response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Profile.objects.get(user=mailed_staff).notify_returned is False
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.notice_id) == ("sent", 1, notices[0].pk)

    # Unsubscribed: the next one is a notice in the bell only.
    _notify(mailed_staff, assignment_a)
    assert Delivery.objects.count() == 1 and Notice.objects.count() == 2


def test_a_forged_unsubscribe_link_changes_nothing(smtp, mailed_staff, anonymous):
    response = anonymous.post("/notifications/unsubscribe/WzEsImRpZ2VzdCJd:forged:x/")
    assert response.status_code == 404
    assert not Profile.objects.filter(notify_returned=False).exists()


def test_messages_follow_the_recipients_language(smtp, mailed_staff, assignment_a):
    Profile.objects.create(user=mailed_staff, language="en")
    _notify(mailed_staff, assignment_a)
    services.send_due()
    text = smtp.received[0].get_body(("plain",)).get_content()
    assert "Open it in the portal" in text


def test_outage_nothing_lost_nothing_twice(smtp, settings, unit_a, assignment_a):
    """The server stops in the middle of a run: what was not sent stays queued, is retried
    with backoff once due, and goes out when the server is back; each message exactly once."""
    from tests.factories import MembershipFactory, UserFactory

    people = [UserFactory(username=f"p{i}", email=f"p{i}@nghean.gov.vn") for i in range(10)]
    for person in people:
        MembershipFactory(user=person, unit=unit_a)
    _notify_all = services.notify(users=people, kind=Kind.VERIFIED, subject="Đã xác nhận",
                                  url="/", assignment=assignment_a)
    assert len(_notify_all) == 10
    now = timezone.now()

    assert services.send_due(now=now, limit=4)["sent"] == 4
    smtp.stop()  # the mail server goes down
    first = services.send_due(now=now)
    assert first == {"sent": 0, "retried": 6, "failed": 0}
    waiting = Delivery.objects.filter(status="retried")
    assert waiting.count() == 6
    assert all(d.next_attempt_at > now and d.last_error for d in waiting)
    # Backoff: not due yet, nothing is tried.
    assert services.send_due(now=now + datetime.timedelta(seconds=1)) == {
        "sent": 0, "retried": 0, "failed": 0}
    # Still down at the first retry: the wait doubles.
    later = now + datetime.timedelta(seconds=settings.NOTIFY_RETRY_BASE_SECONDS + 1)
    assert services.send_due(now=later)["retried"] == 6
    assert {d.attempts for d in Delivery.objects.filter(status="retried")} == {2}
    assert all(d.next_attempt_at - later >= datetime.timedelta(
        seconds=2 * settings.NOTIFY_RETRY_BASE_SECONDS) for d in waiting.all())

    smtp.start()  # back, on the same port
    back = later + datetime.timedelta(hours=1)
    assert services.send_due(now=back) == {"sent": 6, "retried": 0, "failed": 0}
    assert services.send_due(now=back + datetime.timedelta(hours=1))["sent"] == 0
    received = sorted(m["To"] for m in smtp.received)
    assert received == sorted(p.email for p in people)  # nothing lost, nothing twice
    assert Delivery.objects.filter(status="sent").count() == 10


def test_a_5xx_answer_flags_the_address_as_bouncing(smtp, staff_a, assignment_a, caplog):
    staff_a.email = "bounce.me@nghean.gov.vn"
    staff_a.save()
    _notify(staff_a, assignment_a)
    assert services.send_due()["failed"] == 1
    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and "550" in delivery.last_error
    profile = Profile.objects.get(user=staff_a)
    assert profile.email_bounced and profile.email_bounced_at is not None
    assert "bounced" in caplog.text
    assert smtp.received == []
    # A bouncing address gets no more mail; the bell still tells.
    _notify(staff_a, assignment_a)
    assert Delivery.objects.count() == 1 and Notice.objects.count() == 2


def test_password_reset_mail_is_logged_and_sent(smtp, mailed_staff, anonymous):
    response = anonymous.post("/accounts/password-reset/", {"email": mailed_staff.email})
    assert response.status_code == 302
    delivery = Delivery.objects.get(kind="password_reset")
    services.send_due()
    [message] = smtp.received
    text = message.get_body(("plain",)).get_content()
    link = re.search(r"https://cchc\.nghean\.gov\.vn(/accounts/reset/[^\s]+/)", text)
    assert link, text
    assert delivery.to_address == mailed_staff.email
    # The link works: it leads to the form for a new password.
    follow = anonymous.get(link.group(1), follow=True)
    assert follow.status_code == 200 and b'name="new_password1"' in follow.content
