from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from plans.models import Indicator, IndicatorValue, Plan, ReportingPeriod

PERCENT = "%"


def is_percent(unit_of_measure: str) -> bool:
    return (unit_of_measure or "").strip() == PERCENT


class FlexibleDecimalField(forms.DecimalField):
    """A number typed either way: "95,5" (Vietnamese), "95.5", "95 %"."""

    # A text box: a number box refuses "86,5" in some browsers and shows "86.5" in others.
    widget = forms.TextInput
    default_error_messages = {"invalid": _("Enter a number, e.g. 95 or 86,5.")}

    def widget_attrs(self, widget):
        # Not the number box's min/max/step: the server checks the value.
        return {"inputmode": "decimal", "autocomplete": "off"}

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removesuffix(PERCENT).strip().replace(" ", "")
            if "," in value and "." not in value:
                value = value.replace(",", ".")
        return super().to_python(value)

    def prepare_value(self, value):
        # 95.00 shows as 95, 86.50 as 86.5: the figure as the coordinator typed it.
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        return value


def _check_percent(form: forms.Form, field: str, value, unit_of_measure: str) -> None:
    if value is not None and is_percent(unit_of_measure) and not (0 <= value <= 100):
        form.add_error(field, ValidationError(
            _("A percentage is between 0 and 100."), code="percent_range"))


class IndicatorForm(forms.ModelForm):
    """A target of the plan (chỉ tiêu): "files settled on time", at least, 95, %."""

    target = FlexibleDecimalField(
        label=_("Target"), max_digits=9, decimal_places=2,
        help_text=_("The figure to reach, e.g. 95. A percentage is between 0 and 100."),
    )

    class Meta:
        model = Indicator
        fields = ["name", "comparison", "target", "unit_of_measure"]
        help_texts = {
            "name": _("e.g. Administrative files settled on time; SIPAS satisfaction index."),
            "unit_of_measure": _("“%” for a percentage; or points, files…"),
        }

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        # Said on the field before the database's unique (plan, name) constraint refuses it.
        taken = Indicator.objects.filter(plan=self.plan, name__iexact=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("This plan already has an indicator with this name."),
                                  code="unique")
        return name

    def clean_unit_of_measure(self):
        return self.cleaned_data["unit_of_measure"].strip()

    def clean(self):
        cleaned = super().clean()
        _check_percent(self, "target", cleaned.get("target"), cleaned.get("unit_of_measure", ""))
        return cleaned

    def save(self, commit=True):
        self.instance.plan = self.plan
        return super().save(commit)


class IndicatorValueForm(forms.Form):
    """The actual figure of an indicator for a reporting period; entering it again replaces it."""

    indicator = forms.ModelChoiceField(
        label=_("Indicator"), queryset=Indicator.objects.none(),
        error_messages={"invalid_choice": _("Choose one of this plan's indicators.")},
    )
    period = forms.ModelChoiceField(
        label=_("Reporting period"), queryset=ReportingPeriod.objects.none(),
        error_messages={"invalid_choice": _("Choose one of this plan's reporting periods.")},
    )
    actual = FlexibleDecimalField(
        label=_("Actual"), max_digits=9, decimal_places=2,
        help_text=_("The figure reached in the period. A percentage is between 0 and 100."),
    )
    note = forms.CharField(
        label=_("Source or note (optional)"), max_length=300, required=False,
        help_text=_("e.g. Báo cáo số 45/BC-SNV; the survey the figure comes from."),
    )

    reason = forms.CharField(
        label=_("Reason for the correction"), max_length=1000, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the period is closed and its actual changes; kept in the "
                    "history."),
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["indicator"].queryset = plan.indicators.all()
        self.fields["period"].queryset = plan.periods.all()

    def clean(self):
        from plans.services import closed_value_rule

        cleaned = super().clean()
        indicator, period = cleaned.get("indicator"), cleaned.get("period")
        if indicator is not None:
            _check_percent(self, "actual", cleaned.get("actual"), indicator.unit_of_measure)
        if indicator is not None and period is not None and cleaned.get("actual") is not None:
            refusal = closed_value_rule(
                period=period,
                existing=IndicatorValue.objects.filter(indicator=indicator, period=period).first(),
                actual=cleaned["actual"], note=cleaned.get("note", "").strip(),
                reason=cleaned.get("reason", ""),
            )
            if refusal:
                self.add_error("reason", ValidationError(refusal, code="reason_required"))
        return cleaned

    def save(self, *, user) -> IndicatorValue:
        from plans.services import indicator_value_save

        return indicator_value_save(
            indicator=self.cleaned_data["indicator"], period=self.cleaned_data["period"],
            actual=self.cleaned_data["actual"], note=self.cleaned_data["note"], user=user,
            reason=self.cleaned_data["reason"],
        )
        return value
