"""The public page /cong-khai/ (no login): published periods' frozen figures, their reports,
the open data; and the coordinators' page that publishes and withdraws periods."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_ratelimit.core import is_ratelimited

from plans.models import ReportingPeriod
from publication import figures, opendata
from publication.access import get_period_to_publish, require_coordinator
from publication.forms import PublishForm, WithdrawForm
from publication.models import PublicationEvent, PublishedPeriod
from publication.services import period_publish as publish
from publication.services import period_withdraw as withdraw
from reports.figures import frozen_data
from units.access import is_coordinator
from units.models import Unit

EVENTS_SHOWN = 50


def _client(group, request) -> str:
    return settings.AXES_CLIENT_IP_CALLABLE(request) or ""


def rate_limited(view):
    """Too many requests from one address get the portal's own 429 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if is_ratelimited(request, group="public", key=_client, rate=settings.PUBLIC_RATE_LIMIT,
                          increment=True):
            response = render(request, "public/rate_limited.html", status=429)
            response["Retry-After"] = "60"
            return response
        return view(request, *args, **kwargs)

    return wrapper


def _public(response: HttpResponse) -> HttpResponse:
    # No shared or browser caching: a withdrawal must show at the next request, and a logged-in
    # reader's page carries their name in the top bar.
    response["Cache-Control"] = "no-cache"
    return response


def _plan_param(request) -> int | None:
    raw = request.GET.get("plan", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


KIND_LABELS = dict(Unit.Kind.choices)


@login_not_required
@require_safe
@rate_limited
def index(request: HttpRequest) -> HttpResponse:
    overview = figures.overview(_plan_param(request))
    return _public(render(request, "public/index.html", {
        "overview": overview, "latest": overview["latest"], "kind_labels": KIND_LABELS,
        "kinds": dict(ReportingPeriod.Kind.choices), "can_publish": is_coordinator(request.user),
    }))


def _published(pk: int) -> dict:
    summary = figures.published_period(pk)
    if summary is None:
        raise Http404
    return summary


@login_not_required
@require_safe
@rate_limited
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    summary = _published(pk)
    return _public(render(request, "public/period_detail.html", {
        "s": summary, "kind_labels": KIND_LABELS, "units_shown": figures.UNITS_SHOWN,
        "overdue_shown": figures.OVERDUE_SHOWN, "kinds": dict(ReportingPeriod.Kind.choices),
        "tasks_shown": figures.TASKS_SHOWN,
    }))


def _file(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return _public(response)


def _open_data(pk: int, kind: str, render) -> bytes:
    content = figures.open_data(pk, kind, render)
    if content is None:
        raise Http404
    return content


@login_not_required
@require_safe
@rate_limited
def period_csv(request: HttpRequest, pk: int) -> HttpResponse:
    content = _open_data(pk, "csv", opendata.csv_bytes)
    return _file(content, "text/csv; charset=utf-8", f"cchc-ky-{pk}.csv")


@login_not_required
@require_safe
@rate_limited
def period_json(request: HttpRequest, pk: int) -> HttpResponse:
    # The dictionary's address is relative: the file is the same whatever host served it.
    dictionary = reverse("public:data-dictionary")
    content = _open_data(pk, "json", lambda s: opendata.json_bytes(s, dictionary_url=dictionary))
    return _file(content, "application/json; charset=utf-8", f"cchc-ky-{pk}.json")


@login_not_required
@require_safe
@rate_limited
def data_dictionary(request: HttpRequest) -> HttpResponse:
    return _public(render(request, "public/data_dictionary.html", {
        "columns": opendata.COLUMNS, "task_fields": opendata.TASK_FIELDS,
        "licence": opendata.LICENCE,
        "periods": figures.overview(None)["periods"],
    }))


# --- Coordinators: publish and withdraw ---------------------------------------------------------


@require_safe
def publication_list(request: HttpRequest) -> HttpResponse:
    require_coordinator(request)
    published = set(PublishedPeriod.objects.values_list("period_id", flat=True))
    periods = (ReportingPeriod.objects.filter(closed_at__isnull=False)
               .select_related("plan").order_by("-plan__year", "end_date", "start_date"))
    events = (PublicationEvent.objects.select_related("period__plan", "by")[:EVENTS_SHOWN])
    return render(request, "public/publication_list.html", {
        "periods": [(p, p.pk in published) for p in periods], "events": events,
        "publish_form": PublishForm(), "withdraw_form": WithdrawForm(),
    })


@require_POST
def period_publish(request: HttpRequest, pk: int) -> HttpResponse:
    period = get_period_to_publish(request, pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    elif frozen_data(period) is None:
        messages.error(request, _("Only a closed period, with its frozen figures, can be "
                                  "published."))
    else:
        try:
            publish(period=period, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(period)s is published on the public page.")
                             % {"period": period})
    return redirect("public:publication-list")


@require_POST
def period_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    period = get_period_to_publish(request, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the period is withdrawn (at most 500 characters)."))
    else:
        try:
            withdraw(period=period, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(period)s was withdrawn from the public page.")
                             % {"period": period})
    return redirect("public:publication-list")
