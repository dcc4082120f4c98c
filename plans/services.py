"""Writes on plans that span models: reporting periods and their frozen reports, actuals.

Views, the admin and the demo command all call these.
"""

from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import datetime

from plans.models import (
    Indicator,
    IndicatorValue,
    PeriodSnapshot,
    Plan,
    ReformArea,
    ReportingPeriod,
)
from plans.reports import period_report


def ensure_periods(plan: Plan) -> int:
    """Create the plan's default reporting periods that are missing; return how many.

    Idempotent, and the periods already there are kept as they were edited. Two requests
    creating the same period at once are both fine: the unique (plan, kind) constraint lets
    one insert win and ignore_conflicts skips the other's.
    """
    have = set(plan.periods.values_list("kind", flat=True))
    missing = [
        ReportingPeriod(plan=plan, **defaults)
        for defaults in ReportingPeriod.defaults_for(plan.year)
        if defaults["kind"] not in have
    ]
    if missing:
        ReportingPeriod.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


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


class CorrectionNeedsReason(ValidationError):
    pass


def closed_value_rule(*, period: ReportingPeriod, existing: IndicatorValue | None,
                      actual, note: str, reason: str) -> str | None:
    """Why this write is refused, or None. A closed period's actual may be entered once
    without a reason (a figure not known at closing); changing it is a correction, and a
    correction says why. The same rule as the trigger of migration plans/0006."""
    if not period.is_closed or existing is None:
        return None
    if existing.actual == actual and existing.note == note:
        return None  # nothing changes
    if not reason.strip():
        return _("%(period)s is closed: say why its actual is corrected.") % {"period": period}
    return None


@transaction.atomic
def indicator_value_save(
    *, indicator: Indicator, period: ReportingPeriod, actual, note: str = "", user,
    reason: str = "",
) -> IndicatorValue:
    """Enter or correct an actual; each version is kept in its history with its reason."""
    period = ReportingPeriod.objects.select_for_update(of=("self",)).get(pk=period.pk)
    existing = (
        IndicatorValue.objects.select_for_update()
        .filter(indicator=indicator, period=period).first()
    )
    note, reason = (note or "").strip(), (reason or "").strip()
    refusal = closed_value_rule(period=period, existing=existing, actual=actual, note=note,
                                reason=reason)
    if refusal:
        raise CorrectionNeedsReason(refusal, code="reason_required")
    value = existing or IndicatorValue(indicator=indicator, period=period)
    if existing is not None and existing.actual == actual and existing.note == note:
        return existing
    value.actual, value.note, value.entered_by = actual, note, user
    # Only a correction of a closed period's figure carries a reason; an open period's
    # figure is simply the latest entered (its earlier versions are in the history all the same).
    value.correction_reason = reason if period.is_closed and existing is not None else ""
    value._history_user = user
    if value.correction_reason:
        value._change_reason = value.correction_reason
    value.save()
    return value


@transaction.atomic
def indicator_delete(*, indicator: Indicator, user=None) -> None:
    """Delete an indicator that has no actual yet; one with actuals is part of the record."""
    locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
    if locked.values.exists():
        raise ValidationError(
            _("“%(name)s” has actuals entered: it cannot be deleted. Change its name or target "
              "instead.") % {"name": locked},
            code="has_values",
        )
    locked._history_user = user
    locked.delete()


@transaction.atomic
def plan_create_from(
    *, source: Plan, year: int, title: str, document_number: str = "", user=None
) -> Plan:
    """A new draft plan for a year, running the calendar year, with the source plan's reform
    areas and the year's reporting periods. Its solutions and tasks are the solutions app's
    (solutions.services.plan_copy, which calls this)."""
    plan = Plan.objects.create(
        year=year, title=title.strip(), document_number=(document_number or "").strip(),
        start_date=datetime.date(year, 1, 1), end_date=datetime.date(year, 12, 31),
        status=Plan.Status.DRAFT,
    )
    ReformArea.objects.bulk_create(
        [ReformArea(plan=plan, number=a.number, name=a.name) for a in source.areas.all()]
    )
    ensure_periods(plan)
    return plan
