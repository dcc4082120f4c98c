"""Demo data of the PAR index: the appraiser account, criteria sets for departments and
communes, the 2025 campaign run to publication for every demo unit (units score themselves a
little higher than the final), and the current year's campaign in self-assessment with
Sở Tư pháp part way through and Sở Tài chính's submitted. Idempotent: a second run creates
nothing new.
"""

import datetime
import random
from decimal import Decimal
from typing import IO

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from demo.index_criteria import COMMUNES, DEPARTMENTS
from index import services, sources
from index.models import Assessment, Campaign, CriteriaSet, Evidence, Line, Node, Phase, points
from units.access import APPRAISERS_GROUP
from units.models import Unit

PUBLISHED_YEAR = 2025
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
QUARTER = Decimal("0.25")
# Units without administrative procedures of their own: exempt from those lines.
EXEMPT = ["TTR"]
KINDS = [
    (Unit.Kind.PROVINCIAL, DEPARTMENTS, "sở, ban, ngành cấp tỉnh"),
    (Unit.Kind.COMMUNE, COMMUNES, "UBND các xã, phường"),
]


def specs_of(tree) -> list[services.NodeSpec]:
    """The tree as specs: each area's points spread over its components in quarter points."""
    areas = []
    for a, (area_name, area_points, criteria) in enumerate(tree):
        components = [c for _name, comps in criteria for c in comps]
        base = (Decimal(area_points) / len(components) / QUARTER).to_integral_value(
            rounding="ROUND_FLOOR") * QUARTER
        extra = int((Decimal(area_points) - base * len(components)) / QUARTER)
        shares = [base + (QUARTER if i < extra else 0) for i in range(len(components))]
        area = services.NodeSpec(number=ROMAN[a], content=area_name,
                                 max_points=Decimal(area_points), level=Node.Level.AREA)
        position = 0
        for c, (criterion_name, comps) in enumerate(criteria, start=1):
            criterion = services.NodeSpec(number=f"{c}", content=criterion_name,
                                          max_points=Decimal(0), level=Node.Level.CRITERION)
            for k, comp in enumerate(comps, start=1):
                text, method = (comp, None) if isinstance(comp, str) else comp
                spec = services.NodeSpec(
                    number=f"{c}.{k}", content=text.lstrip("!"), max_points=shares[position],
                    level=Node.Level.COMPONENT, procedures_only=text.startswith("!"))
                position += 1
                if method is None:
                    spec.method = Node.Method.YES_NO
                    spec.evidence_required = True
                elif method == "levels":
                    spec.method = Node.Method.LEVELS
                    spec.levels = f"0;{points(spec.max_points / 2)};{spec.max_points}"
                    spec.evidence_required = True
                elif method == "formula":
                    spec.method = Node.Method.FORMULA
                else:
                    spec.method = Node.Method.COMPUTED
                    spec.source, spec.source_param = method[1], method[2]
                criterion.children.append(spec)
                criterion.max_points += spec.max_points
            area.children.append(criterion)
        areas.append(area)
    # STT numbers criteria across the whole set, as the official table does.
    n = 0
    for area in areas:
        for criterion in area.children:
            n += 1
            old = criterion.number
            criterion.number = str(n)
            for comp in criterion.children:
                comp.number = f"{n}." + comp.number[len(old) + 1:]
    return areas


def _criteria_set(year: int, kind, tree, label: str) -> tuple[CriteriaSet, bool]:
    existing = CriteriaSet.objects.filter(year=year, unit_kind=kind).first()
    if existing:
        return existing, False
    previous = CriteriaSet.objects.filter(year=year - 1, unit_kind=kind).first()
    if previous is not None:  # this year's set is last year's, copied
        return services.criteria_set_copy(source=previous, year=year), True
    criteria_set = services.criteria_set_create(
        year=year, unit_kind=kind, name=f"Bộ chỉ số CCHC năm {year} của {label}",
        document="3323/QĐ-UBND", areas=specs_of(tree),
        exempt_units=list(Unit.objects.filter(code__in=EXEMPT, kind=kind)))
    return criteria_set, True


def _quality(unit: Unit, year: int) -> float:
    return random.Random(f"quality-{unit.code}-{year}").uniform(0.6, 0.9)


def _self_score(node: Node, rng: random.Random, quality: float) -> tuple[Decimal, Decimal | None]:
    """A unit's own score of a line: a little generous (it scores itself)."""
    generous = min(quality + 0.03, 1)
    if node.method in (Node.Method.FORMULA, Node.Method.COMPUTED):
        value = points(Decimal(min(100, max(0, rng.gauss(100 * generous, 6)))))
        return node.score_of(value), value
    values = node.level_values()
    if rng.random() < generous:
        return values[-1], None
    return values[len(values) // 2 if len(values) > 2 else 0], None


def _score_self(assessment: Assessment, user, *, share: float = 1.0) -> None:
    rng = random.Random(f"self-{assessment.pk}")
    quality = _quality(assessment.unit, assessment.campaign.criteria_set.year)
    lines = list(assessment.lines.select_related("node").order_by("node__position"))
    lines = lines[: round(len(lines) * share)]
    inputs = {}
    evidence = []
    year = assessment.campaign.criteria_set.year
    for line in lines:
        score, value = _self_score(line.node, rng, quality)
        computed = sources.compute(line.node, assessment.unit, year)
        if computed is not None:  # the portal's figure, as the form prefills it
            score, value = computed.score, computed.value
        inputs[line.node_id] = services.SelfInput(
            score=score, value=value,
            note="Đơn vị đã thực hiện đầy đủ theo kế hoạch." if score else "Chưa thực hiện.")
        if line.node.evidence_required and score:
            evidence.append(Evidence(
                line=line, added_by=user,
                document_number=f"Văn bản số {rng.randint(10, 480)}/{assessment.unit.code}"))
    services.assessment_save_self(assessment=assessment, user=user, inputs=inputs)
    Evidence.objects.bulk_create(evidence)


def _run_published(campaign: Campaign, users: dict) -> None:
    """Self-assessment, submission, appraisal, explanation, council, publication."""
    assessments = list(campaign.assessments.select_related("unit", "campaign__criteria_set"))
    for assessment in assessments:
        _score_self(assessment, users["admin"])
        services.assessment_submit(assessment=assessment, user=users["admin"])
    campaign = services.campaign_advance(campaign=campaign, user=users["coordinator"],
                                         expected_phase=Phase.SELF)
    reduced: dict[int, list[Line]] = {}
    for assessment in assessments:
        rng = random.Random(f"appraise-{assessment.pk}")
        quality = _quality(assessment.unit, campaign.criteria_set.year)
        inputs = {}
        for line in assessment.lines.select_related("node").filter(self_score__gt=0):
            if rng.random() > 0.04 + (1 - quality) / 6:
                continue
            values = line.node.level_values()
            lower = (max(v for v in values if v < line.self_score) if values
                     else points(line.self_score * Decimal("0.8")))
            missing = line.node.evidence_required and rng.random() < 0.5
            inputs[line.node_id] = services.AppraisalInput(
                score=lower, evidence_missing=missing,
                comment="Chưa có tài liệu kiểm chứng đầy đủ." if missing
                else "Kết quả thực hiện chưa đạt mức tự chấm.")
            reduced.setdefault(assessment.pk, []).append(line)
        services.assessment_appraise(assessment=Assessment.objects.get(pk=assessment.pk),
                                     user=users["appraiser"], inputs=inputs)
    campaign = services.campaign_advance(campaign=campaign, user=users["coordinator"],
                                         expected_phase=Phase.APPRAISAL)
    explained: dict[int, list[Line]] = {}
    for assessment in assessments:
        lines = reduced.get(assessment.pk, [])[:2]
        if not lines:
            continue
        services.assessment_explain(assessment=assessment, user=users["admin"], inputs={
            line.node_id: services.ExplanationInput(
                explanation="Đơn vị bổ sung văn bản kiểm chứng, đề nghị giữ điểm tự chấm.",
                proposed_score=line.self_score)
            for line in lines})
        explained[assessment.pk] = lines
    campaign = services.campaign_advance(campaign=campaign, user=users["coordinator"],
                                         expected_phase=Phase.EXPLANATION)
    for assessment in assessments:
        lines = explained.get(assessment.pk)
        if not lines:
            continue
        first = lines[0]  # the council accepts the first explanation, keeps the appraisal else
        services.assessment_decide(assessment=assessment, user=users["coordinator"], inputs={
            line.node_id: services.DecisionInput(
                score=line.self_score if line is first else
                Line.objects.get(pk=line.pk).appraised,
                reason="Hội đồng chấp nhận giải trình." if line is first
                else "Tài liệu bổ sung không đủ căn cứ.")
            for line in lines})
    services.campaign_advance(campaign=campaign, user=users["coordinator"],
                              expected_phase=Phase.COUNCIL)
    # After publication Sở Nội vụ corrects one line (đính chính): the first unit whose
    # appraisal lowered a line it did not dispute proves it had the document in time.
    for assessment in sorted(assessments, key=lambda a: a.unit.code):
        disputed = {line.pk for line in explained.get(assessment.pk, [])}
        line = next((line for line in reduced.get(assessment.pk, [])
                     if line.pk not in disputed), None)
        if line is not None:
            services.correction_record(
                line=line, user=users["coordinator"], score=line.self_score,
                reason="Đơn vị đã ban hành văn bản trước hạn; tổ thẩm định bỏ sót khi đối "
                       "chiếu hồ sơ.", document_number="Quyết định số 215/QĐ-UBND",
                expected=None)
            break


def _users(password: str) -> dict:
    User = get_user_model()
    group, _created = Group.objects.get_or_create(name=APPRAISERS_GROUP)
    appraiser, created = User.objects.get_or_create(
        username="appraiser", defaults={"first_name": "Lê Minh", "last_name": "Tuấn",
                                        "password": make_password(password)})
    appraiser.groups.add(group)
    return {"appraiser": appraiser, "appraiser_created": created,
            "admin": User.objects.get(username="admin"),
            "coordinator": User.objects.get(username="coordinator"),
            "staff.tuphap": User.objects.get(username="staff.tuphap")}


def load(*, today: datetime.date, password: str, stdout: IO[str] | None = None) -> dict:
    created = {"criteria sets": 0, "campaigns": 0}
    with transaction.atomic():
        users = _users(password)
        for kind, tree, label in KINDS:
            criteria_set, new = _criteria_set(PUBLISHED_YEAR, kind, tree, label)
            created["criteria sets"] += new
            if not hasattr(criteria_set, "campaign"):
                campaign = services.campaign_open(
                    criteria_set=criteria_set, self_until=datetime.date(2026, 1, 15),
                    appraisal_until=datetime.date(2026, 2, 10),
                    explanation_until=datetime.date(2026, 2, 25),
                    council_until=datetime.date(2026, 3, 10))
                created["campaigns"] += 1
                _run_published(campaign, users)
            if today.year <= PUBLISHED_YEAR:
                continue
            current, new = _criteria_set(today.year, kind, tree, label)
            created["criteria sets"] += new
            if not hasattr(current, "campaign"):
                campaign = services.campaign_open(
                    criteria_set=current, self_until=today + datetime.timedelta(days=21),
                    appraisal_until=today + datetime.timedelta(days=45),
                    explanation_until=today + datetime.timedelta(days=60),
                    council_until=today + datetime.timedelta(days=75))
                created["campaigns"] += 1
                if kind == Unit.Kind.PROVINCIAL:
                    _current_progress(campaign, users)
    if stdout is not None:
        stdout.write(f"index: {created['criteria sets']} criteria sets, "
                     f"{created['campaigns']} campaigns created\n")
    return created


def _current_progress(campaign: Campaign, users: dict) -> None:
    """Sở Tư pháp part way through (staff.tuphap), Sở Tài chính submitted."""
    tuphap = campaign.assessments.filter(unit__code="STP").first()
    if tuphap is not None:
        _score_self(tuphap, users["staff.tuphap"], share=0.4)
    finance = campaign.assessments.filter(unit__code="STC").first()
    if finance is not None:
        _score_self(finance, users["admin"])
        services.assessment_submit(assessment=finance, user=users["admin"])
