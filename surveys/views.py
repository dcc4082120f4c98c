import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.core import is_ratelimited

from surveys import exports
from surveys.access import (
    can_read_comments,
    get_campaign_for_coordinator,
    get_campaign_for_user,
    get_campaign_results_for_user,
    get_campaign_unit_for_entry,
    get_campaign_unit_for_user,
    get_questionnaire_for_coordinator,
    get_questionnaire_for_user,
    is_member,
    require_coordinator,
)
from surveys.forms import (
    CampaignForm,
    FactorTextForm,
    PaperRowForm,
    QuestionTextForm,
    SurveyForm,
    check_token,
    make_token,
)
from surveys.models import Campaign, CampaignUnit, Question, Questionnaire, Refusal, Response
from surveys.results import UnitRow, build, campaign_counts, unit_counts, unit_overall_rows
from surveys.services import (
    Duplicate,
    Schema,
    address_hash,
    campaign_close,
    campaign_recompute,
    campaign_save,
    questionnaire_default,
    questionnaire_new_version,
    questionnaire_update,
    refusal_count,
    response_submit,
    responses_enter_paper,
)
from units.access import can_read_all, is_coordinator
from units.models import Membership, Unit

UNITS_PER_PAGE = 50
COMMENTS_SHOWN = 50
PAPER_ROWS = 10
KIOSK_RESET_SECONDS = 8

# --- The public form (the only public write of the portal) ---------------------------------


def _public_target(campaign_code: str, unit_code: str) -> CampaignUnit | None:
    if len(campaign_code) > 30 or len(unit_code) > 20:
        return None
    return (CampaignUnit.objects.select_related("campaign__questionnaire", "unit")
            .filter(campaign__code=campaign_code, unit__code=unit_code).first())


def _unavailable(request, *, reason: str, campaign=None, unit=None, status=404) -> HttpResponse:
    refusal_count(reason=reason, campaign=campaign, unit=unit)
    return render(request, "surveys/response_unavailable.html",
                  {"reason": reason, "campaign": campaign, "unit": unit}, status=status)


def _rate_limited(request, campaign_unit: CampaignUnit, hashed: str) -> bool:
    per_address = is_ratelimited(
        request, group="surveys.address", key=lambda g, r: f"{campaign_unit.pk}:{hashed}",
        rate=settings.SURVEY_RATE_PER_ADDRESS, method="POST", increment=True)
    per_unit = is_ratelimited(
        request, group="surveys.unit", key=lambda g, r: str(campaign_unit.pk),
        rate=settings.SURVEY_RATE_PER_UNIT, method="POST", increment=True)
    return per_address or per_unit


def _answer(request: HttpRequest, campaign_code: str, unit_code: str, *, kiosk: bool
            ) -> HttpResponse:
    campaign_unit = _public_target(campaign_code, unit_code)
    if campaign_unit is None:
        return _unavailable(request, reason=Refusal.Reason.UNKNOWN_FORM)
    campaign, unit = campaign_unit.campaign, campaign_unit.unit
    if not campaign.is_open():
        if request.method != "POST":
            return render(request, "surveys/response_unavailable.html",
                          {"reason": Refusal.Reason.CLOSED, "campaign": campaign, "unit": unit},
                          status=410)
        return _unavailable(request, reason=Refusal.Reason.CLOSED, campaign=campaign, unit=unit,
                            status=410)
    schema = Schema.of(campaign.questionnaire)
    thanks = reverse("surveys:kiosk-thanks" if kiosk else "surveys:response-thanks",
                     args=[campaign.code, unit.code])
    context = {"campaign": campaign, "unit": unit, "kiosk": kiosk,
               "questionnaire": campaign.questionnaire}
    if request.method != "POST":
        form = SurveyForm(schema=schema, initial={"token": make_token(campaign, unit)})
        return render(request, "surveys/response_form.html", context | {"form": form})

    address = settings.AXES_CLIENT_IP_CALLABLE(request)
    hashed = address_hash(campaign, address) or ""
    if _rate_limited(request, campaign_unit, hashed):
        return _unavailable(request, reason=Refusal.Reason.RATE_LIMITED, campaign=campaign,
                            unit=unit, status=429)
    form = SurveyForm(request.POST, schema=schema)
    if form.is_honeypot:
        # Robots get the thank-you page and store nothing; the refusal is counted.
        refusal_count(reason=Refusal.Reason.HONEYPOT, campaign=campaign, unit=unit)
        return redirect(thanks)
    if not form.is_valid():
        refusal_count(reason=Refusal.Reason.INVALID, campaign=campaign, unit=unit)
        return render(request, "surveys/response_form.html", context | {"form": form},
                      status=400)
    token = form.cleaned_data["token"]
    if not check_token(token, campaign, unit):
        refusal_count(reason=Refusal.Reason.EXPIRED, campaign=campaign, unit=unit)
        fresh = SurveyForm(request.POST | {"token": make_token(campaign, unit)}, schema=schema)
        fresh.is_valid()
        messages.error(request, _("This form had expired. Your answers are kept below: "
                                  "please send them again."))
        return render(request, "surveys/response_form.html", context | {"form": fresh},
                      status=400)
    try:
        response_submit(
            campaign=campaign, unit=unit, schema=schema, answers=form.answers(),
            comment=form.cleaned_data["comment"],
            channel=Response.Channel.KIOSK if kiosk else Response.Channel.WEB,
            address=address, token=token,
            duplicate_window=datetime.timedelta(seconds=settings.SURVEY_DUPLICATE_SECONDS),
        )
    except Duplicate:
        refusal_count(reason=Refusal.Reason.DUPLICATE, campaign=campaign, unit=unit)
        messages.info(request, _("We had already received these answers: thank you."))
    return redirect(thanks)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def response_form(request: HttpRequest, campaign_code: str, unit_code: str) -> HttpResponse:
    return _answer(request, campaign_code, unit_code, kiosk=False)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def kiosk_form(request: HttpRequest, campaign_code: str, unit_code: str) -> HttpResponse:
    return _answer(request, campaign_code, unit_code, kiosk=True)


def _thanks(request: HttpRequest, campaign_code: str, unit_code: str, *, kiosk: bool
            ) -> HttpResponse:
    campaign_unit = _public_target(campaign_code, unit_code)
    if campaign_unit is None:
        return render(request, "surveys/response_unavailable.html",
                      {"reason": Refusal.Reason.UNKNOWN_FORM}, status=404)
    again = reverse("surveys:kiosk-form" if kiosk else "surveys:response-form",
                    args=[campaign_code, unit_code])
    return render(request, "surveys/response_thanks.html", {
        "campaign": campaign_unit.campaign, "unit": campaign_unit.unit, "kiosk": kiosk,
        "again": again, "reset_seconds": KIOSK_RESET_SECONDS,
    })


@login_not_required
@require_safe
def response_thanks(request: HttpRequest, campaign_code: str, unit_code: str) -> HttpResponse:
    return _thanks(request, campaign_code, unit_code, kiosk=False)


@login_not_required
@require_safe
def kiosk_thanks(request: HttpRequest, campaign_code: str, unit_code: str) -> HttpResponse:
    return _thanks(request, campaign_code, unit_code, kiosk=True)


@login_not_required
@require_safe
def short_link(request: HttpRequest, short_code: str) -> HttpResponse:
    campaign_unit = (CampaignUnit.objects.select_related("campaign", "unit")
                     .filter(short_code=short_code[:12]).first())
    if campaign_unit is None:
        return render(request, "surveys/response_unavailable.html",
                      {"reason": Refusal.Reason.UNKNOWN_FORM}, status=404)
    return redirect("surveys:response-form", campaign_unit.campaign.code,
                    campaign_unit.unit.code)


# --- Campaigns -----------------------------------------------------------------------------


@require_safe
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = (Campaign.objects.for_user(request.user)
                 .annotate(unit_count=Count("campaign_units", distinct=True))
                 .order_by("-start_date", "-pk"))
    return render(request, "surveys/campaign_list.html", {
        "campaigns": campaigns, "is_coordinator": is_coordinator(request.user),
        "today": timezone.localdate(), "can_read_all": can_read_all(request.user),
    })


def _campaign_form_page(request, form, campaign=None) -> HttpResponse:
    return render(request, "surveys/campaign_form.html", {"form": form, "campaign": campaign})


@require_http_methods(["GET", "HEAD", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    require_coordinator(request)
    if request.method == "POST":
        form = CampaignForm(request.POST)
        if form.is_valid():
            try:
                campaign = campaign_save(campaign=form.save(commit=False),
                                         units=form.chosen_units())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The campaign was created."))
                return redirect("surveys:campaign-detail", campaign.pk)
    else:
        form = CampaignForm(initial={"questionnaire": questionnaire_default()})
    return _campaign_form_page(request, form)


@require_http_methods(["GET", "HEAD", "POST"])
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_coordinator(request, pk)
    form = CampaignForm(request.POST if request.method == "POST" else None, instance=campaign)
    if form.is_bound and form.is_valid():
        try:
            campaign_save(campaign=form.save(commit=False), units=form.chosen_units())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The campaign was saved."))
            return redirect("surveys:campaign-detail", campaign.pk)
    return _campaign_form_page(request, form, campaign)


@require_safe
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request, pk)
    units = CampaignUnit.objects.filter(campaign=campaign).select_related("unit").order_by(
        "unit__kind", "unit__name")
    if not can_read_all(request.user):
        units = units.filter(unit__in=Membership.objects.filter(user=request.user)
                             .values("unit_id"))
    answered = dict(Response.objects.filter(campaign=campaign).values("unit_id")
                    .annotate(n=Count("pk")).values_list("unit_id", "n"))
    page = Paginator(units, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    refusals = (Refusal.objects.filter(campaign=campaign).values("reason")
                .annotate(n=Count("pk")).order_by("reason"))
    refusal_totals = {r["reason"]: 0 for r in refusals}
    for reason, count in Refusal.objects.filter(campaign=campaign).values_list("reason", "count"):
        refusal_totals[reason] = refusal_totals.get(reason, 0) + count
    return render(request, "surveys/campaign_detail.html", {
        "campaign": campaign, "page": page,
        "rows": [(cu, answered.get(cu.unit_id, 0)) for cu in page],
        "is_coordinator": is_coordinator(request.user),
        "can_read_all": can_read_all(request.user),
        "total": sum(answered.values()),
        "refusals": [(Refusal.Reason(k).label, v) for k, v in sorted(refusal_totals.items())],
        "is_open": campaign.is_open(),
    })


@require_POST
def campaign_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_coordinator(request, pk)
    try:
        values = campaign_close(campaign=campaign, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The campaign was closed; the address hashes were erased."))
        _report_feed(request, campaign, values)
    return redirect("surveys:campaign-detail", campaign.pk)


def _report_feed(request, campaign, values) -> None:
    if values:
        messages.success(request, _("Plan indicators updated: %(list)s.") % {
            "list": "; ".join(f"{v.indicator} = {v.actual} %" for v in values)})
    elif campaign.period_id:
        messages.info(request, _("No plan indicator was written (no answers, or the period is "
                                 "closed)."))


@require_POST
def campaign_recompute_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_coordinator(request, pk)
    try:
        values = campaign_recompute(campaign=campaign, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        _report_feed(request, campaign, values)
    return redirect("surveys:campaign-detail", campaign.pk)


# --- Results -------------------------------------------------------------------------------


def _overall_code(schema: Schema) -> str | None:
    return next((q.code for q in schema.questions if q.kind == Question.Kind.OVERALL), None)


@require_safe
def campaign_results(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_results_for_user(request, pk)
    schema = Schema.of(campaign.questionnaire)
    previous = campaign.previous()
    counts = campaign_counts(campaign)
    results = build(schema, counts, campaign_counts(previous) if previous else None)
    overall_code = _overall_code(schema)
    rows = unit_overall_rows(campaign, overall_code) if overall_code else {}
    covered = list(CampaignUnit.objects.filter(campaign=campaign).values_list("unit_id",
                                                                             flat=True))
    # Worst first, units without an answer last (integer arithmetic: no Decimal per unit).
    def rate(unit_id):
        figure = rows[unit_id][0] if unit_id in rows else None
        return (0, figure.satisfied / figure.n, unit_id) if figure and figure.n else (1, 0, unit_id)

    order = sorted(covered, key=rate)
    target = campaign.target
    below = sum(1 for u in covered if u in rows and rows[u][0].n
                and rows[u][0].satisfied * 100 < target * rows[u][0].n)
    page = Paginator(order, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    units = Unit.objects.in_bulk(list(page))
    prev_rows = {}
    if previous and overall_code:
        prev_rows = {u: s for u, (s, _n) in unit_overall_rows(previous, overall_code).items()
                     if u in units}
    unit_rows = []
    for unit_id in page:
        figure, n = rows.get(unit_id, (None, 0))
        unit_rows.append(UnitRow(
            unit=units[unit_id], share=figure, responses=n,
            below=bool(figure and figure.percent is not None and figure.percent < campaign.target),
            previous=prev_rows.get(unit_id)))
    return render(request, "surveys/campaign_results.html", {
        "campaign": campaign, "results": results, "previous": previous, "page": page,
        "unit_rows": unit_rows, "below": below, "covered": len(covered),
        "without_answers": sum(1 for u in covered if u not in rows),
    })


@require_safe
def unit_results(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    campaign_unit = get_campaign_unit_for_user(request, pk, unit_pk)
    campaign, unit = campaign_unit.campaign, campaign_unit.unit
    schema = Schema.of(campaign.questionnaire)
    previous = campaign.previous()
    results = build(schema, unit_counts(campaign, unit.pk),
                    unit_counts(previous, unit.pk) if previous else None)
    comments = None
    if can_read_comments(request.user, unit.pk):
        comments = list(Response.objects.filter(campaign=campaign, unit=unit)
                        .exclude(comment="").order_by("-submitted_at", "-pk")
                        .values("submitted_at", "channel", "comment")[:COMMENTS_SHOWN])
    return render(request, "surveys/unit_results.html", {
        "campaign": campaign, "unit": unit, "results": results, "previous": previous,
        "comments": comments,
        "below": results.overall.percent is not None
        and results.overall.percent < campaign.target,
        "may_enter": is_coordinator(request.user) or is_member(request.user, unit.pk),
    })


@require_safe
def campaign_results_csv(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_results_for_user(request, pk)
    response = StreamingHttpResponse(exports.csv_rows(campaign),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="khao-sat-{campaign.code}.csv"'
    return response


@require_safe
def campaign_results_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_results_for_user(request, pk)
    response = HttpResponse(
        exports.xlsx_bytes(campaign),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="khao-sat-{campaign.code}.xlsx"'
    return response


# --- Poster and paper forms ----------------------------------------------------------------


@require_safe
def unit_poster(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    import segno

    campaign_unit = get_campaign_unit_for_user(request, pk, unit_pk)
    short_url = request.build_absolute_uri(
        reverse("surveys:short-link", args=[campaign_unit.short_code]))
    qr = segno.make(short_url, error="m")
    svg = qr.svg_inline(scale=10, border=2, title=_("QR code of the survey form"))
    return render(request, "surveys/unit_poster.html", {
        "campaign": campaign_unit.campaign, "unit": campaign_unit.unit, "short_url": short_url,
        "qr_svg": svg,
        "form_url": request.build_absolute_uri(reverse(
            "surveys:response-form",
            args=[campaign_unit.campaign.code, campaign_unit.unit.code])),
    })


@require_http_methods(["GET", "HEAD", "POST"])
def paper_entry(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    campaign_unit = get_campaign_unit_for_entry(request, pk, unit_pk)
    campaign, unit = campaign_unit.campaign, campaign_unit.unit
    schema = Schema.of(campaign.questionnaire)
    data = request.POST if request.method == "POST" else None
    forms = [PaperRowForm(data, schema=schema, prefix=f"r{n}") for n in range(PAPER_ROWS)]
    if data is not None:
        filled = [f for f in forms if not f.is_blank()]
        if not filled:
            messages.error(request, _("Every row was empty: nothing was saved."))
        elif all(f.is_valid() for f in filled):
            try:
                saved = responses_enter_paper(
                    campaign=campaign, unit=unit, schema=schema, user=request.user,
                    rows=[{"answers": f.answers(), "comment": f.cleaned_data["comment"]}
                          for f in filled])
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("%(count)d paper forms were saved.")
                                 % {"count": len(saved)})
                return redirect("surveys:paper-entry", campaign.pk, unit.pk)
        else:
            messages.error(request, _("Some rows have errors: nothing was saved. Correct the "
                                      "rows marked below."))
    paper_count = Response.objects.filter(campaign=campaign, unit=unit,
                                          channel=Response.Channel.PAPER).count()
    return render(request, "surveys/paper_entry.html", {
        "campaign": campaign, "unit": unit, "forms": forms, "schema": schema,
        "paper_count": paper_count,
    })


# --- Questionnaires ------------------------------------------------------------------------


@require_safe
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    if not can_read_all(request.user):
        from django.http import Http404

        raise Http404
    if is_coordinator(request.user):
        questionnaire_default()
    return render(request, "surveys/questionnaire_list.html", {
        "questionnaires": Questionnaire.objects.annotate(
            campaign_count=Count("campaigns", distinct=True)),
        "is_coordinator": is_coordinator(request.user),
    })


@require_safe
def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_questionnaire_for_user(request, pk)
    schema = Schema.of(questionnaire)
    return render(request, "surveys/questionnaire_detail.html", {
        "questionnaire": questionnaire, "form": SurveyForm(schema=schema),
        "locked": questionnaire.has_answers(), "is_coordinator": is_coordinator(request.user),
    })


@require_http_methods(["GET", "HEAD", "POST"])
def questionnaire_edit(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_questionnaire_for_coordinator(request, pk)
    locked = questionnaire.has_answers()
    data = request.POST if request.method == "POST" else None
    questions = list(questionnaire.questions.order_by("position"))
    factors = list(questionnaire.factors.all())
    q_forms = [(q, QuestionTextForm(data, prefix=f"q{q.pk}", initial={
        "text_vi": q.text_vi, "text_en": q.text_en, "required": q.required}))
        for q in questions]
    f_forms = [(f, FactorTextForm(data, prefix=f"f{f.pk}", initial={
        "title_vi": f.title_vi, "title_en": f.title_en})) for f in factors]
    if data is not None:
        if locked:
            messages.error(request, _("This questionnaire already has answers: it can no "
                                      "longer change. Make a new version instead."))
        elif all(f.is_valid() for _o, f in q_forms + f_forms):
            try:
                questionnaire_update(
                    questionnaire=questionnaire, intro={},
                    questions={q.pk: f.cleaned_data for q, f in q_forms},
                    factors={fa.pk: f.cleaned_data for fa, f in f_forms})
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The questionnaire was saved."))
                return redirect("surveys:questionnaire-detail", questionnaire.pk)
    return render(request, "surveys/questionnaire_form.html", {
        "questionnaire": questionnaire, "q_forms": q_forms, "f_forms": f_forms,
        "locked": locked,
    })


@require_POST
def questionnaire_copy(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_questionnaire_for_coordinator(request, pk)
    new = questionnaire_new_version(questionnaire=questionnaire)
    messages.success(request, _("Version %(version)d was made: edit it, then choose it for a "
                                "campaign.") % {"version": new.version})
    return redirect("surveys:questionnaire-edit", new.pk)
