from django.contrib import admin

from plans.models import Plan, ReformArea


class ReformAreaInline(admin.TabularInline):
    model = ReformArea
    fields = ["number", "name"]
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = [
        "year", "title", "document_number", "document_date", "status", "start_date", "end_date",
    ]
    list_display_links = ["year", "title"]
    list_filter = ["status", "year"]
    search_fields = ["title", "document_number"]
    inlines = [ReformAreaInline]


@admin.register(ReformArea)
class ReformAreaAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "plan"]
    list_display_links = ["number", "name"]
    list_select_related = ["plan"]
    list_filter = ["plan"]
    # The year narrows an autocomplete to one plan: "2024 cải cách thể chế".
    search_fields = ["name", "plan__year__exact"]
