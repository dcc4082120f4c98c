"""Publishing a closed period and withdrawing it, each act recorded."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.models import ReportingPeriod
from publication.models import PublicationEvent, PublishedPeriod
from reports.figures import frozen_data
from reports.models import PeriodNarrative


def _published_text(period: ReportingPeriod) -> dict:
    narrative = PeriodNarrative.objects.filter(period=period).first()
    if narrative is None:
        return {}
    # The sections' words and the document's number and date: never the signer or the
    # recipients (a person's name is not published).
    return {
        "number": f"{narrative.number or '...'}/{narrative.number_suffix}",
        "issued_on": narrative.issued_on.isoformat() if narrative.issued_on else None,
        **{key: getattr(narrative, key) for key in PeriodNarrative.SECTIONS},
    }


def period_publish(*, period: ReportingPeriod, user, reason: str = "") -> PublishedPeriod:
    """Publish a closed period (its frozen figures); again, to refresh its published text."""
    with transaction.atomic():
        period = ReportingPeriod.objects.select_for_update().select_related("plan").get(
            pk=period.pk)
        if frozen_data(period) is None:
            raise ValidationError(_("Only a closed period, with its frozen figures, can be "
                                    "published."))
        text = _published_text(period)
        try:
            with transaction.atomic():
                published, _created = PublishedPeriod.objects.update_or_create(
                    period=period,
                    defaults={"published_at": timezone.now(), "published_by": user,
                              "narrative": text},
                )
        except IntegrityError as error:  # a concurrent first publication of the same period
            raise ValidationError(_("This period was just published by someone else.")) from error
        PublicationEvent.objects.create(period=period, action=PublicationEvent.Action.PUBLISH,
                                        by=user, reason=reason)
        return published


def period_withdraw(*, period: ReportingPeriod, user, reason: str) -> None:
    with transaction.atomic():
        period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        deleted, _rows = PublishedPeriod.objects.filter(period=period).delete()
        if not deleted:
            raise ValidationError(_("This period is not published."))
        PublicationEvent.objects.create(period=period, action=PublicationEvent.Action.WITHDRAW,
                                        by=user, reason=reason)
