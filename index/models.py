"""The unit PAR index (chỉ số cải cách hành chính của các sở, ngành, địa phương).

A criteria set (bộ tiêu chí) per year and group of units is a tree of areas (lĩnh vực),
criteria (tiêu chí) and components (tiêu chí thành phần); only components are scored. A campaign
runs one set through its phases; each unit has one assessment, whose lines hold the current
scores of each phase while ScoreEntry keeps every change (append-only) and FinalScore the
council's one final score per line.
"""

import datetime
import secrets
from decimal import ROUND_HALF_UP, Decimal
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Sum, Value, Window
from django.db.models.functions import Coalesce, Rank, Round
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from units.models import Unit

CENT = Decimal("0.01")
ZERO = Decimal("0")


def points(value) -> Decimal:
    """A number of points, exact to two places (half up, as a person rounds on paper)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class CriteriaSet(models.Model):
    """A year's criteria for one group of units (Decision 3323/QĐ-UBND's shape)."""

    year = models.PositiveSmallIntegerField(_("year"))
    unit_kind = models.CharField(_("group of units"), max_length=20, choices=Unit.Kind)
    name = models.CharField(_("name"), max_length=300)
    document = models.CharField(_("issuing document"), max_length=120, blank=True)
    total_points = models.DecimalField(_("total points"), max_digits=6, decimal_places=2,
                                       default=Decimal("100"))
    threshold_a = models.DecimalField(_("class A from"), max_digits=6, decimal_places=2,
                                      default=Decimal("90"))
    threshold_b = models.DecimalField(_("class B from"), max_digits=6, decimal_places=2,
                                      default=Decimal("80"))
    threshold_c = models.DecimalField(_("class C from"), max_digits=6, decimal_places=2,
                                      default=Decimal("70"))
    rescale_exempt = models.BooleanField(
        _("rescale exempt units"), default=True,
        help_text=_("A unit exempt from some lines has its total brought back to the set's "
                    "total: raw points × total ÷ the maxima of the lines it is scored on."),
    )
    exempt_units = models.ManyToManyField(
        Unit, verbose_name=_("units without administrative procedures"), blank=True,
        related_name="+",
        help_text=_("These units are exempt from the lines that apply only to units handling "
                    "administrative procedures."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["-year", "unit_kind"]
        constraints = [
            models.UniqueConstraint(fields=["year", "unit_kind"],
                                    name="criteriaset_unique_year_kind"),
            models.CheckConstraint(
                name="criteriaset_thresholds_ordered",
                condition=Q(total_points__gt=0, threshold_c__gte=0,
                            threshold_b__gt=F("threshold_c"), threshold_a__gt=F("threshold_b"),
                            threshold_a__lte=F("total_points")),
            ),
            models.CheckConstraint(name="criteriaset_year_sane",
                                   condition=Q(year__gte=2000, year__lte=2100)),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("index:criteria-set-detail", args=[self.pk])

    def grade(self, total: Decimal | None) -> str:
        """The class (xếp loại) of a total: A, B, C or D by the set's thresholds."""
        if total is None:
            return ""
        for letter, threshold in (("A", self.threshold_a), ("B", self.threshold_b),
                                  ("C", self.threshold_c)):
            if total >= threshold:
                return letter
        return "D"

    class EditState:
        """What the editor may change (index.services, the criteria editor's rules)."""

        OPEN = "open"        # no campaign: every change
        WORDING = "wording"  # its campaign is in self-assessment: the lines' wording only
        FROZEN = "frozen"    # its campaign is past self-assessment: nothing

    def edit_state(self) -> str:
        phase = Campaign.objects.filter(criteria_set=self).values_list("phase",
                                                                       flat=True).first()
        if phase is None:
            return self.EditState.OPEN
        return self.EditState.WORDING if phase == Phase.SELF else self.EditState.FROZEN

    def components(self):
        return self.nodes.filter(level=Node.Level.COMPONENT)

    def maxima_total(self) -> Decimal:
        return self.components().aggregate(s=Sum("max_points"))["s"] or ZERO


class Node(models.Model):
    """One line of a criteria set: an area, a criterion, or a scored component."""

    class Level(models.TextChoices):
        AREA = "area", _("Area")
        CRITERION = "criterion", _("Criterion")
        COMPONENT = "component", _("Component")

    class Method(models.TextChoices):
        YES_NO = "yes_no", _("Yes or no")
        LEVELS = "levels", _("Scale of levels")
        FORMULA = "formula", _("Number scored by a formula")
        COMPUTED = "computed", _("Computed from the portal's data")

    criteria_set = models.ForeignKey(CriteriaSet, verbose_name=_("criteria set"),
                                     on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey("self", verbose_name=_("parent"), on_delete=models.CASCADE,
                               null=True, blank=True, related_name="children")
    # The component's area, kept on every line so that totals by area are one GROUP BY.
    area = models.ForeignKey("self", verbose_name=_("area"), on_delete=models.CASCADE,
                             null=True, blank=True, related_name="+")
    level = models.CharField(_("level"), max_length=10, choices=Level)
    position = models.PositiveIntegerField(_("position"), default=0)
    number = models.CharField(_("number (STT)"), max_length=20)
    content = models.TextField(_("content"), max_length=2000)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    method = models.CharField(_("scoring method"), max_length=10, choices=Method, blank=True)
    # LEVELS: the allowed scores, e.g. "0;0.5;1". FORMULA / COMPUTED: the measured value scores
    # linearly from 0 at lower_bound to max_points at upper_bound (clamped at both ends).
    levels = models.CharField(_("levels"), max_length=200, blank=True)
    lower_bound = models.DecimalField(_("lower bound"), max_digits=9, decimal_places=2,
                                      default=ZERO)
    upper_bound = models.DecimalField(_("upper bound"), max_digits=9, decimal_places=2,
                                      default=Decimal("100"))
    source = models.CharField(_("data source"), max_length=40, blank=True)
    source_param = models.CharField(_("data source parameter"), max_length=200, blank=True)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    procedures_only = models.BooleanField(
        _("only for units handling administrative procedures"), default=False)

    class Meta:
        verbose_name = _("criteria line")
        verbose_name_plural = _("criteria lines")
        ordering = ["criteria_set", "position"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "number"], name="node_unique_number"),
            models.CheckConstraint(name="node_max_points_positive",
                                   condition=Q(max_points__gte=0)),
            models.CheckConstraint(
                name="node_component_has_method",
                condition=Q(level="component", method__in=["yes_no", "levels", "formula",
                                                           "computed"])
                | (~Q(level="component") & Q(method="")),
            ),
            models.CheckConstraint(name="node_bounds_ordered",
                                   condition=Q(upper_bound__gt=F("lower_bound"))),
            models.CheckConstraint(name="node_levels_given",
                                   condition=~Q(method="levels") | ~Q(levels="")),
            models.CheckConstraint(name="node_computed_has_source",
                                   condition=~Q(method="computed") | ~Q(source="")),
            # An area is a root; a criterion or a component hangs under a parent in an area.
            models.CheckConstraint(
                name="node_parent_by_level",
                condition=Q(level="area", parent__isnull=True, area__isnull=True)
                | (~Q(level="area") & Q(parent__isnull=False, area__isnull=False)),
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.content[:80]}"

    @property
    def is_component(self) -> bool:
        return self.level == self.Level.COMPONENT

    def level_values(self) -> list[Decimal]:
        if self.method == self.Method.YES_NO:
            return [ZERO, points(self.max_points)]
        if self.method == self.Method.LEVELS:
            return sorted({points(v.strip().replace(",", "."))
                           for v in self.levels.split(";") if v.strip()})
        return []

    @property
    def levels_label(self) -> str:
        """The allowed scores as a person reads them: "0; 0,5; 1"."""
        return "; ".join(formats.number_format(v.normalize()) for v in self.level_values())

    def score_of(self, value: Decimal) -> Decimal:
        """The formula: linear between the bounds, clamped to 0..max."""
        share = (Decimal(value) - self.lower_bound) / (self.upper_bound - self.lower_bound)
        share = min(max(share, ZERO), Decimal(1))
        return points(self.max_points * share)

    def allows(self, score: Decimal) -> bool:
        if score < 0 or score > self.max_points:
            return False
        values = self.level_values()
        return not values or points(score) in values


class Phase(models.IntegerChoices):
    """A campaign's phases, in order: they only move forward (a trigger refuses going back)."""

    SELF = 1, _("Self-assessment")
    APPRAISAL = 2, _("Appraisal")
    EXPLANATION = 3, _("Explanation")
    COUNCIL = 4, _("Council")
    PUBLISHED = 5, _("Published")


class Campaign(models.Model):
    """A year's run of a criteria set: self-assessment until D1, appraisal until D2,
    explanations until D3, council until D4, then publication."""

    criteria_set = models.OneToOneField(CriteriaSet, verbose_name=_("criteria set"),
                                        on_delete=models.PROTECT, related_name="campaign")
    phase = models.PositiveSmallIntegerField(_("phase"), choices=Phase, default=Phase.SELF)
    self_until = models.DateField(_("self-assessment until (D1)"))
    appraisal_until = models.DateField(_("appraisal until (D2)"))
    explanation_until = models.DateField(_("explanations until (D3)"))
    council_until = models.DateField(_("council until (D4)"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("opened at"), default=timezone.now)

    class Meta:
        verbose_name = _("assessment campaign")
        verbose_name_plural = _("assessment campaigns")
        ordering = ["-criteria_set__year", "criteria_set__unit_kind"]
        constraints = [
            models.CheckConstraint(name="campaign_phase_known",
                                   condition=Q(phase__gte=1, phase__lte=5)),
            models.CheckConstraint(
                name="campaign_dates_ordered",
                condition=Q(appraisal_until__gte=F("self_until"),
                            explanation_until__gte=F("appraisal_until"),
                            council_until__gte=F("explanation_until")),
            ),
            models.CheckConstraint(
                name="campaign_published_when_published",
                condition=Q(phase=5, published_at__isnull=False)
                | (~Q(phase=5) & Q(published_at__isnull=True)),
            ),
        ]

    def __str__(self):
        return str(self.criteria_set)

    def get_absolute_url(self):
        return reverse("index:campaign-detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.phase == Phase.PUBLISHED

    def deadline(self) -> datetime.date | None:
        return {Phase.SELF: self.self_until, Phase.APPRAISAL: self.appraisal_until,
                Phase.EXPLANATION: self.explanation_until,
                Phase.COUNCIL: self.council_until}.get(self.phase)


DECIMAL = models.DecimalField(max_digits=8, decimal_places=2)


def _line_sum(expression):
    return Coalesce(Sum(expression), Value(ZERO), output_field=DECIMAL)


def _scaled(raw):
    """raw × set total ÷ the unit's maxima when the set rescales, exact to two places."""
    decimal = models.DecimalField(max_digits=8, decimal_places=2)
    return models.Case(
        models.When(
            Q(campaign__criteria_set__rescale_exempt=True) & ~Q(max_total=0)
            & ~Q(max_total=F("campaign__criteria_set__total_points")),
            then=Round(models.ExpressionWrapper(
                raw * F("campaign__criteria_set__total_points") / F("max_total"),
                output_field=models.DecimalField(max_digits=20, decimal_places=10),
            ), 2),
        ),
        default=raw, output_field=decimal,
    )


class AssessmentQuerySet(models.QuerySet):
    def for_user(self, user):
        """What a person may see: every assessment for read-all roles and appraisers; a unit's
        members their own; after publication everyone every published assessment."""
        from index.access import sees_all_assessments
        from units.models import Membership

        if sees_all_assessments(user):
            return self
        return self.filter(
            Q(unit__in=Membership.objects.filter(user=user).values("unit_id"))
            | Q(campaign__phase=Phase.PUBLISHED)
        )

    def with_totals(self):
        """The one place totals and ranks are computed, in SQL: self, appraised and final
        totals (Decimal, two places; rescaled for exempt units), the rank within the campaign
        (RANK(): ties share a rank) and the class by the set's thresholds.

        appraised: the appraisers' score, else the unit's own. final: the council's score (or
        the one written at publication), or the line's latest correction when it has one."""
        # One GROUP BY over the assessments' lines and their final scores (a line has at most
        # one): each sum is computed once whatever the expressions that use it.
        qs = self.annotate(
            self_raw=_line_sum("lines__self_score"),
            appraised_raw=_line_sum(Coalesce("lines__appraised_score", "lines__self_score")),
            final_raw=_line_sum(Coalesce("lines__corrected_score", "lines__final__score")),
        ).annotate(
            self_total=_scaled(F("self_raw")),
            appraised_total=_scaled(F("appraised_raw")),
            final_total=_scaled(F("final_raw")),
        )
        return qs.annotate(
            rank=Window(Rank(), partition_by=F("campaign"), order_by=F("final_total").desc()),
            grade=models.Case(
                models.When(final_total__gte=F("campaign__criteria_set__threshold_a"),
                            then=Value("A")),
                models.When(final_total__gte=F("campaign__criteria_set__threshold_b"),
                            then=Value("B")),
                models.When(final_total__gte=F("campaign__criteria_set__threshold_c"),
                            then=Value("C")),
                default=Value("D"),
            ),
        )


class Assessment(models.Model):
    """One unit's assessment in a campaign (the self-assessment and everything after it)."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT,
                                 related_name="assessments")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="index_assessments")
    exempt = models.BooleanField(_("exempt from procedure lines"), default=False)
    # The maxima of the lines this unit is scored on (the set's total unless exempt).
    max_total = models.DecimalField(_("maximum for this unit"), max_digits=6, decimal_places=2)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["campaign", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="assessment_unique_unit"),
            models.CheckConstraint(
                name="assessment_submitted_by_someone",
                condition=Q(submitted_at__isnull=True, submitted_by__isnull=True)
                | Q(submitted_at__isnull=False, submitted_by__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.campaign} · {self.unit}"

    def get_absolute_url(self):
        return reverse("index:assessment-detail", args=[self.pk])

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Line(models.Model):
    """The current scores of one component in one assessment. Changed only by the services,
    each change also written as a ScoreEntry (the history)."""

    assessment = models.ForeignKey(Assessment, verbose_name=_("assessment"),
                                   on_delete=models.PROTECT, related_name="lines")
    node = models.ForeignKey(Node, verbose_name=_("component"), on_delete=models.PROTECT,
                             related_name="+")
    self_score = models.DecimalField(_("self score"), max_digits=6, decimal_places=2,
                                     null=True, blank=True)
    self_value = models.DecimalField(_("measured value"), max_digits=9, decimal_places=2,
                                     null=True, blank=True)
    self_note = models.TextField(_("explanation"), max_length=2000, blank=True)
    override_reason = models.TextField(_("reason for overriding"), max_length=1000, blank=True)
    appraised_score = models.DecimalField(_("appraised score"), max_digits=6, decimal_places=2,
                                          null=True, blank=True)
    appraisal_comment = models.TextField(_("appraisal comment"), max_length=2000, blank=True)
    evidence_missing = models.BooleanField(_("evidence missing"), default=False)
    explanation = models.TextField(_("unit's explanation"), max_length=2000, blank=True)
    proposed_score = models.DecimalField(_("score proposed by the unit"), max_digits=6,
                                         decimal_places=2, null=True, blank=True)
    # The latest Correction's score, if the final score was corrected (written with it, in
    # the same transaction; a trigger holds the two together): the line's effective final
    # score is this, else its FinalScore's.
    corrected_score = models.DecimalField(_("corrected final score"), max_digits=6,
                                          decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("assessment line")
        verbose_name_plural = _("assessment lines")
        ordering = ["assessment", "node__position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "node"], name="line_unique_node"),
            models.CheckConstraint(
                name="line_scores_not_negative",
                condition=(Q(self_score__isnull=True) | Q(self_score__gte=0))
                & (Q(appraised_score__isnull=True) | Q(appraised_score__gte=0))
                & (Q(proposed_score__isnull=True) | Q(proposed_score__gte=0))
                & (Q(corrected_score__isnull=True) | Q(corrected_score__gte=0)),
            ),
        ]

    def __str__(self):
        return f"{self.assessment} · {self.node.number}"

    @property
    def appraised(self) -> Decimal | None:
        return self.appraised_score if self.appraised_score is not None else self.self_score

    @property
    def is_disputed(self) -> bool:
        return bool(self.explanation)


class ScoreEntry(models.Model):
    """One change of a line's score or comment: who, when, in which phase, old -> new.
    Append-only (a trigger refuses UPDATE and DELETE on PostgreSQL)."""

    line = models.ForeignKey(Line, verbose_name=_("line"), on_delete=models.PROTECT,
                             related_name="entries")
    phase = models.PositiveSmallIntegerField(_("phase"), choices=Phase)
    old_score = models.DecimalField(_("old score"), max_digits=6, decimal_places=2,
                                    null=True, blank=True)
    new_score = models.DecimalField(_("new score"), max_digits=6, decimal_places=2,
                                    null=True, blank=True)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"),
                               on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("score change")
        verbose_name_plural = _("score changes")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(name="scoreentry_not_negative",
                                   condition=Q(new_score__isnull=True) | Q(new_score__gte=0)),
        ]

    def __str__(self):
        return f"{self.line} · {self.old_score} → {self.new_score}"


class FinalScore(models.Model):
    """The final score of a line: the council's decision for a disputed line, the appraised
    score for the others at publication. One per line; immutable once written."""

    # The line it ends (one to one: the totals join lines and their final scores in one pass);
    # assessment, node and area repeat the line's, for the sums by area and the constraint.
    line = models.OneToOneField(Line, verbose_name=_("line"), on_delete=models.PROTECT,
                                related_name="final")
    assessment = models.ForeignKey(Assessment, verbose_name=_("assessment"),
                                   on_delete=models.PROTECT, related_name="final_scores")
    node = models.ForeignKey(Node, verbose_name=_("component"), on_delete=models.PROTECT,
                             related_name="+")
    area = models.ForeignKey(Node, verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="+")
    score = models.DecimalField(_("final score"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("council's reason"), max_length=2000, blank=True)
    by_council = models.BooleanField(_("decided by the council"), default=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        verbose_name = _("final score")
        verbose_name_plural = _("final scores")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "node"], name="finalscore_one_per_line"),
            models.CheckConstraint(name="finalscore_not_negative", condition=Q(score__gte=0)),
            models.CheckConstraint(name="finalscore_council_gives_reason",
                                   condition=Q(by_council=False) | ~Q(reason="")),
        ]

    def __str__(self):
        return f"{self.assessment} · {self.node.number}: {self.score}"


class Correction(models.Model):
    """A reasoned correction of a line's final score after the council's decision or after
    publication (đính chính): a new row, never a change of the decided one. The line's
    effective final score is its latest correction's (kept on Line.corrected_score for the
    totals' one pass over the lines). Append-only (a trigger refuses UPDATE and
    DELETE), chained: each names the correction it supersedes (none for the first), so two
    coordinators correcting the same line from the same state cannot both succeed."""

    line = models.ForeignKey(Line, verbose_name=_("line"), on_delete=models.PROTECT,
                             related_name="corrections")
    # assessment, node and area repeat the line's, for the sums by assessment and by area.
    assessment = models.ForeignKey(Assessment, verbose_name=_("assessment"),
                                   on_delete=models.PROTECT, related_name="corrections")
    node = models.ForeignKey(Node, verbose_name=_("component"), on_delete=models.PROTECT,
                             related_name="+")
    area = models.ForeignKey(Node, verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="+")
    supersedes = models.OneToOneField("self", verbose_name=_("corrects"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="superseded_by")
    phase = models.PositiveSmallIntegerField(_("phase"), choices=Phase)
    old_score = models.DecimalField(_("old score"), max_digits=6, decimal_places=2)
    score = models.DecimalField(_("corrected score"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("reason"), max_length=2000)
    document_number = models.CharField(_("decision or document number"), max_length=120,
                                       blank=True)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"),
                                     on_delete=models.PROTECT, related_name="+")
    corrected_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("final score correction")
        verbose_name_plural = _("final score corrections")
        ordering = ["corrected_at", "pk"]
        constraints = [
            # The first correction of a line (there can be one); later ones each supersede
            # one (OneToOne: never two corrections of the same one).
            models.UniqueConstraint(fields=["line"], condition=Q(supersedes__isnull=True),
                                    name="correction_one_first_per_line"),
            models.CheckConstraint(name="correction_not_negative",
                                   condition=Q(score__gte=0, old_score__gte=0)),
            models.CheckConstraint(name="correction_gives_reason", condition=~Q(reason="")),
            models.CheckConstraint(name="correction_after_decision",
                                   condition=Q(phase__in=[4, 5])),
        ]

    def __str__(self):
        return f"{self.assessment} · {self.node.number}: {self.old_score} → {self.score}"


def evidence_upload_to(evidence: "Evidence", filename: str) -> str:
    # A random name: the uploader's file name is kept only for display, never as a path.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"index-evidence/{timezone.localdate():%Y/%m}/{secrets.token_urlsafe(24)}{suffix}"


class Evidence(models.Model):
    """A document proving a line (tài liệu kiểm chứng): a file, or a link to what the portal
    holds already (a progress report's file, an assignment) or a document number."""

    line = models.ForeignKey(Line, verbose_name=_("line"), on_delete=models.PROTECT,
                             related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_upload_to, blank=True, max_length=200)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    progress_entry = models.ForeignKey("solutions.ProgressEntry",
                                       verbose_name=_("progress report"),
                                       on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+")
    assignment = models.ForeignKey("solutions.Assignment", verbose_name=_("assignment"),
                                   on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    document_number = models.CharField(_("document number"), max_length=120, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"),
                                 on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["line", "added_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="evidence_something",
                condition=~Q(file="") | Q(progress_entry__isnull=False)
                | Q(assignment__isnull=False) | ~Q(document_number=""),
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        if self.file:
            return self.file_name or _("file")
        if self.progress_entry_id:
            return _("Progress report file: %(name)s") % {
                "name": self.progress_entry.evidence_name or self.progress_entry_id}
        if self.assignment_id:
            return _("Assignment %(task)s") % {"task": self.assignment.task.code}
        return self.document_number

    def get_url(self) -> str:
        if self.file:
            return reverse("index:evidence-download", args=[self.pk])
        if self.progress_entry_id:
            return self.progress_entry.get_evidence_url()
        if self.assignment_id:
            return reverse("solutions:assignment-detail", args=[self.assignment_id])
        return ""
