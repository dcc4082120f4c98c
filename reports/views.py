"""The official report of a period: its narrative (coordinators edit it), the DOCX, the PDF
and the XLSX annexes (coordinators and leaders download them)."""


from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from reports import annexes, docx_builder, pdf
from reports.access import can_edit_report, get_report_period, get_report_period_rw
from reports.figures import figures_for
from reports.forms import NarrativeForm
from reports.models import PeriodNarrative
from reports.services import narrative_initial, narrative_save

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HISTORY_SHOWN = 20


def _filename(period, extension: str) -> str:
    return f"bao-cao-cchc-{period.plan.year}-{period.kind}.{extension}"


def _attachment(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def narrative_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The official report's page: its narrative, editable by coordinators, and its files."""
    period = get_report_period(request, pk)
    figures = figures_for(period, request.user)
    narrative = narrative_initial(figures=figures)
    can_edit = can_edit_report(request.user)
    form = None
    if can_edit:
        form = NarrativeForm(request.POST if request.method == "POST" else None,
                             instance=narrative)
        if form.is_bound and form.is_valid():
            narrative_save(period=period, user=request.user, values=form.cleaned_data)
            messages.success(request, _("The report's text was saved."))
            return redirect("reports:narrative-edit", pk=period.pk)
    elif request.method == "POST":
        get_report_period_rw(request, pk)  # leaders read only: 403
    history = []
    if narrative.pk:
        history = list(PeriodNarrative.history.filter(id=narrative.pk)
                       .select_related("history_user").order_by("-history_date")[:HISTORY_SHOWN])
    return render(request, "reports/periodnarrative_form.html", {
        "plan": period.plan, "period": period, "figures": figures, "form": form,
        "narrative": narrative, "saved": bool(narrative.pk), "history": history,
        "can_edit": can_edit, "pdf_available": pdf.soffice() is not None,
    })


def _docx(request: HttpRequest, pk: int):
    period = get_report_period(request, pk)
    figures = figures_for(period, request.user)
    return period, figures, docx_builder.build(figures, narrative_initial(figures=figures))


@require_safe
def report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    period, _figures, content = _docx(request, pk)
    return _attachment(content, DOCX_CONTENT_TYPE, _filename(period, "docx"))


@require_safe
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    period, _figures, content = _docx(request, pk)
    try:
        document = pdf.docx_to_pdf(content)
    except pdf.PdfUnavailable:
        return render(request, "reports/pdf_unavailable.html",
                      {"plan": period.plan, "period": period}, status=503)
    return _attachment(document, "application/pdf", _filename(period, "pdf"))


@require_safe
def report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    period = get_report_period(request, pk)
    figures = figures_for(period, request.user)
    return _attachment(annexes.build(figures), annexes.XLSX_CONTENT_TYPE,
                       f"phu-luc-{_filename(period, 'xlsx')}")


