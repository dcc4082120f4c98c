"""Starting a year's plan in the portal (Sở Nội vụ): copy a previous plan, then import.

A coordinator picks the plan to copy, the year and title; the preview says what will be made
and names the units merged or ended since (their assignments go to the successor, or are left
out); confirming creates the plan (solutions.services.plan_copy) and opens its import page, so
that the new year's task list can be uploaded into a plan that has its areas and solutions.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from plans.models import Plan
from solutions import access
from solutions.forms import PlanCopyForm
from solutions.services import plan_copy, plan_copy_preview


@require_http_methods(["GET", "HEAD", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    access.require_coordinator(request.user)
    if request.method != "POST":
        current = Plan.objects.current()
        initial = {}
        if current is not None:
            year = max(current.year + 1, timezone.localdate().year)
            initial = {"source": current.pk, "year": year,
                       "title": _("Administrative reform plan for %(year)s") % {"year": year}}
        form = PlanCopyForm(initial=initial)
        return render(request, "solutions/plan_create.html", {"form": form})
    form = PlanCopyForm(request.POST)
    if not form.is_valid():
        return render(request, "solutions/plan_create.html", {"form": form})
    data = form.cleaned_data
    if request.POST.get("action") != "confirm":
        preview = plan_copy_preview(source=data["source"], year=data["year"],
                                    with_tasks=data["with_tasks"])
        return render(request, "solutions/plan_create.html",
                      {"form": form, "preview": preview, "data": data})
    plan = plan_copy(source=data["source"], year=data["year"], title=data["title"],
                     document_number=data["document_number"], with_tasks=data["with_tasks"],
                     user=request.user)
    messages.success(request, _("The plan “%(title)s” was created as a draft with its reform "
                                "areas and solutions. Now import its tasks, or check the "
                                "copied ones.") % {"title": plan.title})
    if data["with_tasks"]:
        return redirect(f"{reverse('solutions:task-list')}?plan={plan.pk}")
    return redirect("solutions:plan-import", plan_pk=plan.pk)
