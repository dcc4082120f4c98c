"""The notifications' writes: notices, queued mail and its sending, read marks, unsubscribing.

Other apps call notify(); the schedule's jobs (notifications.jobs) call it too.
"""

import datetime
import logging
import smtplib
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import mailers
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from notifications import access, mail
from notifications.models import Delivery, Kind, Notice
from units.models import Profile

logger = logging.getLogger(__name__)

Text = str | Callable[[object], str]


def profiles_for(users: Iterable) -> dict[int, Profile]:
    """Each person's profile (one query); an unsaved default one for those who have none."""
    users = list(users)
    found = {p.user_id: p for p in Profile.objects.filter(user__in=[u.pk for u in users])}
    return {u.pk: found.get(u.pk) or Profile(user=u) for u in users}


def can_mail(user, profile: Profile) -> bool:
    return bool(user.email) and user.is_active and not profile.email_bounced


def _text(value: Text, user) -> str:
    return str(value(user) if callable(value) else value)


def render_mail(*, user, profile: Profile, kind: str, subject: str, body: str, url: str,
                template: str = "notifications/email/notice", extra: dict | None = None):
    """(text, html, unsubscribe link) of a message in the recipient's language."""
    unsubscribe = mail.unsubscribe_url(user.pk, kind)
    context = {"user": user, "subject": subject, "body": body, "url": mail.absolute(url),
               "unsubscribe_url": unsubscribe, "site_url": settings.SITE_URL,
               "kind_label": Kind(kind).label, "lang": profile.language,
               "preferences_url": mail.absolute("/notifications/preferences/"),
               **(extra or {})}
    with translation.override(profile.language):
        return (render_to_string(f"{template}.txt", context).strip() + "\n",
                render_to_string(f"{template}.html", context), unsubscribe)


def notify(
    *,
    users: Iterable,
    kind: str,
    subject: Text,
    body: Text = "",
    url: str = "",
    assignment=None,
    dedupe_key: str = "",
    mail_always: bool = False,
) -> list[Notice]:
    """Tell people something: a notice in their bell and, if they want this kind at once
    (Profile.notify_<kind>) and have a working address, a mail queued for the worker.

    users: the people; when `assignment` is given, only those who may see it (its unit's
        members, coordinators, leaders) are told, whatever the caller passed.
    kind: a notifications.models.Kind value; it names the preference and the unsubscribe link.
    subject, body: text, or a function of the recipient returning it (called in the
        recipient's language, so messages follow each person's choice).
    url: the portal path of the object (made absolute from SITE_URL in mail).
    dedupe_key: with one, a person gets at most one notice for the key, even from two
        concurrent callers (a database constraint); the second call creates nothing.
    mail_always: mail even when the person has not asked for this kind (a digest).
    Returns the notices created. Queries: a constant number whatever the number of people.
    """
    users = [u for u in users if u is not None]
    if assignment is not None and users:
        users = access.may_see_unit(users, assignment.unit_id)
    if not users:
        return []
    profiles = profiles_for(users)
    run = uuid.uuid4().hex
    now = timezone.now()
    notices = []
    for user in users:
        with translation.override(profiles[user.pk].language):
            notices.append(Notice(
                recipient=user, kind=kind, subject=_text(subject, user)[:300],
                body=_text(body, user), url=url, assignment=assignment,
                dedupe_key=dedupe_key, run=run, created_at=now,
            ))
    with transaction.atomic():
        if dedupe_key:
            Notice.objects.bulk_create(notices, ignore_conflicts=True)
            # What this call won: rows another caller had already made were skipped.
            notices = list(Notice.objects.filter(run=run).select_related("recipient"))
        else:
            Notice.objects.bulk_create(notices)
        by_user = {u.pk: u for u in users}
        deliveries = []
        for notice in notices:
            user = by_user[notice.recipient_id]
            profile = profiles[user.pk]
            if not can_mail(user, profile) or not (mail_always or profile.wants(kind)):
                continue
            text, html, unsubscribe = render_mail(
                user=user, profile=profile, kind=kind, subject=notice.subject,
                body=notice.body, url=url)
            deliveries.append(Delivery(
                recipient=user, to_address=user.email, kind=kind, subject=notice.subject,
                body_text=text, body_html=html, unsubscribe_url=unsubscribe, notice=notice,
            ))
        queue_deliveries(deliveries)
    return notices


def queue_deliveries(deliveries: list[Delivery]) -> None:
    """Save queued messages and, once committed, have the worker send them."""
    if not deliveries:
        return
    Delivery.objects.bulk_create(deliveries)
    transaction.on_commit(enqueue_sending)


def enqueue_sending() -> None:
    from notifications.tasks import send_queued_mail

    send_queued_mail.enqueue()


def queue_mail(*, to: str, kind: str, subject: str, text: str, html: str = "",
               user=None) -> Delivery:
    """One message outside notices (the password reset), logged and sent like the others."""
    delivery = Delivery(recipient=user, to_address=to, kind=kind, subject=subject[:300],
                        body_text=text, body_html=html)
    with transaction.atomic():
        queue_deliveries([delivery])
    return delivery


# --- Sending --------------------------------------------------------------------------------


def backoff(attempts: int) -> datetime.timedelta:
    """Wait before the next try: doubling from NOTIFY_RETRY_BASE_SECONDS, at most 6 hours."""
    seconds = settings.NOTIFY_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, 6 * 3600))


def _permanent(error: Exception) -> bool:
    """An SMTP 5xx answer about the recipient: the address is bad, retrying will not help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600 and not isinstance(
            error, smtplib.SMTPAuthenticationError)
    return False


def _flag_bounce(delivery: Delivery, now) -> None:
    if delivery.recipient_id is None:
        return
    Profile.objects.get_or_create(user_id=delivery.recipient_id)
    Profile.objects.filter(user_id=delivery.recipient_id).update(
        email_bounced=True, email_bounced_at=now)


def send_due(*, now: datetime.datetime | None = None, limit: int | None = None) -> dict:
    """Send the queued messages that are due, one SMTP connection for all.

    Each message is locked (skip locked) while it is sent and its outcome saved in the same
    transaction: two workers never send one message twice. A refused connection or a 4xx
    leaves it queued for a retry with backoff; a 5xx marks it failed and the address bouncing.
    """
    now = now or timezone.now()
    counts = {"sent": 0, "retried": 0, "failed": 0}
    due = list(
        Delivery.objects.filter(status__in=[Delivery.Status.QUEUED, Delivery.Status.RETRIED],
                                next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]
    )
    if not due:
        return counts
    connection = mailers.default
    opened = False
    try:
        for pk in due:
            with transaction.atomic():
                delivery = (Delivery.objects.select_for_update(skip_locked=True)
                            .filter(pk=pk, status__in=[Delivery.Status.QUEUED,
                                                       Delivery.Status.RETRIED]).first())
                if delivery is None:
                    continue  # another worker has it, or sent it meanwhile
                delivery.attempts += 1
                try:
                    if not opened:
                        connection.open()
                        opened = True
                    connection.send_messages([mail.build_message(delivery)])
                except Exception as error:  # noqa: BLE001 - every failure is logged, none lost
                    opened = False
                    try:
                        connection.close()
                    except Exception:  # noqa: BLE001 - the connection is already broken
                        pass
                    delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
                    if _permanent(error):
                        delivery.status = Delivery.Status.FAILED
                        _flag_bounce(delivery, now)
                        logger.warning("Mail to %s bounced: %s", delivery.to_address, error)
                        counts["failed"] += 1
                    elif delivery.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
                        delivery.status = Delivery.Status.FAILED
                        counts["failed"] += 1
                    else:
                        delivery.status = Delivery.Status.RETRIED
                        delivery.next_attempt_at = now + backoff(delivery.attempts)
                        counts["retried"] += 1
                else:
                    delivery.status = Delivery.Status.SENT
                    delivery.sent_at = timezone.now()
                    counts["sent"] += 1
                delivery.save(update_fields=["attempts", "status", "next_attempt_at",
                                             "last_error", "sent_at"])
    finally:
        if opened:
            try:
                connection.close()
            except Exception:  # noqa: BLE001
                pass
    return counts


# --- The person's own actions -----------------------------------------------------------------


def notice_mark_read(*, user, notice: Notice | None = None) -> int:
    """Mark one notice, or all of the person's unread ones, read."""
    rows = Notice.objects.filter(recipient=user, read_at__isnull=True)
    if notice is not None:
        rows = rows.filter(pk=notice.pk)
    return rows.update(read_at=timezone.now())


UNSUBSCRIBABLE = {Kind.DIGEST, *Profile.IMMEDIATE_KINDS}


@transaction.atomic
def profile_unsubscribe(*, user_id: int, kind: str) -> Profile:
    """One-click unsubscribe from one kind of message (the signed link of a mail)."""
    profile, _created = Profile.objects.select_for_update().get_or_create(user_id=user_id)
    if kind == Kind.DIGEST:
        profile.digest_frequency = Profile.DigestFrequency.OFF
    elif kind in Profile.IMMEDIATE_KINDS:
        setattr(profile, f"notify_{kind}", False)
    profile.save()
    return profile


def user_profile(user) -> Profile:
    return Profile.objects.get_or_create(user=user)[0]


User = get_user_model()
