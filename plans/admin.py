from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from plans.models import PeriodSnapshot, Plan, ReformArea, ReportingPeriod
from plans.models import Indicator, IndicatorValue
from plans.services import ensure_periods


class ReformAreaInline(admin.TabularInline):
    model = ReformArea
    fields = ["number", "name"]
    extra = 0


class ReportingPeriodForm(forms.ModelForm):
    """Dates are editable per plan until the period is closed: then its report is frozen."""

    class Meta:
        model = ReportingPeriod
        fields = ["plan", "kind", "start_date", "end_date", "report_due"]

    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        if instance.pk and instance.is_closed and self.has_changed():
            raise ValidationError(
                _("This period is closed and its report frozen: its dates can no longer change.")
            )
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            # The database refuses it too (period_dates_ordered); say it on the form.
            self.add_error("end_date", _("The period ends before it starts."))
        return cleaned


class ReportingPeriodInline(admin.TabularInline):
    model = ReportingPeriod
    form = ReportingPeriodForm
    fields = ["kind", "start_date", "end_date", "report_due", "closed_at", "closed_by"]
    readonly_fields = ["closed_at", "closed_by"]
    extra = 0
    show_change_link = True

    def has_delete_permission(self, request, obj=None):
        # A closed period's frozen report is a record: it is never deleted with the period.
        return False


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = [
        "year", "title", "document_number", "document_date", "status", "start_date", "end_date",
    ]
    list_display_links = ["year", "title"]
    list_filter = ["status", "year"]
    search_fields = ["title", "document_number"]
    inlines = [ReformAreaInline, ReportingPeriodInline]

    def has_delete_permission(self, request, obj=None):
        # Its closed periods' frozen reports are records (refused by the database too).
        if obj is not None and obj.periods.filter(closed_at__isnull=False).exists():
            return False
        return super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the inlines, so periods the admin entered by hand are kept as entered.
        ensure_periods(form.instance)


@admin.register(ReformArea)
class ReformAreaAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "plan"]
    list_display_links = ["number", "name"]
    list_select_related = ["plan"]
    list_filter = ["plan"]
    # The year narrows an autocomplete to one plan: "2024 cải cách thể chế".
    search_fields = ["name", "plan__year__exact"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    form = ReportingPeriodForm
    list_display = ["__str__", "plan", "start_date", "end_date", "report_due", "closed_at",
                    "closed_by"]
    list_select_related = ["plan", "closed_by"]
    list_filter = ["plan", "kind"]
    fields = ["plan", "kind", "start_date", "end_date", "report_due", "closed_at", "closed_by"]
    readonly_fields = ["closed_at", "closed_by"]

    def get_readonly_fields(self, request, obj=None):
        # Closing goes through the period report page (close_period writes the snapshot);
        # a closed period's dates are part of its frozen report.
        if obj is not None and obj.is_closed:
            return [*self.fields]
        if obj is not None:
            return [*self.readonly_fields, "plan"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        # A closed period is refused by the database too (migration plans/0004).
        if obj is not None and obj.is_closed:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(PeriodSnapshot)
class PeriodSnapshotAdmin(admin.ModelAdmin):
    """Frozen reports are records: shown, never added, changed or deleted here."""

    list_display = ["period", "created_at"]
    list_select_related = ["period__plan"]
    list_filter = ["period__plan"]
    fields = ["period", "created_at", "data"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class IndicatorValueForm(forms.ModelForm):
    """The portal's rule for a closed period's actual (plans.services.closed_value_rule)."""

    class Meta:
        model = IndicatorValue
        fields = ["period", "actual", "note", "correction_reason"]

    def clean(self):
        from plans.services import closed_value_rule

        cleaned = super().clean()
        period = cleaned.get("period")
        if self.instance.pk and period is not None and cleaned.get("actual") is not None:
            before = IndicatorValue.objects.get(pk=self.instance.pk)
            reason = cleaned.get("correction_reason") or ""
            if reason.strip() == before.correction_reason.strip():
                reason = ""  # a correction gives its own reason, not the last one's
            refusal = closed_value_rule(period=before.period, existing=before,
                                        actual=cleaned["actual"], note=cleaned.get("note", ""),
                                        reason=reason)
            if refusal:
                self.add_error("correction_reason", refusal)
        if cleaned.get("DELETE") and self.instance.pk and self.instance.period.is_closed:
            raise ValidationError(_("An actual of a closed period cannot be deleted."))
        return cleaned


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    form = IndicatorValueForm
    fields = ["period", "actual", "note", "correction_reason", "entered_by", "entered_at"]
    readonly_fields = ["entered_by", "entered_at"]
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only the periods of the indicator's own plan.
        if db_field.name == "period" and getattr(request, "_indicator", None) is not None:
            kwargs["queryset"] = ReportingPeriod.objects.filter(plan=request._indicator.plan_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    """Plan targets (chỉ tiêu); coordinators enter them in the portal (plans/views.py)."""

    list_display = ["name", "plan", "comparison", "target", "unit_of_measure", "position"]
    list_select_related = ["plan"]
    list_filter = ["plan"]
    list_editable = ["position"]
    search_fields = ["name"]
    inlines = [IndicatorValueInline]

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        request._indicator = obj
        return obj

    def get_readonly_fields(self, request, obj=None):
        return ["plan"] if obj is not None else []

    def save_formset(self, request, form, formset, change):
        # New and changed actuals only: whoever changed one last answers for it.
        for value in formset.save(commit=False):
            value.entered_by = request.user
            value._history_user = request.user
            value.save()
        for value in formset.deleted_objects:
            value.delete()
