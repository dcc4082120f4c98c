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


# --- The criteria editor -----------------------------------------------------------------------
#
# What may change depends on the set's campaign: without one, everything; while its campaign is
# in self-assessment, only the wording of a line (units are scoring against the maxima and
# methods announced when it opened, and their lines exist already); later, nothing (the
# appraisal, the council and the ranking judge what was announced). Triggers (index/0004) hold
# the same rule in the database.

NODE_FIELDS = ("content", "max_points", "method", "levels", "lower_bound", "upper_bound",
               "source", "source_param", "evidence_required", "procedures_only")
WORDING_FIELDS = ("content",)
CHILD_LEVEL = {None: Node.Level.AREA, Node.Level.AREA: Node.Level.CRITERION,
               Node.Level.CRITERION: Node.Level.COMPONENT}


EditState = CriteriaSet.EditState


def edit_state(criteria_set: CriteriaSet) -> str:
    return criteria_set.edit_state()


def _lock_set(criteria_set: CriteriaSet, *, structure: bool) -> CriteriaSet:
    """The set's row locked (edits of one set queue), refused when its campaign forbids."""
    locked = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    state = edit_state(locked)
    if state == EditState.FROZEN:
        raise RuleError(_("This criteria set is used by a campaign past self-assessment: it "
                          "can no longer be changed."))
    if structure and state == EditState.WORDING:
        raise RuleError(_("This criteria set's campaign is open: only the wording of its lines "
                          "may change until the self-assessment ends."))
    return locked


ROMAN_NUMERALS = [(40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(number: int) -> str:
    out = ""
    for value, letters in ROMAN_NUMERALS:
        while number >= value:
            out += letters
            number -= value
    return out


def _renumber(criteria_set: CriteriaSet) -> None:
    """Positions and STT from the tree's order: areas I, II ...; criteria 1, 2 ... through
    the set; components <criterion>.1, .2 ... (the shape the XLSX import reads)."""
    nodes = list(Node.objects.filter(criteria_set=criteria_set).order_by("position", "pk"))
    children: dict[int | None, list[Node]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    ordered: list[tuple[Node, str]] = []
    criterion_count = 0
    for a, area in enumerate(children.get(None, []), start=1):
        ordered.append((area, roman(a)))
        for criterion in children.get(area.pk, []):
            criterion_count += 1
            ordered.append((criterion, str(criterion_count)))
            for c, component in enumerate(children.get(criterion.pk, []), start=1):
                ordered.append((component, f"{criterion_count}.{c}"))
    changed = [node for position, (node, number) in enumerate(ordered, start=1)
               if (node.position, node.number) != (position, number)]
    if not changed:
        return
    # Two passes: STT is unique in a set and PostgreSQL checks it row by row, so a swap
    # ("1.1" <-> "1.2") goes through temporary numbers first.
    for node in changed:
        node.number = f"~{node.pk}"
    Node.objects.bulk_update(changed, ["number"])
    for position, (node, number) in enumerate(ordered, start=1):
        node.position, node.number = position, number
    Node.objects.bulk_update(changed, ["position", "number"])


def _guarded(write):
    """A write refused by a database rule (a trigger, a constraint) as a message."""
    try:
        with transaction.atomic():
            return write()
    except IntegrityError:
        raise RuleError(_("The database refused this change to the criteria set: reload the "
                          "page, someone may have changed it or opened a campaign on it.")) \
            from None


def criteria_set_new(*, year: int, unit_kind: str, name: str, document: str = "",
                     total_points: Decimal = Decimal("100"), **thresholds) -> CriteriaSet:
    """An empty set, to fill in line by line in the editor."""
    if CriteriaSet.objects.filter(year=year, unit_kind=unit_kind).exists():
        raise RuleError(_("There is already a criteria set for %(year)s and this group of "
                          "units.") % {"year": year})
    return _guarded(lambda: CriteriaSet.objects.create(
        year=year, unit_kind=unit_kind, name=name, document=document,
        total_points=total_points, **thresholds))


def criteria_set_update(*, criteria_set: CriteriaSet, fields: dict,
                        exempt_units=None) -> CriteriaSet:
    """The set's own fields (name, total, thresholds, rescaling) and its exempt units; with a
    campaign in self-assessment only its name and document."""
    def write():
        locked = _lock_set(criteria_set, structure=False)
        wording_only = edit_state(locked) == EditState.WORDING
        allowed = ("name", "document") if wording_only else tuple(fields)
        refused = [name for name, value in fields.items()
                   if name not in allowed and getattr(locked, name) != value]
        if refused or (wording_only and exempt_units is not None
                       and set(exempt_units) != set(locked.exempt_units.all())):
            raise RuleError(_("This criteria set's campaign is open: only its name and "
                              "document may change until the self-assessment ends."))
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        if exempt_units is not None and not wording_only:
            locked.exempt_units.set(exempt_units)
        return locked
    return _guarded(write)


def _area_under(parent: Node | None) -> Node | None:
    if parent is None:
        return None
    return parent if parent.level == Node.Level.AREA else parent.area


def node_add(*, criteria_set: CriteriaSet, parent: Node | None, fields: dict) -> Node:
    """A new line as the last child of `parent` (an area when None): its level follows."""
    def write():
        locked = _lock_set(criteria_set, structure=True)
        if parent is not None and parent.criteria_set_id != locked.pk:
            raise RuleError(_("That line belongs to another criteria set."))
        level = CHILD_LEVEL.get(parent.level if parent else None)
        if level is None:
            raise RuleError(_("A component has no lines under it."))
        values = {k: v for k, v in fields.items() if k in NODE_FIELDS}
        if level != Node.Level.COMPONENT:
            values = {k: v for k, v in values.items() if k in ("content", "max_points")}
        last = Node.objects.filter(criteria_set=locked).order_by("-position").first()
        node = Node.objects.create(
            criteria_set=locked, parent=parent,
            area=_area_under(parent),
            level=level, position=(last.position if last else 0) + 1,
            number=f"~new{(last.pk if last else 0) + 1}", **values)
        _renumber(locked)
        node.refresh_from_db()
        return node
    return _guarded(write)


def node_update(*, node: Node, fields: dict) -> Node:
    """A line's fields; with the campaign in self-assessment its wording only."""
    def write():
        locked = _lock_set(node.criteria_set, structure=False)
        current = Node.objects.select_for_update().get(pk=node.pk, criteria_set=locked)
        wording_only = edit_state(locked) == EditState.WORDING
        for name, value in fields.items():
            if name not in NODE_FIELDS or getattr(current, name) == value:
                continue
            if wording_only and name not in WORDING_FIELDS:
                raise RuleError(_("This criteria set's campaign is open: only the wording of "
                                  "its lines may change until the self-assessment ends."))
            setattr(current, name, value)
        current.save()
        return current
    return _guarded(write)


def node_move(*, node: Node, direction: str) -> Node:
    """One place up or down among its siblings (its lines move with it)."""
    def write():
        locked = _lock_set(node.criteria_set, structure=True)
        current = Node.objects.get(pk=node.pk, criteria_set=locked)
        siblings = list(Node.objects.filter(criteria_set=locked, parent=current.parent_id)
                        .order_by("position"))
        index = [s.pk for s in siblings].index(current.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(siblings):
            raise RuleError(_("Line %(number)s is already the first or the last of its "
                              "level.") % {"number": current.number})
        neighbour = siblings[other]
        current.position, neighbour.position = neighbour.position, current.position
        Node.objects.bulk_update([current, neighbour], ["position"])
        _renumber(locked)
        current.refresh_from_db()
        return current
    return _guarded(write)


def node_delete(*, node: Node) -> int:
    """A line and the lines under it; returns how many lines went."""
    def write():
        locked = _lock_set(node.criteria_set, structure=True)
        deleted, by_model = Node.objects.filter(pk=node.pk, criteria_set=locked).delete()
        _renumber(locked)
        return by_model.get(Node._meta.label, 0)
    return _guarded(write)


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
    errors = check_tree(tree_of(criteria_set), criteria_set.total_points)
    if errors:
        raise RuleError(" ".join(errors))
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
            if old == score:
                raise RuleError(_("Line %(number)s's final score is %(score)s already: nothing "
                                  "to correct.") % {"number": line.node.number, "score": old})
            if (latest.pk if latest else None) != expected:
                raise RuleError(_("Someone corrected line %(number)s in the meantime (now "
                                  "%(score)s): reload the page and check before correcting "
                                  "again.") % {"number": line.node.number, "score": old})
            correction = Correction.objects.create(
                line=line, assessment_id=line.assessment_id, node_id=line.node_id,
                area_id=final.area_id, supersedes=latest, phase=phase, old_score=old,
                score=score, reason=reason, document_number=document_number,
                corrected_by=user)
            Line.objects.filter(pk=line.pk).update(corrected_score=score)
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
