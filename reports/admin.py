from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import PeriodNarrative, ReportSetting


@admin.register(ReportSetting)
class ReportSettingAdmin(admin.ModelAdmin):
    list_display = ["plan", "agency", "number_suffix", "place"]


@admin.register(PeriodNarrative)
class PeriodNarrativeAdmin(SimpleHistoryAdmin):
    list_display = ["period", "number", "issued_on", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]
