from django.contrib import admin

from publication.models import PublicationEvent, PublishedPeriod


@admin.register(PublishedPeriod)
class PublishedPeriodAdmin(admin.ModelAdmin):
    list_display = ["period", "published_at", "published_by"]

    # Publication goes through the portal's page, where each act is recorded.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PublicationEvent)
class PublicationEventAdmin(PublishedPeriodAdmin):
    list_display = ["period", "action", "at", "by", "reason"]
