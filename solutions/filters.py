import django_filters
from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from plans.models import ReformArea
from solutions.models import Assignment, Solution, Task, Timeliness
from solutions.search import search
from units.models import Unit


def _stale(days: int) -> str:
    return ngettext("No report for %(days)s day", "No report for %(days)s days", days) % {
        "days": days}


# Read at render time, in the person's language, with the threshold in force.
_stale_label = lazy(lambda: _stale(settings.STALE_DAYS), str)()


class FlagChoices:
    # Each is an is_<flag> annotation of AssignmentQuerySet.with_timeliness().
    CHOICES = [
        ("due_soon", _("Due soon")),
        ("stale", _stale_label),
        ("awaiting", _("Awaiting verification")),
        ("extended", _("Deadline extended")),
        ("extended_late", _("Extended when already overdue")),
    ]


# A select of every unit suits a province (about 150 units) but not thousands (a national
# plan's 3,000 would weigh 180 KB on every list page): past this many units, the unit filter
# is a search box (name or code), and ?unit=<id> from other pages is kept in a hidden field.
UNIT_SELECT_MAX = 300


class PlanScopedFilterSet(django_filters.FilterSet):
    """Filters of one plan's lists: the choices offered are that plan's areas and solutions."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    area = django_filters.ModelChoiceFilter(
        label=_("Reform area"), queryset=ReformArea.objects.none(), field_name="area",
        empty_label=_("All areas"),
    )
    solution = django_filters.ModelChoiceFilter(
        label=_("Solution"), queryset=Solution.objects.none(), field_name="solution",
        empty_label=_("All solutions"),
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"), queryset=Unit.objects.none(), method="filter_unit",
        empty_label=_("All units"),
    )
    unit_name = django_filters.CharFilter(
        label=_("Unit"), method="filter_unit_name",
        widget=forms.TextInput(attrs={"placeholder": _("Name or code")}),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Timeliness.choices, method="filter_status",
        empty_label=_("Any status"),
    )
    flag = django_filters.ChoiceFilter(
        label=_("Warning"), choices=FlagChoices.CHOICES, method="filter_flag",
        empty_label=_("All"),
    )

    search_fields: list[str] = []

    def __init__(self, *args, plan, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["area"].queryset = ReformArea.objects.filter(plan=plan)
        self.filters["solution"].queryset = Solution.objects.filter(plan=plan)
        self.filters["unit"].queryset = Unit.objects.for_user(user).filter(
            assignments__task__plan=plan
        ).distinct().order_by("kind", "name")
        self.many_units = Unit.objects.for_user(user).count() > UNIT_SELECT_MAX
        if self.many_units:
            self.filters["unit"].extra["widget"] = forms.HiddenInput
        else:
            del self.filters["unit_name"]

    @property
    def chosen_unit(self) -> Unit | None:
        """The unit of a hidden ?unit=<id> (many units), to name it above the list."""
        if not self.many_units or not self.is_valid():
            return None
        return self.form.cleaned_data.get("unit")

    def matching_units(self, value: str):
        return search(Unit.objects.all(), ["name", "short_name", "code"], value)

    def filter_q(self, queryset, name, value):
        return search(queryset, self.search_fields, value)


class AssignmentFilter(PlanScopedFilterSet):
    area = django_filters.ModelChoiceFilter(
        label=_("Reform area"), queryset=ReformArea.objects.none(), field_name="task__area",
        empty_label=_("All areas"),
    )
    solution = django_filters.ModelChoiceFilter(
        label=_("Solution"), queryset=Solution.objects.none(), field_name="task__solution",
        empty_label=_("All solutions"),
    )
    role = django_filters.ChoiceFilter(
        label=_("Role"), choices=Assignment.Role.choices, empty_label=_("Lead and support")
    )
    search_fields = ["task__code", "task__title", "unit__name"]

    class Meta:
        model = Assignment
        fields = ["q", "area", "solution", "unit", "unit_name", "role", "status", "flag"]

    def filter_unit(self, queryset, name, value):
        return queryset.filter(unit=value)

    def filter_unit_name(self, queryset, name, value):
        return queryset.filter(unit__in=self.matching_units(value))

    def filter_status(self, queryset, name, value):
        return queryset.in_class(value)

    def filter_flag(self, queryset, name, value):
        return queryset.filter(**{f"is_{value}": True})


class TaskFilter(PlanScopedFilterSet):
    search_fields = ["code", "title", "description"]

    class Meta:
        model = Task
        fields = ["q", "area", "solution", "unit", "unit_name", "status", "flag"]

    def _having(self, queryset, **condition):
        """Tasks with at least one assignment (visible to the person) matching the condition."""
        assignments = Assignment.objects.for_user(self.request.user).with_timeliness()
        return queryset.filter(pk__in=assignments.filter(**condition).values("task_id"))

    def filter_unit(self, queryset, name, value):
        return self._having(queryset, unit=value)

    def filter_unit_name(self, queryset, name, value):
        return self._having(queryset, unit__in=self.matching_units(value))

    def filter_status(self, queryset, name, value):
        return self._having(queryset, **{f"is_{value}": True})

    def filter_flag(self, queryset, name, value):
        return self._having(queryset, **{f"is_{value}": True})
