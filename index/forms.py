"""Forms of the index. The line forms have one group of fields per component, named
<field>-<component id> (score-12, note-12 ...), and mirror the database's rules (0..max, the
method's values) so that a bad score is a message on its line, never a 500."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from index.models import ZERO as ZERO_POINTS
from index.models import Campaign, CriteriaSet, Node, points
from index.sources import SOURCE_CHOICES, Computed
from solutions.evidence import ACCEPTED_HELP, validate_evidence
from units.models import Unit


def _decimal_field(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, localize=True, max_digits=9, decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6, "autocomplete": "off"}),
        error_messages={"invalid": _("Enter a number (for example 2,5)."),
                        "max_decimal_places": _("At most two decimals."),
                        "max_digits": _("Enter a number (for example 2,5).")},
        **kwargs,
    )


def _fmt(value) -> str:
    return formats.number_format(Decimal(f"{points(value):f}".rstrip("0").rstrip(".")))


def score_error(node: Node, score: Decimal) -> str | None:
    """Why a score is not allowed on a line (the rule the database holds), or None."""
    if score < 0:
        return _("Line %(number)s: a score cannot be negative.") % {"number": node.number}
    if score > node.max_points:
        return _("Line %(number)s: at most %(max)s points.") % {
            "number": node.number, "max": _fmt(node.max_points)}
    values = node.level_values()
    if values and points(score) not in values:
        return _("Line %(number)s: the score must be one of %(values)s.") % {
            "number": node.number, "values": "; ".join(_fmt(v) for v in values)}
    return None


class LinesForm(forms.Form):
    """A form over some lines: subclasses add their fields per line in add_fields()."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.add_fields(item)

    def add_fields(self, item) -> None:
        raise NotImplementedError

    def rows(self):
        """(item, {name: bound field}) per line, for the template."""
        for item in self.items:
            suffix = f"-{item.node.pk}"
            yield item, {name[: -len(suffix)]: self[name] for name in self.fields
                         if name.endswith(suffix)}

    def value(self, name: str, node_id: int):
        return self.cleaned_data.get(f"{name}-{node_id}")

    def check_score(self, name: str, node: Node) -> Decimal | None:
        key = f"{name}-{node.pk}"
        score = self.cleaned_data.get(key)
        if score is not None:
            message = score_error(node, score)
            if message:
                self.add_error(key, message)
                return None
        return score


class SelfAssessmentForm(LinesForm):
    def __init__(self, *args, computed: dict[int, Computed], **kwargs):
        self.computed = computed
        super().__init__(*args, **kwargs)

    def add_fields(self, item) -> None:
        node, line, pk = item.node, item.line, item.node.pk
        computed = self.computed.get(pk)
        score = _decimal_field(_("Score"), help_text=_("0 to %(max)s") % {
            "max": _fmt(node.max_points)})
        score.initial = line.self_score if line.self_score is not None else (
            computed.score if computed else None)
        self.fields[f"score-{pk}"] = score
        if node.method in (Node.Method.FORMULA, Node.Method.COMPUTED):
            value = _decimal_field(_("Measured value"), help_text=_(
                "%(max)s points at %(upper)s or more, 0 at %(lower)s or less") % {
                "max": _fmt(node.max_points), "upper": _fmt(node.upper_bound),
                "lower": _fmt(node.lower_bound)})
            value.initial = line.self_value if line.self_value is not None else (
                computed.value if computed else None)
            self.fields[f"value-{pk}"] = value
        self.fields[f"note-{pk}"] = forms.CharField(
            label=_("Explanation"), required=False, max_length=2000, initial=line.self_note,
            widget=forms.Textarea(attrs={"rows": 2, "cols": 30}))
        if node.method == Node.Method.COMPUTED:
            self.fields[f"reason-{pk}"] = forms.CharField(
                label=_("Reason for overriding the computed score"), required=False,
                max_length=1000, initial=line.override_reason)
        self.fields[f"file-{pk}"] = forms.FileField(
            label=_("Evidence file"), required=False, validators=[validate_evidence],
            help_text=ACCEPTED_HELP, max_length=255)

    def clean(self):
        cleaned = super().clean()
        for item in self.items:
            node, pk = item.node, item.node.pk
            score = self.check_score("score", node)
            value = cleaned.get(f"value-{pk}")
            if node.method in (Node.Method.FORMULA, Node.Method.COMPUTED) and value is not None:
                by_formula = node.score_of(value)
                if score is None and f"score-{pk}" not in self.errors:
                    cleaned[f"score-{pk}"] = score = by_formula
            computed = self.computed.get(pk)
            if node.method == Node.Method.COMPUTED and computed is not None and score is not None:
                overridden = score != computed.score or (value is not None
                                                         and value != computed.value)
                if overridden and not cleaned.get(f"reason-{pk}"):
                    self.add_error(f"reason-{pk}", _(
                        "Line %(number)s: the portal computed %(score)s points; give a reason "
                        "to score it differently.") % {"number": node.number,
                                                       "score": _fmt(computed.score)})
            elif node.method == Node.Method.FORMULA and value is not None and score is not None:
                if score != node.score_of(value):
                    self.add_error(f"score-{pk}", _(
                        "Line %(number)s: by the formula, %(value)s gives %(score)s points.")
                        % {"number": node.number, "value": _fmt(value),
                           "score": _fmt(node.score_of(value))})
        return cleaned


class AppraisalForm(LinesForm):
    def add_fields(self, item) -> None:
        line, pk = item.line, item.node.pk
        score = _decimal_field(_("Appraised score"))
        score.initial = line.appraised
        self.fields[f"score-{pk}"] = score
        self.fields[f"comment-{pk}"] = forms.CharField(
            label=_("Comment"), required=False, max_length=2000, initial=line.appraisal_comment,
            widget=forms.Textarea(attrs={"rows": 2, "cols": 30}))
        self.fields[f"missing-{pk}"] = forms.BooleanField(
            label=_("Evidence missing"), required=False, initial=line.evidence_missing)

    def clean(self):
        cleaned = super().clean()
        for item in self.items:
            node, line = item.node, item.line
            score = self.check_score("score", node)
            if (score is not None and score != line.appraised
                    and not cleaned.get(f"comment-{node.pk}")):
                self.add_error(f"comment-{node.pk}", _(
                    "Line %(number)s: say why the score changes.") % {"number": node.number})
        return cleaned


class ExplanationForm(LinesForm):
    def add_fields(self, item) -> None:
        line, pk = item.line, item.node.pk
        self.fields[f"explain-{pk}"] = forms.CharField(
            label=_("Explanation"), required=False, max_length=2000, initial=line.explanation,
            widget=forms.Textarea(attrs={"rows": 2, "cols": 30}))
        proposed = _decimal_field(_("Score asked for"))
        proposed.initial = line.proposed_score
        self.fields[f"proposed-{pk}"] = proposed

    def clean(self):
        cleaned = super().clean()
        for item in self.items:
            node = item.node
            proposed = self.check_score("proposed", node)
            if proposed is not None and not cleaned.get(f"explain-{node.pk}"):
                self.add_error(f"explain-{node.pk}", _(
                    "Line %(number)s: explain why.") % {"number": node.number})
        return cleaned


class DecisionForm(LinesForm):
    def add_fields(self, item) -> None:
        pk = item.node.pk
        self.fields[f"final-{pk}"] = _decimal_field(_("Final score"))
        self.fields[f"reason-{pk}"] = forms.CharField(
            label=_("Council's reason"), required=False, max_length=2000,
            widget=forms.Textarea(attrs={"rows": 2, "cols": 30}))

    def clean(self):
        cleaned = super().clean()
        for item in self.items:
            node = item.node
            final = self.check_score("final", node)
            if final is not None and not cleaned.get(f"reason-{node.pk}"):
                self.add_error(f"reason-{node.pk}", _(
                    "Line %(number)s: the council's reason is required.") % {
                    "number": node.number})
        if not self.errors and not any(cleaned.get(f"final-{i.node.pk}") is not None
                                       for i in self.items):
            raise ValidationError(_("Give the final score of at least one line."))
        return cleaned


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["criteria_set", "self_until", "appraisal_until", "explanation_until",
                  "council_until"]
        widgets = {name: forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})
                   for name in fields[1:]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria_set"].queryset = CriteriaSet.objects.filter(campaign__isnull=True)

    def clean_criteria_set(self):
        """A set whose maxima do not add up cannot be used (the database refuses it too)."""
        from index.services import check_tree, tree_of

        criteria_set = self.cleaned_data["criteria_set"]
        errors = check_tree(tree_of(criteria_set), criteria_set.total_points)
        if errors:
            raise ValidationError([_("This criteria set cannot be used yet: correct it in the "
                                     "editor first.")] + errors)
        return criteria_set

    def clean(self):
        cleaned = super().clean()
        dates = [cleaned.get(n) for n in self.Meta.fields[1:]]
        if all(dates) and dates != sorted(dates):
            raise ValidationError(_("The dates must follow the phases' order: D1 ≤ D2 ≤ D3 ≤ D4."))
        return cleaned


class CriteriaImportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    unit_kind = forms.ChoiceField(label=_("Group of units"), choices=Unit.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=300)
    document = forms.CharField(label=_("Issuing document"), max_length=120, required=False)
    total_points = forms.DecimalField(label=_("Total points"), initial=Decimal("100"),
                                      min_value=1, max_value=1000, decimal_places=2,
                                      localize=True)
    file = forms.FileField(label=_("Criteria table (XLSX)"), help_text=_(
        "Columns: STT, content, maximum points, scoring method, evidence required, applies "
        "only to units handling administrative procedures."))

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > 5 * 1024 * 1024:
            raise ValidationError(_("The table is larger than 5 MB."))
        return file

    def clean(self):
        cleaned = super().clean()
        if CriteriaSet.objects.filter(year=cleaned.get("year"),
                                      unit_kind=cleaned.get("unit_kind")).exists():
            raise ValidationError(_("There is already a criteria set for this year and group "
                                    "of units."))
        return cleaned


class CriteriaCopyForm(forms.Form):
    year = forms.IntegerField(label=_("Year of the copy"), min_value=2000, max_value=2100)

    def __init__(self, *args, source: CriteriaSet, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        self.fields["year"].initial = source.year + 1

    def clean_year(self):
        year = self.cleaned_data["year"]
        if CriteriaSet.objects.filter(year=year, unit_kind=self.source.unit_kind).exists():
            raise ValidationError(_("There is already a criteria set for this year and group "
                                    "of units."))
        return year


class EvidenceLinkForm(forms.Form):
    progress_entry = forms.TypedChoiceField(label=_("A progress report's file"), required=False,
                                            coerce=int, empty_value=None)
    assignment = forms.TypedChoiceField(label=_("An assignment"), required=False, coerce=int,
                                        empty_value=None)
    document_number = forms.CharField(label=_("Document number"), required=False,
                                      max_length=120,
                                      help_text=_("e.g. Quyết định số 125/QĐ-UBND"))

    def __init__(self, *args, entries, assignments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["progress_entry"].choices = [("", "—")] + [
            (e.pk, f"{e.assignment.task.code} · {e.evidence_name or e.pk}") for e in entries]
        self.fields["assignment"].choices = [("", "—")] + [
            (a.pk, f"{a.task.code} · {a.task.title[:80]}") for a in assignments]

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(n) for n in ("progress_entry", "assignment", "document_number")):
            raise ValidationError(_("Choose a report's file, an assignment, or give a document "
                                    "number."))
        return cleaned


class CorrectionForm(forms.Form):
    """A decided line's corrected final score, with its reason (mandatory)."""

    score = forms.DecimalField(
        label=_("Corrected final score"), localize=True, max_digits=9, decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6, "autocomplete": "off"}),
        error_messages={"invalid": _("Enter a number (for example 2,5)."),
                        "required": _("Give the corrected score."),
                        "max_decimal_places": _("At most two decimals."),
                        "max_digits": _("Enter a number (for example 2,5).")})
    reason = forms.CharField(
        label=_("Why the final score is corrected"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 40}),
        error_messages={"required": _("Say why the final score is corrected.")})
    document_number = forms.CharField(
        label=_("Decision or document number"), required=False, max_length=120,
        help_text=_("e.g. Quyết định số 215/QĐ-UBND"))
    # The latest correction the person saw (empty: none): two corrections from the same state
    # cannot both be recorded.
    expected = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, node: Node, **kwargs):
        super().__init__(*args, **kwargs)
        self.node = node
        self.fields["score"].help_text = _("0 to %(max)s") % {"max": _fmt(node.max_points)}

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Say why the final score is corrected."))
        return reason

    def clean_score(self):
        score = self.cleaned_data["score"]
        message = score_error(self.node, score)
        if message:
            raise ValidationError(message)
        return score


def _points_field(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, localize=True, max_digits=6, decimal_places=2, min_value=0,
        max_value=1000,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6, "autocomplete": "off"}),
        error_messages={"invalid": _("Enter a number (for example 2,5)."),
                        "max_decimal_places": _("At most two decimals.")},
        **kwargs)


class CriteriaSetForm(forms.ModelForm):
    """A set's own fields; mirrors the database's rules on thresholds (A > B > C, A within
    the total) so that they show as form errors."""

    class Meta:
        model = CriteriaSet
        fields = ["year", "unit_kind", "name", "document", "total_points", "threshold_a",
                  "threshold_b", "threshold_c", "rescale_exempt", "exempt_units"]
        widgets = {"exempt_units": forms.CheckboxSelectMultiple}

    def __init__(self, *args, wording_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("total_points", "threshold_a", "threshold_b", "threshold_c"):
            self.fields[name] = _points_field(self.fields[name].label,
                                              initial=self.fields[name].initial)
        self.fields["year"].min_value = 2000
        self.fields["year"].validators += [MinValueValidator(2000), MaxValueValidator(2100)]
        if self.instance.pk:
            # The year and the group define the set (and its units): fixed once made.
            del self.fields["year"], self.fields["unit_kind"]
            self.fields["exempt_units"].queryset = Unit.objects.filter(
                kind=self.instance.unit_kind).order_by("code")
            self.fields["exempt_units"].help_text = _(
                "Units handling no administrative procedures: exempt from the lines marked "
                "“only for units handling administrative procedures”.")
        else:
            del self.fields["exempt_units"]
        if wording_only:  # the campaign is open: the set's name and document only
            for name in list(self.fields):
                if name not in ("name", "document"):
                    del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        total, a, b, c = (cleaned.get(n) for n in ("total_points", "threshold_a", "threshold_b",
                                                    "threshold_c"))
        if None not in (total, a, b, c) and not (total > 0 and total >= a > b > c >= 0):
            raise ValidationError(_("The classes must be ordered: total ≥ A > B > C ≥ 0."))
        year, kind = cleaned.get("year"), cleaned.get("unit_kind")
        if (not self.instance.pk and year and kind
                and CriteriaSet.objects.filter(year=year, unit_kind=kind).exists()):
            raise ValidationError(_("There is already a criteria set for this year and group "
                                    "of units."))
        return cleaned


def parse_levels(text: str) -> list[Decimal]:
    """ "0; 0,5; 1" -> [0, 0.5, 1]; ValueError when a value is not a number."""
    values = []
    for part in text.split(";"):
        part = part.strip().replace(",", ".")
        if part:
            try:
                values.append(Decimal(part))
            except ArithmeticError:
                raise ValueError(part) from None
    return values


class NodeForm(forms.Form):
    """One line of a criteria set. Areas and criteria have a content and a maximum; components
    also their scoring method and what it needs (levels; bounds of the formula; the data
    source of a computed line), evidence, and whether only units with procedures are scored.
    wording_only: the set's campaign is in self-assessment, only the content may change."""

    content = forms.CharField(label=_("Content"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3, "cols": 50}))
    max_points = _points_field(_("Maximum points"))
    method = forms.ChoiceField(label=_("Scoring method"), choices=Node.Method.choices,
                               initial=Node.Method.YES_NO)
    levels = forms.CharField(
        label=_("Levels (scale of levels)"), required=False, max_length=200,
        help_text=_("The allowed scores separated by semicolons, e.g. 0; 0,5; 1."))
    lower_bound = forms.DecimalField(
        label=_("0 points at (formula, computed)"), localize=True, max_digits=9,
        decimal_places=2, initial=ZERO_POINTS, required=False)
    upper_bound = forms.DecimalField(
        label=_("Full points at (formula, computed)"), localize=True, max_digits=9,
        decimal_places=2, initial=Decimal("100"), required=False)
    source = forms.ChoiceField(label=_("Data source (computed)"), required=False,
                               choices=[("", "—"), *SOURCE_CHOICES])
    source_param = forms.CharField(
        label=_("Indicator's name (indicator source)"), required=False, max_length=200)
    evidence_required = forms.BooleanField(label=_("Evidence required"), required=False)
    procedures_only = forms.BooleanField(
        label=_("Only for units handling administrative procedures"), required=False,
        help_text=_("The set's exempt units are not scored on this line."))

    COMPONENT_ONLY = ("method", "levels", "lower_bound", "upper_bound", "source",
                      "source_param", "evidence_required", "procedures_only")

    def __init__(self, *args, level: str, wording_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.level = level
        if level != Node.Level.COMPONENT:
            for name in self.COMPONENT_ONLY:
                del self.fields[name]
        if wording_only:
            for name in list(self.fields):
                if name != "content":
                    del self.fields[name]

    @classmethod
    def initial_of(cls, node: Node) -> dict:
        initial = {name: getattr(node, name) for name in ("content", "max_points",
                                                          *cls.COMPONENT_ONLY)}
        initial["levels"] = node.levels_label if node.method == Node.Method.LEVELS else ""
        return initial

    def clean(self):
        cleaned = super().clean()
        if self.level != Node.Level.COMPONENT or "method" not in self.fields:
            return cleaned
        method, maximum = cleaned.get("method"), cleaned.get("max_points")
        if method == Node.Method.LEVELS:
            try:
                values = parse_levels(cleaned.get("levels") or "")
            except ValueError:
                self.add_error("levels", _("The levels must be numbers separated by "
                                           "semicolons, e.g. 0; 0,5; 1."))
                values = None
            if values is not None:
                if len(values) < 2:
                    self.add_error("levels", _("Give at least two levels, e.g. 0; 1."))
                elif maximum is not None and any(v < 0 or v > maximum for v in values):
                    self.add_error("levels", _("Every level must be from 0 to the line's "
                                               "maximum."))
                elif any(v != points(v) for v in values):
                    self.add_error("levels", _("At most two decimals."))
                else:
                    cleaned["levels"] = ";".join(f"{v:f}" for v in sorted(set(values)))
        else:
            cleaned["levels"] = ""
        if method in (Node.Method.FORMULA, Node.Method.COMPUTED):
            lower, upper = cleaned.get("lower_bound"), cleaned.get("upper_bound")
            if lower is None or upper is None:
                self.add_error("upper_bound", _("Give both bounds of the formula."))
            elif upper <= lower:
                self.add_error("upper_bound", _("Full points must be at a value above the "
                                                "one that gives 0 points."))
        else:
            cleaned["lower_bound"], cleaned["upper_bound"] = ZERO_POINTS, Decimal("100")
        if method == Node.Method.COMPUTED:
            if not cleaned.get("source"):
                self.add_error("source", _("A computed line needs its data source."))
            elif cleaned["source"] == "indicator" and not cleaned.get("source_param"):
                self.add_error("source_param", _("Name the indicator whose value is scored."))
        else:
            cleaned["source"] = cleaned["source_param"] = ""
        return cleaned
