"""Writes of the PAR index: each in one transaction, locking the rows it changes.

Two people doing the same thing at once (two submits, two council decisions on one line) get one
result: the second finds the row changed under its lock (or hits a unique constraint) and gets a
RuleError whose message the view shows.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from index.models import (
    Assessment,
    Campaign,
    Correction,
    CriteriaSet,
    Evidence,
    FinalScore,
    Line,
    Node,
    Phase,
    ScoreEntry,
)
from units.models import Unit


class RuleError(Exception):
    """A write refused by a rule of the index; str() is the message for the person."""


# --- Criteria sets ------------------------------------------------------------------------------


@dataclass
class NodeSpec:
    number: str
    content: str
    max_points: Decimal
    level: str
    method: str = ""
    levels: str = ""
    lower_bound: Decimal = Decimal("0")
    upper_bound: Decimal = Decimal("100")
    source: str = ""
    source_param: str = ""
    evidence_required: bool = False
    procedures_only: bool = False
    children: list["NodeSpec"] = field(default_factory=list)


def check_tree(areas: list[NodeSpec], total: Decimal) -> list[str]:
    """The sums a set must satisfy: each area's and criterion's maximum is its lines', and the
    components' maxima add up to the set's total."""
    errors = []
    grand = Decimal(0)
    for area in areas:
        for criterion in area.children:
            s = sum((c.max_points for c in criterion.children), Decimal(0))
            if criterion.children and s != criterion.max_points:
                errors.append(_("Line %(number)s: its maximum is %(max)s but its components add "
                                "up to %(sum)s.") % {"number": criterion.number,
                                                      "max": criterion.max_points, "sum": s})
            if not criterion.children:
                errors.append(_("Line %(number)s: a criterion needs at least one component.")
                              % {"number": criterion.number})
            grand += s
        s = sum((c.max_points for c in area.children), Decimal(0))
        if s != area.max_points:
            errors.append(_("Line %(number)s: its maximum is %(max)s but its criteria add up "
                            "to %(sum)s.") % {"number": area.number, "max": area.max_points,
                                              "sum": s})
    if grand != total:
        errors.append(_("The components' maxima add up to %(sum)s, not the set's total of "
                        "%(total)s.") % {"sum": grand, "total": total})
    return errors


@transaction.atomic
def criteria_set_create(*, year: int, unit_kind: str, name: str, areas: list[NodeSpec],
                        total_points: Decimal = Decimal("100"), document: str = "",
                        exempt_units=()) -> CriteriaSet:
    """A set and its tree, all or nothing; refused when its sums do not add up."""
    errors = check_tree(areas, total_points)
    if errors:
        raise RuleError(" ".join(errors))
    if CriteriaSet.objects.filter(year=year, unit_kind=unit_kind).exists():
        raise RuleError(_("There is already a criteria set for %(year)s and this group of "
                          "units.") % {"year": year})
    criteria_set = CriteriaSet.objects.create(year=year, unit_kind=unit_kind, name=name,
                                              total_points=total_points, document=document)
    if exempt_units:
        criteria_set.exempt_units.set(exempt_units)
    position = 0
    for area_spec in areas:
        position += 1
        area = _node(criteria_set, area_spec, None, None, position)
        for criterion_spec in area_spec.children:
            position += 1
            criterion = _node(criteria_set, criterion_spec, area, area, position)
            for component_spec in criterion_spec.children:
                position += 1
                _node(criteria_set, component_spec, criterion, area, position)
    return criteria_set


def _node(criteria_set, spec: NodeSpec, parent, area, position) -> Node:
    return Node.objects.create(
        criteria_set=criteria_set, parent=parent, area=area, position=position,
        number=spec.number, content=spec.content, max_points=spec.max_points, level=spec.level,
        method=spec.method, levels=spec.levels, lower_bound=spec.lower_bound,
        upper_bound=spec.upper_bound, source=spec.source, source_param=spec.source_param,
        evidence_required=spec.evidence_required, procedures_only=spec.procedures_only,
    )


def tree_of(criteria_set: CriteriaSet) -> list[NodeSpec]:
    """A set's tree as specs (to copy or export it)."""
    specs: dict[int, NodeSpec] = {}
    areas = []
    for node in criteria_set.nodes.order_by("position"):
        spec = NodeSpec(
            number=node.number, content=node.content, max_points=node.max_points,
            level=node.level, method=node.method, levels=node.levels,
            lower_bound=node.lower_bound, upper_bound=node.upper_bound, source=node.source,
            source_param=node.source_param, evidence_required=node.evidence_required,
            procedures_only=node.procedures_only,
        )
        specs[node.pk] = spec
        if node.parent_id is None:
            areas.append(spec)
        else:
            specs[node.parent_id].children.append(spec)
    return areas


def criteria_set_copy(*, source: CriteriaSet, year: int) -> CriteriaSet:
    """Last year's set as this year's: the same tree, thresholds and exempt units."""
    with transaction.atomic():
        copy = criteria_set_create(
            year=year, unit_kind=source.unit_kind,
            name=source.name.replace(str(source.year), str(year)),
            areas=tree_of(source), total_points=source.total_points, document="",
            exempt_units=list(source.exempt_units.all()),
        )
        CriteriaSet.objects.filter(pk=copy.pk).update(
            threshold_a=source.threshold_a, threshold_b=source.threshold_b,
            threshold_c=source.threshold_c, rescale_exempt=source.rescale_exempt)
        copy.refresh_from_db()
    return copy


# --- Campaigns ----------------------------------------------------------------------------------


def units_of(criteria_set: CriteriaSet):
    """The units a set scores: those of its group that exist at the end of its year."""
    return (Unit.objects.active(on=datetime.date(criteria_set.year, 12, 31))
            .filter(kind=criteria_set.unit_kind).order_by("code"))


@transaction.atomic
def campaign_open(*, criteria_set: CriteriaSet, self_until: datetime.date,
                  appraisal_until: datetime.date, explanation_until: datetime.date,
                  council_until: datetime.date, units=None) -> Campaign:
    """The campaign, one assessment per unit and one line per component it is scored on."""
    if criteria_set.maxima_total() != criteria_set.total_points:
        raise RuleError(_("The components' maxima do not add up to the set's total."))
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                criteria_set=criteria_set, self_until=self_until,
                appraisal_until=appraisal_until, explanation_until=explanation_until,
                council_until=council_until)
    except IntegrityError:
        raise RuleError(_("This criteria set has a campaign already.")) from None
    components = list(criteria_set.components())
    exempt = set(criteria_set.exempt_units.values_list("pk", flat=True))
    lines = []
    for unit in (units if units is not None else units_of(criteria_set)):
        is_exempt = unit.pk in exempt
        scored = [n for n in components if not (is_exempt and n.procedures_only)]
        assessment = Assessment.objects.create(
            campaign=campaign, unit=unit, exempt=is_exempt,
            max_total=sum((n.max_points for n in scored), Decimal(0)))
        lines += [Line(assessment=assessment, node=node) for node in scored]
    Line.objects.bulk_create(lines, batch_size=2000)
    return campaign


@transaction.atomic
def campaign_advance(*, campaign: Campaign, user, expected_phase: int) -> Campaign:
    """The next phase. expected_phase is the phase the person saw: if someone moved it in the
    meantime, nothing happens twice. Publication writes the final score of every line the
    council did not decide: the appraised score (the unit's own where not appraised)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.phase != expected_phase:
        raise RuleError(_("The campaign has moved to “%(phase)s” already.")
                        % {"phase": campaign.get_phase_display()})
    if campaign.phase == Phase.PUBLISHED:
        raise RuleError(_("The campaign is published: there is no later phase."))
    campaign.phase += 1
    if campaign.phase == Phase.PUBLISHED:
        campaign.published_at = timezone.now()
        _fill_final_scores(campaign, user)
    campaign.save(update_fields=["phase", "published_at"])
    return campaign


def _fill_final_scores(campaign: Campaign, user) -> None:
    decided = FinalScore.objects.filter(assessment__campaign=campaign).values_list(
        "assessment_id", "node_id")
    decided = set(decided)
    finals = [
        FinalScore(line=line, assessment_id=line.assessment_id, node_id=line.node_id,
                   area_id=line.node.area_id, score=line.appraised or Decimal(0),
                   decided_by=user)
        for line in Line.objects.filter(assessment__campaign=campaign).select_related("node")
        if (line.assessment_id, line.node_id) not in decided
    ]
    FinalScore.objects.bulk_create(finals, batch_size=2000)


# --- Assessments --------------------------------------------------------------------------------


@dataclass
class SelfInput:
    score: Decimal | None
    value: Decimal | None = None
    note: str = ""
    reason: str = ""
    file: object = None


def _locked(assessment: Assessment, phase: int) -> Assessment:
    locked = (Assessment.objects.select_for_update(of=("self",))
              .select_related("campaign").get(pk=assessment.pk))
    if locked.campaign.phase != phase:
        raise RuleError(_("The campaign is no longer in this phase: nothing was saved."))
    return locked


def _lines(assessment: Assessment, node_ids) -> dict[int, Line]:
    return {line.node_id: line for line in Line.objects.select_for_update()
            .filter(assessment=assessment, node_id__in=list(node_ids)).select_related("node")}


@transaction.atomic
def assessment_save_self(*, assessment: Assessment, user, inputs: dict[int, SelfInput]) -> int:
    """The unit's scores, explanations and files; returns how many lines changed."""
    assessment = _locked(assessment, Phase.SELF)
    if assessment.is_submitted:
        raise RuleError(_("This self-assessment was submitted already: it is read-only now."))
    changed = 0
    entries = []
    for node_id, line in _lines(assessment, inputs).items():
        given = inputs[node_id]
        new = (given.score, given.value, given.note, given.reason)
        old = (line.self_score, line.self_value, line.self_note, line.override_reason)
        if new != old:
            if given.score != line.self_score or given.note != line.self_note:
                entries.append(ScoreEntry(line=line, phase=Phase.SELF, old_score=line.self_score,
                                          new_score=given.score,
                                          comment=given.reason or given.note, author=user))
            line.self_score, line.self_value, line.self_note, line.override_reason = new
            line.save(update_fields=["self_score", "self_value", "self_note",
                                     "override_reason"])
            changed += 1
        if given.file is not None:
            Evidence.objects.create(line=line, file=given.file, file_name=given.file.name[:255],
                                    added_by=user)
            changed += 1
    ScoreEntry.objects.bulk_create(entries)
    return changed


def missing_evidence(assessment: Assessment) -> list[Line]:
    """Lines that require evidence, score above zero and have none."""
    return list(Line.objects.filter(assessment=assessment, node__evidence_required=True,
                                    self_score__gt=0, evidence__isnull=True)
                .select_related("node").order_by("node__position"))


@transaction.atomic
def assessment_submit(*, assessment: Assessment, user) -> Assessment:
    """The head signs the self-assessment off (thủ trưởng ký duyệt): read-only to the unit."""
    assessment = _locked(assessment, Phase.SELF)
    if assessment.is_submitted:
        raise RuleError(_("This self-assessment was submitted already, by %(name)s.")
                        % {"name": assessment.submitted_by.get_full_name()
                           or assessment.submitted_by.username})
    unscored = Line.objects.filter(assessment=assessment, self_score__isnull=True).count()
    if unscored:
        raise RuleError(_("%(count)s lines have no score yet: score every line first.")
                        % {"count": unscored})
    lacking = missing_evidence(assessment)
    if lacking:
        raise RuleError(_("These lines require evidence: %(numbers)s.")
                        % {"numbers": ", ".join(line.node.number for line in lacking)})
    assessment.submitted_at = timezone.now()
    assessment.submitted_by = user
    assessment.save(update_fields=["submitted_at", "submitted_by"])
    return assessment


@dataclass
class AppraisalInput:
    score: Decimal | None
    comment: str = ""
    evidence_missing: bool = False


@transaction.atomic
def assessment_appraise(*, assessment: Assessment, user,
                        inputs: dict[int, AppraisalInput]) -> int:
    """The appraisers keep or change each line with a comment, and flag missing evidence."""
    assessment = _locked(assessment, Phase.APPRAISAL)
    changed = 0
    entries = []
    for node_id, line in _lines(assessment, inputs).items():
        given = inputs[node_id]
        score = given.score if given.score is not None else line.appraised_score
        new = (score, given.comment, given.evidence_missing)
        old = (line.appraised_score, line.appraisal_comment, line.evidence_missing)
        if new == old:
            continue
        entries.append(ScoreEntry(line=line, phase=Phase.APPRAISAL, old_score=line.appraised,
                                  new_score=score if score is not None else line.self_score,
                                  comment=given.comment, author=user))
        line.appraised_score, line.appraisal_comment, line.evidence_missing = new
        line.save(update_fields=["appraised_score", "appraisal_comment", "evidence_missing"])
        changed += 1
    ScoreEntry.objects.bulk_create(entries)
    return changed


@dataclass
class ExplanationInput:
    explanation: str
    proposed_score: Decimal | None = None


@transaction.atomic
def assessment_explain(*, assessment: Assessment, user,
                       inputs: dict[int, ExplanationInput]) -> int:
    """The unit's explanation (giải trình) of the lines it disputes."""
    assessment = _locked(assessment, Phase.EXPLANATION)
    changed = 0
    entries = []
    for node_id, line in _lines(assessment, inputs).items():
        given = inputs[node_id]
        if (given.explanation, given.proposed_score) == (line.explanation, line.proposed_score):
            continue
        entries.append(ScoreEntry(line=line, phase=Phase.EXPLANATION,
                                  old_score=line.appraised, new_score=given.proposed_score,
                                  comment=given.explanation, author=user))
        line.explanation, line.proposed_score = given.explanation, given.proposed_score
        line.save(update_fields=["explanation", "proposed_score"])
        changed += 1
    ScoreEntry.objects.bulk_create(entries)
    return changed


@dataclass
class DecisionInput:
    score: Decimal
    reason: str


def assessment_decide(*, assessment: Assessment, user, inputs: dict[int, DecisionInput]) -> int:
    """The council's final score of disputed lines: one per line, never changed after."""
    try:
        with transaction.atomic():
            assessment = _locked(assessment, Phase.COUNCIL)
            lines = _lines(assessment, inputs)
            already = set(FinalScore.objects.filter(assessment=assessment,
                                                    node_id__in=list(inputs))
                          .values_list("node_id", flat=True))
            if already:
                raise RuleError(_("Lines %(numbers)s were decided already: a decision is "
                                  "final.") % {"numbers": ", ".join(
                                      sorted(lines[n].node.number for n in already))})
            for node_id, given in inputs.items():
                line = lines[node_id]
                FinalScore.objects.create(line=line, assessment=assessment, node=line.node,
                                          area_id=line.node.area_id, score=given.score,
                                          reason=given.reason, by_council=True,
                                          decided_by=user)
                ScoreEntry.objects.create(line=line, phase=Phase.COUNCIL,
                                          old_score=line.appraised, new_score=given.score,
                                          comment=given.reason, author=user)
    except IntegrityError:
        raise RuleError(_("Someone recorded a decision on these lines at the same moment: "
                          "reload the page to see it.")) from None
    return len(inputs)


def effective_final(line: Line) -> tuple[Decimal | None, Correction | None]:
    """The line's final score as it stands: its latest correction's, else the decided one."""
    latest = line.corrections.order_by("-pk").first()
    if latest is not None:
        return latest.score, latest
    final = FinalScore.objects.filter(line=line).values_list("score", flat=True).first()
    return final, None


def correction_record(*, line: Line, user, score: Decimal, reason: str,
                      document_number: str = "", expected: int | None) -> Correction:
    """A reasoned correction of a decided line's final score: a new row (the decided score
    and earlier corrections stay as they were). expected: the pk of the latest correction the
    person saw (None for none): if another coordinator corrected the line in the meantime,
    nothing is written and the message says so."""
    try:
        with transaction.atomic():
            # The final score's row is the line's lock: corrections of one line queue here.
            final = (FinalScore.objects.select_for_update(of=("self",))
                     .select_related("assessment__campaign", "node").filter(line=line).first())
            if final is None:
                raise RuleError(_("Line %(number)s has no final score yet: the council decides "
                                  "it first.") % {"number": line.node.number})
            phase = final.assessment.campaign.phase
            if phase < Phase.COUNCIL:
                raise RuleError(_("A final score is corrected only after the council's "
                                  "decision."))
            old, latest = effective_final(line)
            if (latest.pk if latest else None) != expected:
                raise RuleError(_("Someone corrected line %(number)s in the meantime (now "
                                  "%(score)s): reload the page and check before correcting "
                                  "again.") % {"number": line.node.number, "score": old})
            correction = Correction.objects.create(
                line=line, assessment_id=line.assessment_id, node_id=line.node_id,
                area_id=final.area_id, supersedes=latest, phase=phase, old_score=old,
                score=score, reason=reason, document_number=document_number,
                corrected_by=user)
            ScoreEntry.objects.create(line=line, phase=phase, old_score=old, new_score=score,
                                      comment=reason, author=user)
    except IntegrityError:
        raise RuleError(_("Someone corrected line %(number)s at the same moment: reload the "
                          "page to see it.") % {"number": line.node.number}) from None
    return correction


@transaction.atomic
def evidence_link(*, line: Line, user, progress_entry=None, assignment=None,
                  document_number: str = "") -> Evidence:
    """Evidence already in the portal (a progress report's file, an assignment) or a number."""
    assessment = _locked(line.assessment, Phase.SELF)
    if assessment.is_submitted:
        raise RuleError(_("This self-assessment was submitted already: it is read-only now."))
    return Evidence.objects.create(line=line, progress_entry=progress_entry,
                                   assignment=assignment, document_number=document_number,
                                   added_by=user)


# --- Reminders ----------------------------------------------------------------------------------


def phase_reminder_recipients(*, campaign: Campaign):
    """The people with work left in the campaign's current phase, whom the schedule reminds
    before its end date (index.reminders, which says who they are)."""
    from index.reminders import phase_groups

    pks = {user.pk for group in phase_groups(campaign) for user in group.users}
    return get_user_model().objects.filter(pk__in=pks).order_by("username")
