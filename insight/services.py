"""Writes of insight: closing a reporting period freezes its report (PeriodSnapshot).

Views, the admin and the demo command all call these.
"""

from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from insight.reports import period_report
from plans.models import PeriodSnapshot, ReportingPeriod


def close_period(*, period: ReportingPeriod, user) -> PeriodSnapshot:
    """Freeze the period's report: later progress reports and edits no longer change it.

    The report is computed for the whole province and stored with closed_at and closed_by,
    together or not at all. The period row is locked first, so two coordinators closing at
    once queue and the second is refused instead of writing a second snapshot.
    """
    # Inside a caller's transaction (a test, a command) the isolation level is the caller's.
    outermost = not connection.in_atomic_block
    try:
        return _close(period=period, user=user, repeatable_read=outermost)
    except OperationalError as error:
        # Under repeatable read, waiting on the lock of a coordinator who closed the period
        # meanwhile ends in a serialization failure: it is the same refusal as above.
        if _is_serialization_failure(error):
            raise ValidationError(_("This period is already closed."), code="closed") from error
        raise


def _close(*, period: ReportingPeriod, user, repeatable_read: bool) -> PeriodSnapshot:
    with transaction.atomic():
        if repeatable_read and connection.vendor == "postgresql":
            # The report takes several queries; reading them all from one snapshot of the
            # database keeps the frozen figures consistent with each other (the overdue count
            # and the overdue list) even while units keep reporting. It must come first.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        locked = (
            ReportingPeriod.objects.select_for_update(of=("self",))
            .select_related("plan")
            .get(pk=period.pk)
        )
        if locked.closed_at is not None:
            raise ValidationError(_("This period is already closed."), code="closed")
        if timezone.localdate() <= locked.end_date:
            # Data run to the end date inclusive: closing earlier would freeze an unfinished day.
            raise ValidationError(
                _("A period can be closed only after its last day (%(date)s).")
                % {"date": locked.end_date.strftime("%d/%m/%Y")},
                code="not_ended",
            )
        snapshot = PeriodSnapshot.objects.create(period=locked, data=period_report(locked))
        locked.closed_at = timezone.now()
        locked.closed_by = user
        locked.save(update_fields=["closed_at", "closed_by"])
    period.closed_at, period.closed_by = locked.closed_at, user
    return snapshot


def _is_serialization_failure(error: OperationalError) -> bool:
    try:
        from psycopg.errors import SerializationFailure
    except ImportError:  # SQLite, the newcomer's database, has no such failure
        return False
    return isinstance(error.__cause__, SerializationFailure)
