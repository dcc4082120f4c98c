from django.contrib import admin

from notifications.models import CalendarDay, Delivery, Notice


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """The government's announced swaps: extra days off and Saturdays worked."""

    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to_address", "kind", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to_address", "subject"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "subject", "read_at"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in Notice._meta.fields]

    def has_add_permission(self, request):
        return False
