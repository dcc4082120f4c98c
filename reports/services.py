"""Writing a period's narrative (the words of its official report)."""

from django.db import IntegrityError, transaction

from plans.models import ReportingPeriod
from reports import drafting
from reports.figures import PeriodFigures
from reports.models import PeriodNarrative, ReportSetting

EDITABLE = ("agency", "parent_agency", "number", "number_suffix", "place", "issued_on",
            "direction", "assessment", "next_tasks", "proposals", "recipients", "signer_title",
            "signer_name")


def narrative_initial(*, figures: PeriodFigures) -> PeriodNarrative:
    """The period's narrative, or an unsaved first draft: the plan's setting and words drafted
    from the figures (which units are late, on what)."""
    period = figures.period
    try:
        return period.narrative
    except PeriodNarrative.DoesNotExist:
        pass
    setting = ReportSetting.for_plan(period.plan)
    return PeriodNarrative(
        period=period, agency=setting.agency, parent_agency=setting.parent_agency,
        number_suffix=setting.number_suffix, place=setting.place,
        recipients=setting.recipients, signer_title=setting.signer_title,
        signer_name=setting.signer_name, **drafting.draft(figures),
    )


def narrative_save(*, period: ReportingPeriod, user, values: dict) -> PeriodNarrative:
    """Create or update the period's narrative; every version is kept (simple-history).

    Two coordinators saving at once: the row is locked, the second save follows the first
    (last writer wins, both versions in the history); two first saves at once create one row.
    """
    values = {key: values[key] for key in EDITABLE if key in values}
    for attempt in range(2):
        try:
            with transaction.atomic():
                narrative = (PeriodNarrative.objects.select_for_update()
                             .filter(period=period).first())
                if narrative is None:
                    narrative = PeriodNarrative(period=period)
                for key, value in values.items():
                    setattr(narrative, key, value)
                narrative.updated_by = user
                narrative._history_user = user  # outside a request too (commands, the demo)
                narrative.save()
                return narrative
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")
