"""Writes on plans that span models: reporting periods, actuals, a new plan from an old one.

Views, the admin and the demo command all call these.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.models import Indicator, IndicatorValue, Plan, ReformArea, ReportingPeriod


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
