from django.contrib import admin

from index.models import (
    Assessment,
    Campaign,
    Correction,
    CriteriaSet,
    FinalScore,
    Node,
    ScoreEntry,
)


class NodeInline(admin.TabularInline):
    model = Node
    fk_name = "criteria_set"
    extra = 0
    fields = ["position", "number", "level", "content", "max_points", "method", "levels",
              "lower_bound", "upper_bound", "source", "source_param", "evidence_required",
              "procedures_only", "parent", "area"]
    raw_id_fields = ["parent", "area"]

    # A set with a campaign is changed in the portal's editor only (wording, in self-
    # assessment) or not at all: the database refuses the rest (index/0004), so the admin
    # shows its lines read-only rather than fail on save.
    def _in_use(self, obj) -> bool:
        return obj is not None and obj.edit_state() != CriteriaSet.EditState.OPEN

    def get_readonly_fields(self, request, obj=None):
        return self.fields if self._in_use(obj) else []

    def has_add_permission(self, request, obj=None):
        return not self._in_use(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._in_use(obj) and super().has_delete_permission(request, obj)


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "unit_kind", "total_points"]
    list_filter = ["unit_kind", "year"]
    filter_horizontal = ["exempt_units"]
    inlines = [NodeInline]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["criteria_set", "phase", "self_until", "council_until", "published_at"]
    # Phases move through the portal's service only (it writes the final scores).
    readonly_fields = ["phase", "published_at"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["unit", "campaign", "exempt", "submitted_at"]
    list_filter = ["campaign"]
    readonly_fields = ["campaign", "unit", "exempt", "max_total", "submitted_at",
                       "submitted_by"]

    def has_add_permission(self, request):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ScoreEntry)
class ScoreEntryAdmin(ReadOnlyAdmin):
    list_display = ["line", "phase", "old_score", "new_score", "author", "created_at"]
    list_filter = ["phase"]


@admin.register(FinalScore)
class FinalScoreAdmin(ReadOnlyAdmin):
    list_display = ["assessment", "node", "score", "by_council", "decided_at"]


@admin.register(Correction)
class CorrectionAdmin(ReadOnlyAdmin):
    # Corrections are made on the assessment's page (they lock the line); here they are read.
    list_display = ["assessment", "node", "old_score", "score", "corrected_by", "corrected_at"]
    list_filter = ["phase"]
