from django.contrib import admin

from surveys.models import (
    Campaign,
    CampaignUnit,
    Factor,
    Option,
    Question,
    Questionnaire,
    Refusal,
    Response,
)


class FactorInline(admin.TabularInline):
    model = Factor
    extra = 0


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["position", "code", "kind", "factor", "text_vi", "text_en", "required"]
    extra = 0


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "created_at"]
    inlines = [FactorInline, QuestionInline]

    def has_change_permission(self, request, obj=None):
        # Frozen once answered (the database refuses too): make a new version instead.
        if obj is not None and obj.has_answers():
            return False
        return super().has_change_permission(request, obj)


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["code", "questionnaire", "kind", "text_vi", "required"]
    list_filter = ["questionnaire"]

    class OptionInline(admin.TabularInline):
        model = Option
        extra = 0

    inlines = [OptionInline]


class CampaignUnitInline(admin.TabularInline):
    model = CampaignUnit
    extra = 0
    readonly_fields = ["short_code"]
    raw_id_fields = ["unit"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "start_date", "end_date", "closed_at"]
    readonly_fields = ["closed_at", "closed_by"]
    inlines = [CampaignUnitInline]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    """Read-only: answers are only added through the form or the paper entry."""

    list_display = ["pk", "campaign", "unit", "channel", "submitted_at", "overall"]
    list_filter = ["campaign", "channel"]
    readonly_fields = [f.name for f in Response._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Refusal)
class RefusalAdmin(admin.ModelAdmin):
    list_display = ["day", "campaign", "unit", "reason", "count"]
    list_filter = ["reason", "campaign"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
