"""Import a plan's task list from a file: upload, preview every row with its errors, import.

The upload is kept under MEDIA_ROOT/imports/ by a random token that only this person's session
knows; the rows are never sent back through the browser. The import reads the stored file again
and checks every row again inside one transaction (solutions.importer.import_table): all or nothing.
"""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from solutions import importer
from solutions.forms import PlanImportForm
from plans.models import Plan
from units.access import is_coordinator

SESSION_KEY = "plan_imports"
KEEP_UPLOADS = 5  # per session: the newest few, enough for several tabs


def can_import(user) -> bool:
    """Coordinators; and administrators allowed to add tasks and assignments in the admin."""
    if is_coordinator(user):
        return True
    return user.is_staff and user.has_perms(["solutions.add_task", "solutions.add_assignment"])


def get_plan_for_import(user, plan_pk: int) -> Plan:
    """The plan to import into: coordinators, and administrators allowed to add tasks."""
    plan = get_object_or_404(Plan, pk=plan_pk)
    if not can_import(user):
        raise PermissionDenied
    return plan


def _store() -> importer.UploadStore:
    return importer.UploadStore(Path(settings.MEDIA_ROOT) / "imports")


def _upload(request: HttpRequest, plan: Plan, token: str) -> dict:
    """This session's upload for this plan; anything else (a guessed token) is a 404."""
    upload = request.session.get(SESSION_KEY, {}).get(token)
    if not upload or upload.get("plan") != plan.pk:
        raise Http404
    return upload


def _forget(request: HttpRequest, token: str) -> None:
    uploads = dict(request.session.get(SESSION_KEY, {}))
    uploads.pop(token, None)
    request.session[SESSION_KEY] = uploads


def _gone(request: HttpRequest, plan: Plan, token: str) -> HttpResponse:
    _forget(request, token)
    messages.error(request, _("This upload was already imported or has expired. Upload the file "
                              "again to import it."))
    return redirect("solutions:plan-import", plan_pk=plan.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def plan_import(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = get_plan_for_import(request.user, plan_pk)
    if request.method == "POST":
        form = PlanImportForm(request.POST, request.FILES)
        if form.is_valid():
            token = _store().save(form.cleaned_data["file"], form.suffix)
            uploads = dict(request.session.get(SESSION_KEY, {}))
            uploads[token] = {
                "plan": plan.pk, "suffix": form.suffix,
                "name": form.cleaned_data["file"].name[:200],
            }
            request.session[SESSION_KEY] = dict(list(uploads.items())[-KEEP_UPLOADS:])
            return redirect("solutions:plan-import-preview", plan_pk=plan.pk, token=token)
    else:
        form = PlanImportForm()
    return render(request, "solutions/import_upload.html", {
        "plan": plan, "form": form, "columns": importer.COLUMN_LABELS.values(),
        "max_rows": importer.MAX_ROWS,
    })


@require_safe
def import_preview(request: HttpRequest, plan_pk: int, token: str) -> HttpResponse:
    plan = get_plan_for_import(request.user, plan_pk)
    upload = _upload(request, plan, token)
    file = _store().open(token, upload["suffix"])
    if file is None:
        return _gone(request, plan, token)
    with file:
        try:
            table = importer.read_table(file, upload["name"])
        except importer.ImportFileError as error:
            messages.error(request, str(error))
            return redirect("solutions:plan-import", plan_pk=plan.pk)
    rows = importer.validate(plan, table)
    errors = importer.error_count(rows)
    return render(request, "solutions/import_preview.html", {
        "plan": plan, "token": token, "upload": upload, "table": table, "rows": rows,
        "error_count": errors, "summary": importer.summary(rows), "can_import": not errors,
    })


@require_POST
def import_confirm(request: HttpRequest, plan_pk: int, token: str) -> HttpResponse:
    plan = get_plan_for_import(request.user, plan_pk)
    upload = _upload(request, plan, token)
    store = _store()
    # Claimed first: a second submit of the same upload (a double click, a second tab) finds
    # nothing to import instead of importing the tasks twice.
    claimed = store.claim(token, upload["suffix"])
    if claimed is None:
        return _gone(request, plan, token)
    try:
        with open(claimed, "rb") as file:
            table = importer.read_table(file, upload["name"])
        tasks = importer.import_table(plan=plan, table=table, user=request.user)
    except importer.ImportRejected as rejected:
        store.release(claimed)
        messages.error(request, _("Nothing was imported: %(summary)s")
                       % {"summary": importer.summary(rejected.rows)})
        return redirect("solutions:plan-import-preview", plan_pk=plan.pk, token=token)
    except importer.ImportFileError as error:
        store.release(claimed)
        messages.error(request, str(error))
        return redirect("solutions:plan-import-preview", plan_pk=plan.pk, token=token)
    except BaseException:
        store.release(claimed)
        raise
    store.delete(token, upload["suffix"])
    messages.success(request, ngettext(
        "%(count)s task was imported with its units.",
        "%(count)s tasks were imported with their units.", len(tasks),
    ) % {"count": len(tasks)})
    return redirect(f"{reverse('solutions:task-list')}?plan={plan.pk}")
