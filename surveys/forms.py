import re
from dataclasses import dataclass

from django import forms
from django.core import signing
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from plans.models import Indicator, ReportingPeriod
from surveys.models import RESERVED_CODES, Campaign, Question, Questionnaire
from surveys.services import Schema
from units.models import Unit

COMMENT_MAX = 2000
TOKEN_SALT = "surveys.form"
TOKEN_MAX_AGE = 6 * 3600  # a form left open on a phone for a morning still goes through
TAG = re.compile(r"<\s*/?\s*[a-zA-Z!]")


def make_token(campaign: Campaign, unit: Unit) -> str:
    import secrets

    return signing.dumps({"c": campaign.pk, "u": unit.pk, "n": secrets.token_hex(12)},
                         salt=TOKEN_SALT, compress=False)


def check_token(raw: str, campaign: Campaign, unit: Unit) -> bool:
    try:
        data = signing.loads(raw, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return False
    return isinstance(data, dict) and data.get("c") == campaign.pk and data.get("u") == unit.pk


def _no_tags(value: str) -> None:
    if TAG.search(value or ""):
        raise forms.ValidationError(
            _("Please write your comment as plain text, without “<” tags."), code="tags")


def _choices(question: Question) -> list[tuple[str, str]]:
    if question.is_scaled:
        return [(str(v), label) for v, label in question.scale()]
    return [(str(o.position), o.label) for o in question.options.all()]


@dataclass
class QuestionView:
    name: str
    id: str
    label: str
    required: bool
    errors: list
    multiple: bool
    css: str
    options: list

    def inputs(self) -> str:
        kind = "checkbox" if self.multiple else "radio"
        required = " required" if self.required else ""
        return format_html('<div class="{}">{}</div>', self.css, format_html_join(
            "", '<label for="{0}_{1}"><input type="' + kind + '" name="{2}" value="{3}" '
            'id="{0}_{1}"{4}' + required + '> {5}</label>',
            ((self.id, n, self.name, value, mark_safe(" checked") if checked else "", label)
             for n, (value, label, checked) in enumerate(self.options))))


class SurveyForm(forms.Form):
    """The citizen's form, built from the questionnaire: one field per question (radio buttons,
    check boxes for several choices), a comment, a hidden honeypot and the form's token."""

    def __init__(self, *args, schema: Schema, **kwargs):
        super().__init__(*args, **kwargs)
        self.schema = schema
        for q in schema.questions:
            required = q.required
            messages = {"required": _("Please answer this question."),
                        "invalid_choice": _("Choose one of the answers offered."),
                        "invalid_list": _("Choose among the answers offered.")}
            if q.kind == Question.Kind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    label=q.text, choices=_choices(q), required=required,
                    widget=forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
                    error_messages=messages)
            else:
                css = "scale" if q.is_scaled else "choices"
                field = forms.ChoiceField(
                    label=q.text, choices=_choices(q), required=required,
                    widget=forms.RadioSelect(attrs={"class": css}), error_messages=messages)
            field.question = q
            self.fields[q.code] = field
        self.fields["comment"] = forms.CharField(
            label=_("Your comments or suggestions (optional)"), required=False,
            max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 3}),
            validators=[_no_tags],
            error_messages={"max_length": _("Please keep your comment under %(limit_value)d "
                                            "characters (it has %(show_value)d).")},
        )
        self.fields["website"] = forms.CharField(
            label=_("Leave this field empty"), required=False, max_length=200,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )
        self.fields["token"] = forms.CharField(widget=forms.HiddenInput, max_length=300)

    def factor_groups(self):
        """[(factor or None, [bound fields])] in questionnaire order."""
        groups = []
        for q in self.schema.questions:
            factor = q.factor if q.kind in Question.IN_FACTOR else None
            if not groups or groups[-1][0] != factor:
                groups.append((factor, []))
            groups[-1][1].append(self[q.code])
        return groups

    def questions_to_render(self):
        """[(factor or None, [QuestionView])]: the radio buttons and check boxes written by one
        template loop, not a widget template per button (the form has some 200 of them)."""
        views = []
        for factor, fields in self.factor_groups():
            items = []
            for bound in fields:
                q = bound.field.question
                value = bound.value()
                chosen = {str(v) for v in value} if isinstance(value, list) else {str(value)}
                items.append(QuestionView(
                    name=bound.html_name, id=bound.auto_id, label=bound.label,
                    required=bound.field.required, errors=bound.errors,
                    multiple=q.kind == Question.Kind.MULTIPLE,
                    css="scale" if q.is_scaled else "choices",
                    options=[(v, label, v in chosen) for v, label in bound.field.choices],
                ))
            views.append((factor, items))
        return views

    @property
    def is_honeypot(self) -> bool:
        return bool(self.data.get("website"))

    def answers(self) -> dict:
        answers = {}
        for q in self.schema.questions:
            value = self.cleaned_data.get(q.code)
            if q.kind == Question.Kind.MULTIPLE:
                if value:
                    answers[q.code] = sorted(int(v) for v in value)
            elif value not in (None, ""):
                answers[q.code] = int(value)
        return answers


class PaperRowForm(forms.Form):
    """One paper form on a row of the batch screen: number inputs for the scales (1-5), selects
    for the choices. A row left empty is skipped."""

    def __init__(self, *args, schema: Schema, **kwargs):
        super().__init__(*args, **kwargs)
        self.schema = schema
        for q in schema.questions:
            if q.is_scaled:
                field = forms.IntegerField(
                    label=q.code, required=False, min_value=1, max_value=5,
                    widget=forms.NumberInput(attrs={"min": 1, "max": 5, "inputmode": "numeric",
                                                    "class": "paper__num", "title": q.text}),
                    error_messages={"min_value": _("1 to 5"), "max_value": _("1 to 5"),
                                    "invalid": _("1 to 5")})
            elif q.kind == Question.Kind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    label=q.code, required=False, choices=_choices(q),
                    widget=forms.SelectMultiple(attrs={"title": q.text, "size": 2}))
            else:
                field = forms.TypedChoiceField(
                    label=q.code, required=False, coerce=int, empty_value=None,
                    choices=[("", "–")] + _choices(q),
                    widget=forms.Select(attrs={"title": q.text}))
            field.question = q
            self.fields[q.code] = field
        self.fields["comment"] = forms.CharField(
            label=_("Comment"), required=False, max_length=COMMENT_MAX, validators=[_no_tags],
            widget=forms.TextInput(attrs={"class": "paper__comment"}))
        row = (self.prefix or "r0").lstrip("r")
        row = int(row) + 1 if row.isdigit() else row
        for name, field in self.fields.items():
            text = field.question.text if hasattr(field, "question") else field.label
            field.widget.attrs["aria-label"] = _("Form %(row)s, %(code)s: %(text)s") % {
                "row": row, "code": name, "text": text}

    def is_blank(self) -> bool:
        if not self.is_bound:
            return True
        return not any(v for k, v in self.data.items()
                       if k.startswith(self.prefix + "-") and str(v).strip())

    def clean(self):
        cleaned = super().clean()
        missing = [q.code for q in self.schema.questions if q.required and q.is_scaled
                   and cleaned.get(q.code) is None and q.code not in self.errors]
        if missing:
            raise forms.ValidationError(
                _("Required answers missing: %(codes)s.") % {"codes": ", ".join(missing)})
        return cleaned

    def answers(self) -> dict:
        answers = {}
        for q in self.schema.questions:
            value = self.cleaned_data.get(q.code)
            if q.kind == Question.Kind.MULTIPLE:
                if value:
                    answers[q.code] = sorted(int(v) for v in value)
            elif value is not None:
                answers[q.code] = int(value)
        return answers


class CampaignForm(forms.ModelForm):
    units = forms.ModelMultipleChoiceField(
        label=_("Units covered"), queryset=Unit.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    all_communes = forms.BooleanField(
        label=_("Also cover every commune-level unit"), required=False)

    class Meta:
        model = Campaign
        fields = ["title", "code", "start_date", "end_date", "questionnaire", "period",
                  "overall_indicator", "land_indicator", "target", "land_target"]
        widgets = {"start_date": forms.DateInput(format="%d/%m/%Y"),
                   "end_date": forms.DateInput(format="%d/%m/%Y")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.active().order_by("kind", "name")
        self.fields["questionnaire"].queryset = Questionnaire.objects.all()
        self.fields["period"].queryset = ReportingPeriod.objects.select_related("plan").filter(
            closed_at__isnull=True).order_by("-end_date")
        indicators = Indicator.objects.select_related("plan").order_by("-plan__year", "position")
        self.fields["overall_indicator"].queryset = indicators
        self.fields["land_indicator"].queryset = indicators
        if self.instance.pk:
            self.fields["units"].initial = list(
                self.instance.campaign_units.values_list("unit_id", flat=True))

    def clean_code(self):
        code = self.cleaned_data["code"]
        if code in RESERVED_CODES:
            raise forms.ValidationError(_("This code is reserved; choose another one."))
        return code

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The campaign closes before it opens."))
        period = cleaned.get("period")
        for name in ("overall_indicator", "land_indicator"):
            indicator = cleaned.get(name)
            if indicator and period and indicator.plan_id != period.plan_id:
                self.add_error(name, _("Choose an indicator of the period's plan."))
        for name in ("target", "land_target"):
            value = cleaned.get(name)
            if value is not None and not 0 <= value <= 100:
                self.add_error(name, _("A percentage is between 0 and 100."))
        return cleaned

    def chosen_units(self):
        units = list(self.cleaned_data.get("units") or [])
        if self.cleaned_data.get("all_communes"):
            units += list(Unit.objects.active().filter(kind=Unit.Kind.COMMUNE))
        return units


class QuestionTextForm(forms.Form):
    text_vi = forms.CharField(label=_("Vietnamese"), max_length=500)
    text_en = forms.CharField(label=_("English"), max_length=500, required=False)
    required = forms.BooleanField(label=_("Required"), required=False)


class FactorTextForm(forms.Form):
    title_vi = forms.CharField(label=_("Vietnamese"), max_length=200)
    title_en = forms.CharField(label=_("English"), max_length=200, required=False)
