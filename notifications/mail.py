"""Mail building: plain text and HTML, the recipient's language, absolute links from SITE_URL,
List-Unsubscribe (RFC 2369) and one-click List-Unsubscribe-Post (RFC 8058) headers.

Django encodes a non-ASCII subject as an RFC 2047 encoded word (=?utf-8?...?=), so Vietnamese
subjects arrive intact."""

import email.policy

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def absolute(url: str) -> str:
    """A link that works from a mail client: SITE_URL + the portal's path."""
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + "/" + url.lstrip("/")


def unsubscribe_token(user_id: int, kind: str) -> str:
    return signing.dumps([user_id, kind], salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, kind) of a token made by unsubscribe_token; BadSignature when forged."""
    value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)
            and isinstance(value[1], str)):
        raise signing.BadSignature("malformed")
    return value[0], value[1]


def unsubscribe_url(user_id: int, kind: str) -> str:
    return absolute(reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id, kind)]))


class PortalMessage(EmailMultiAlternatives):
    """Headers folded at RFC 5322's 998 characters rather than 78: Python's email package
    RFC 2047-encodes a word longer than the fold width, and a List-Unsubscribe link so encoded
    (=?utf-8?q?=3Chttp...) is no link to a mail client."""

    def message(self, *, policy=email.policy.default):
        # The parts are encoded as usual (quoted-printable at 78 columns); only serialising,
        # where headers are folded, uses the longer line.
        msg = super().message(policy=policy)
        msg.policy = policy.clone(max_line_length=998)
        return msg


def build_message(delivery) -> EmailMultiAlternatives:
    """The message of a Delivery row, as it goes over SMTP."""
    headers = {}
    if delivery.unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{delivery.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    headers["X-Portal-Delivery"] = str(delivery.pk)
    message = PortalMessage(
        subject=delivery.subject,
        body=delivery.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.to_address],
        headers=headers,
    )
    if delivery.body_html:
        message.attach_alternative(delivery.body_html, "text/html")
    return message
