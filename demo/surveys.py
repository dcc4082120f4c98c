"""Demo satisfaction surveys: last half-year's campaign, closed, with a few thousand answers
across the demo's wards and a few departments (some below the 90% target), and the current one
open, so that `make run` shows results and a form to try.

Idempotent: a campaign that has answers already is left as it is.
"""

import datetime
import random
from decimal import Decimal
from typing import IO

from django.contrib.auth import get_user_model
from django.utils import timezone

from plans.models import Indicator, Plan, ReportingPeriod
from plans.services import ensure_periods
from surveys.models import Campaign, Question, Response
from surveys.services import (
    Schema,
    campaign_close,
    campaign_rebuild_tallies,
    campaign_recompute,
    campaign_save,
    content_hash,
    questionnaire_default,
)
from units.models import Unit

SATISFACTION = "Mức độ hài lòng của người dân, tổ chức"
LAND = "Mức độ hài lòng lĩnh vực đất đai, xây dựng, đầu tư"
WARDS = ["16681", "16690", "16702", "16708", "16732", "16939", "17011", "17110", "17125",
         "17128", "17920"]
DEPARTMENTS = ["STP", "SNV", "STC", "SXD"]
# How often a person is satisfied, by unit: most above 90%, a few below.
QUALITY = {"16708": 0.80, "17011": 0.84, "SXD": 0.82, "17125": 0.88}
COMMENTS = [
    "Cán bộ hướng dẫn rất nhiệt tình, cảm ơn bộ phận một cửa.",
    "Nơi ngồi chờ hơi chật vào buổi sáng, mong bố trí thêm ghế.",
    "Hồ sơ đất đai phải bổ sung hai lần, đề nghị hướng dẫn một lần cho đầy đủ.",
    "Thủ tục nhanh, trả kết quả đúng hẹn.",
    "Máy tra cứu hay bị treo, nên sửa lại.",
    "Mong có thêm hướng dẫn nộp hồ sơ trực tuyến.",
    "Thái độ phục vụ tốt, rất hài lòng.",
]


def _level(rng: random.Random, quality: float) -> int:
    if rng.random() < quality:
        return 5 if rng.random() < 0.42 else 4
    return rng.choices([3, 2, 1], weights=[6, 3, 1])[0]


def _answers(rng: random.Random, schema: Schema, quality: float) -> dict:
    answers = {}
    procedure = rng.choices(range(1, 8), weights=[18, 8, 5, 30, 22, 10, 7])[0]
    # Land, construction and investment files are the hardest: a little less satisfaction.
    base = quality - (0.05 if procedure <= 3 else 0)
    factor_shift = {"A": -0.02, "B": 0.01, "C": 0.02, "D": 0.0, "E": -0.04}
    for q in schema.questions:
        shift = factor_shift.get(q.factor.code, 0) if q.factor_id else 0
        if q.kind in (Question.Kind.CRITERION, Question.Kind.FACTOR_SATISFACTION,
                      Question.Kind.OVERALL):
            answers[q.code] = _level(rng, min(0.99, base + shift))
        elif q.kind == Question.Kind.EXPECTATION:
            answers[q.code] = rng.choices([5, 4, 3, 2], weights=[45, 40, 12, 3])[0]
        elif q.kind == Question.Kind.PROCEDURE:
            answers[q.code] = procedure
        elif q.kind == Question.Kind.MULTIPLE:
            chosen = sorted(rng.sample(range(1, len(q.options.all()) + 1), k=rng.randint(0, 2)))
            if chosen:
                answers[q.code] = chosen
        elif rng.random() < 0.7:  # the optional profile
            answers[q.code] = rng.randint(1, len(q.options.all()))
    return answers


def _fill(campaign: Campaign, units: list[Unit], *, per_unit: int, entered_by, seed: int,
          until: datetime.date) -> int:
    if campaign.responses.exists():
        return 0
    rng = random.Random(seed)
    schema = Schema.of(campaign.questionnaire)
    days = max(1, (until - campaign.start_date).days + 1)
    rows = []
    for unit in units:
        quality = QUALITY.get(unit.code, rng.uniform(0.91, 0.97))
        for _n in range(rng.randint(int(per_unit * 0.7), int(per_unit * 1.2))):
            answers = _answers(rng, schema, quality)
            comment = rng.choice(COMMENTS) if rng.random() < 0.08 else ""
            channel = rng.choices(list(Response.Channel), weights=[60, 20, 20])[0]
            day = campaign.start_date + datetime.timedelta(days=rng.randrange(days))
            at = timezone.make_aware(datetime.datetime.combine(
                day, datetime.time(7 + rng.randrange(10), rng.randrange(60))))
            land = answers.get("TTHC", 0) <= 3
            rows.append(Response(
                campaign=campaign, unit=unit, channel=channel, submitted_at=at,
                entered_by=entered_by if channel == Response.Channel.PAPER else None,
                answers=answers, overall=answers.get("HL"), land_sector=land, comment=comment,
                content_hash=content_hash(answers, comment),
            ))
    Response.objects.bulk_create(rows, batch_size=1000)
    campaign_rebuild_tallies(campaign=campaign)
    return len(rows)


def _half(day: datetime.date) -> tuple[int, str]:
    return (day.year, "h1") if day.month <= 6 else (day.year, "h2")


def _campaign(*, year: int, half: str, start, end, questionnaire, units) -> Campaign:
    title = (f"Khảo sát mức độ hài lòng 6 tháng đầu năm {year}" if half == "h1"
             else f"Khảo sát mức độ hài lòng 6 tháng cuối năm {year}")
    plan = Plan.objects.filter(year=year).order_by("-pk").first()
    period = overall = land = None
    if plan is not None:
        ensure_periods(plan)
        period = plan.periods.filter(
            kind=ReportingPeriod.Kind.H1 if half == "h1" else ReportingPeriod.Kind.YEAR).first()
        overall = plan.indicators.filter(name=SATISFACTION).first()
        land, _c = Indicator.objects.get_or_create(
            plan=plan, name=LAND,
            defaults={"position": 5, "comparison": "gte", "target": Decimal(85),
                      "unit_of_measure": "%"})
    campaign = Campaign.objects.filter(code=f"{year}-{half}").first()
    if campaign is None:
        campaign = campaign_save(campaign=Campaign(
            code=f"{year}-{half}", title=title, start_date=start, end_date=end,
            questionnaire=questionnaire, period=period, overall_indicator=overall,
            land_indicator=land), units=units)
    return campaign


def load(*, today: datetime.date, password: str | None = None, stdout: IO[str] | None = None
         ) -> dict:
    coordinator = get_user_model().objects.get(username="coordinator")
    questionnaire = questionnaire_default()
    units = list(Unit.objects.filter(code__in=WARDS + DEPARTMENTS).order_by("code"))
    year, half = _half(today)
    if half == "h2":
        last = (year, "h1", datetime.date(year, 4, 15), datetime.date(year, 6, 14))
    else:
        last = (year - 1, "h2", datetime.date(year - 1, 10, 15), datetime.date(year - 1, 12, 14))
    previous = _campaign(year=last[0], half=last[1], start=last[2], end=last[3],
                         questionnaire=questionnaire, units=units)
    created = _fill(previous, units, per_unit=260, entered_by=coordinator, seed=2026,
                    until=previous.end_date)
    if previous.closed_at is None and previous.end_date < today:
        campaign_close(campaign=previous, user=coordinator)
    # The current campaign is open today whatever the date the demo is loaded on.
    current = _campaign(year=year, half=half, start=today - datetime.timedelta(days=20),
                        end=today + datetime.timedelta(days=25), questionnaire=questionnaire,
                        units=units)
    created += _fill(current, units, per_unit=45, entered_by=coordinator, seed=year,
                     until=today)
    if current.period is not None and not current.period.is_closed:
        campaign_recompute(campaign=current, user=coordinator)
    if stdout is not None:
        stdout.write(f"survey answers: {Response.objects.count()} ({created} new)\n")
    return {"responses": created}
