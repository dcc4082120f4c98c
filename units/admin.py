from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from units.models import Membership, Profile, Unit

admin.site.site_header = _("Reform plan portal — administration")
admin.site.site_title = _("Reform plan portal")
admin.site.index_title = _("Administration")


def titled(filter_class: type[admin.FieldListFilter], title) -> type[admin.FieldListFilter]:
    """A field list filter under another title: "number" alone says nothing when a list
    filters on both the area's and the solution's number."""

    class Titled(filter_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return Titled


class ActiveListFilter(admin.SimpleListFilter):
    title = _("active")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("today", _("Active today")), ("ended", _("Ended"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "today":
            return queryset.active(on=today)
        if self.value() == "ended":
            return queryset.filter(active_to__lt=today)
        return queryset


class MembershipOfUnitInline(admin.TabularInline):
    model = Membership
    fk_name = "unit"
    fields = ["user", "role"]
    autocomplete_fields = ["user"]
    extra = 0


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = [
        "code", "name", "short_name", "kind", "parent", "active_from", "active_to", "successor",
    ]
    list_display_links = ["code", "name"]
    list_select_related = ["parent", "successor"]
    list_filter = ["kind", ActiveListFilter, ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name", "short_name"]
    autocomplete_fields = ["parent", "successor"]
    fieldsets = [
        (None, {"fields": ["code", "name", "short_name", "kind", "parent"]}),
        (_("Reorganisation"), {"fields": ["active_from", "active_to", "successor"]}),
    ]
    inlines = [MembershipOfUnitInline]

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        # A unit is never deleted once referenced (assignments, memberships and successors
        # PROTECT it); a bulk delete would only end on the protected-objects page. End a unit
        # by its "active to" date instead.
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions


class MembershipOfUserInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    fields = ["unit", "role"]
    autocomplete_fields = ["unit"]
    extra = 0


User = get_user_model()
admin.site.unregister(User)


class ProfileInline(admin.StackedInline):
    """Phone and notification preferences (issue 11), on the person's page."""

    model = Profile
    can_delete = False
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipOfUserInline, ProfileInline]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "full_name", "unit", "role", "is_contact"]
    list_select_related = ["user", "unit"]
    list_filter = ["role", ("unit__kind", titled(admin.ChoicesFieldListFilter, _("unit kind")))]
    search_fields = [
        "user__username", "user__first_name", "user__last_name",
        "unit__name", "unit__short_name", "unit__code",
    ]
    autocomplete_fields = ["user", "unit"]

    @admin.display(description=_("full name"), ordering="user__last_name")
    def full_name(self, obj):
        return obj.user.get_full_name()

