"""Demo: an official report's text and the public page.

The 2024 plan's year period, and the newest closed period of the current plan if the demo has
one, get a narrative (drafted from their frozen figures) and are published. Idempotent: a second
run creates nothing new.
"""

import datetime
from typing import IO

from django.contrib.auth import get_user_model

from plans.models import Plan, ReportingPeriod
from publication.models import PublishedPeriod
from publication.services import period_publish
from reports.figures import frozen_figures
from reports.models import PeriodNarrative, ReportSetting
from reports.services import narrative_initial, narrative_save

SIGNER = "Hoàng Minh Quân"  # a made-up name: the demo names no real official


def _periods(today: datetime.date) -> list[ReportingPeriod]:
    found = []
    year_2024 = ReportingPeriod.objects.filter(
        plan__year=2024, kind=ReportingPeriod.Kind.YEAR, closed_at__isnull=False
    ).select_related("plan").first()
    if year_2024:
        found.append(year_2024)
    current = Plan.objects.filter(year=today.year).first()
    if current:
        latest = (ReportingPeriod.objects.filter(plan=current, closed_at__isnull=False)
                  .select_related("plan").order_by("-end_date").first())
        if latest:
            found.append(latest)
    return found


def load(*, today: datetime.date, password: str | None = None, stdout: IO[str] | None = None):
    coordinator = get_user_model().objects.get(username="coordinator")
    created = 0
    for period in _periods(today):
        ReportSetting.for_plan(period.plan)
        figures = frozen_figures(period)
        if figures is None:
            continue
        if not PeriodNarrative.objects.filter(period=period).exists():
            draft = narrative_initial(figures=figures)
            values = {key: getattr(draft, key) for key in (
                "agency", "parent_agency", "number_suffix", "place", "direction", "assessment",
                "next_tasks", "proposals", "recipients", "signer_title")}
            due = period.report_due or period.end_date
            narrative_save(period=period, user=coordinator, values={
                **values, "number": str(100 + period.pk % 300), "issued_on": due,
                "signer_name": SIGNER,
            })
            created += 1
        if not PublishedPeriod.objects.filter(period=period).exists():
            period_publish(period=period, user=coordinator, reason="Dữ liệu mẫu")
            created += 1
    if stdout is not None:
        stdout.write(f"public: {len(_periods(today))} periods published ({created} new)\n")
    return created
