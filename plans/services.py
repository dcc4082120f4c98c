"""Writes on plans that span models: reporting periods.

Views, the admin and the demo command all call these.
"""

from plans.models import Plan, ReportingPeriod


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
