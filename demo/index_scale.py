"""A published index campaign of any size (units x components), written in bulk: for the
query-count tests at two sizes and for scripts/bench_index.py (130 communes x 94 components)."""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from index.models import (
    Assessment,
    Campaign,
    CriteriaSet,
    FinalScore,
    Line,
    Node,
    Phase,
    points,
)
from units.models import Unit


@transaction.atomic
def build(*, units: int, components: int, year: int = 2090, user, areas: int = 7) -> Campaign:
    """Components spread over `areas` areas (one criterion each), 100 points in all; every
    line scored by the unit, a fifth appraised lower, all with a final score; published."""
    criteria_set = CriteriaSet.objects.create(year=year, unit_kind=Unit.Kind.COMMUNE,
                                              name=f"Bộ chỉ số thử tải {year}")
    share = points(Decimal(100) / components)
    maxima = [share] * components
    maxima[-1] = Decimal(100) - share * (components - 1)
    position = 0
    nodes = []
    per_area = -(-components // areas)
    for a in range(areas):
        chunk = maxima[a * per_area:(a + 1) * per_area]
        if not chunk:
            break
        position += 1
        area = Node.objects.create(criteria_set=criteria_set, level=Node.Level.AREA,
                                   position=position, number=f"A{a + 1}",
                                   content=f"Lĩnh vực {a + 1}", max_points=sum(chunk))
        position += 1
        criterion = Node.objects.create(criteria_set=criteria_set, parent=area, area=area,
                                        level=Node.Level.CRITERION, position=position,
                                        number=f"{a + 1}", content=f"Tiêu chí {a + 1}",
                                        max_points=sum(chunk))
        for k, maximum in enumerate(chunk, start=1):
            position += 1
            nodes.append(Node(criteria_set=criteria_set, parent=criterion, area=area,
                              level=Node.Level.COMPONENT, position=position,
                              number=f"{a + 1}.{k}", content=f"Tiêu chí thành phần {a + 1}.{k}",
                              max_points=maximum, method=Node.Method.FORMULA))
    nodes = Node.objects.bulk_create(nodes)
    day = datetime.date(year + 1, 1, 15)
    campaign = Campaign.objects.create(
        criteria_set=criteria_set, self_until=day, appraisal_until=day, explanation_until=day,
        council_until=day)
    unit_rows = Unit.objects.bulk_create([
        Unit(code=f"S{year}-{i:04d}", name=f"Xã thử tải {i}", kind=Unit.Kind.COMMUNE)
        for i in range(units)])
    now = timezone.now()
    assessments = Assessment.objects.bulk_create([
        Assessment(campaign=campaign, unit=unit, max_total=Decimal(100), submitted_at=now,
                   submitted_by=user) for unit in unit_rows])
    rng = random.Random(year)
    lines = []
    for assessment in assessments:
        for node in nodes:
            own = points(node.max_points * Decimal(rng.randint(60, 100)) / 100)
            appraised = points(own * Decimal("0.9")) if rng.random() < 0.2 else None
            lines.append(Line(assessment=assessment, node=node, self_score=own,
                              appraised_score=appraised))
    lines = Line.objects.bulk_create(lines, batch_size=5000)
    FinalScore.objects.bulk_create([
        FinalScore(line=line, assessment_id=line.assessment_id, node_id=line.node_id,
                   area_id=line.node.area_id, score=line.appraised, decided_by=user)
        for line in lines], batch_size=5000)
    # Straight to publication: the phases one step at a time, as the database requires.
    for phase in range(Phase.APPRAISAL, Phase.PUBLISHED + 1):
        Campaign.objects.filter(pk=campaign.pk).update(
            phase=phase, published_at=now if phase == Phase.PUBLISHED else None)
    campaign.refresh_from_db()
    return campaign
