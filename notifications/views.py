"""The bell's page, the person's preferences, one-click unsubscribe, the delivery log, and
Django's password reset (rate-limited)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.decorators import ratelimit

from notifications import access, mail, services
from notifications.forms import PasswordResetForm, ProfileForm
from notifications.models import Delivery, Kind, Notice

PAGE_SIZE = 50


@require_safe
def notice_list(request: HttpRequest) -> HttpResponse:
    """What changed since I last looked, newest first; unread ones marked."""
    notices = Notice.objects.filter(recipient=request.user).select_related(None)
    page = Paginator(notices.only("pk", "kind", "subject", "body", "url", "created_at",
                                  "read_at"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/notice_list.html",
                  {"page": page, "unread": Notice.objects.filter(
                      recipient=request.user).unread().count(),
                   "can_read_deliveries": access.can_read_deliveries(request.user)})


@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    notice = access.get_notice(request.user, pk)
    services.notice_mark_read(user=request.user, notice=notice)
    return redirect(_back(request))


@require_POST
def notice_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notice_mark_read(user=request.user)
    messages.success(request, _("%(count)s notices marked read.") % {"count": count})
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return target
    return "notifications:notice-list"


@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """The person's email, phone, digest, immediate notices and language."""
    profile = services.user_profile(request.user)
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=profile,
                       user=request.user)
    if form.is_bound and form.is_valid():
        form.save()
        messages.success(request, _("Your preferences were saved."))
        response = redirect("notifications:preferences")
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.cleaned_data["language"],
                            secure=settings.LANGUAGE_COOKIE_SECURE,
                            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                            samesite=settings.LANGUAGE_COOKIE_SAMESITE)
        return response
    return render(request, "notifications/profile_form.html",
                  {"form": form, "profile": profile}, status=400 if form.is_bound else 200)


@login_not_required
@csrf_exempt  # the signed token is the authority; mail clients POST without a CSRF token
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One click, no login: GET shows the button; POST (the button, or a mail client's
    RFC 8058 one-click request) unsubscribes the person from that kind of message."""
    try:
        user_id, kind = mail.read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    if kind not in services.UNSUBSCRIBABLE or not get_user_model().objects.filter(
            pk=user_id).exists():
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        services.profile_unsubscribe(user_id=user_id, kind=kind)
        done = True
    return render(request, "notifications/unsubscribe.html",
                  {"kind_label": Kind(kind).label, "done": done, "token": token})


@require_safe
def delivery_list(request: HttpRequest) -> HttpResponse:
    """The delivery log: every message, its recipient, kind, time, status and error."""
    access.require_delivery_reader(request.user)
    rows = Delivery.objects.select_related("recipient").defer("body_text", "body_html")
    status = request.GET.get("status", "")
    if status in Delivery.Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/delivery_list.html",
                  {"page": page, "status": status, "statuses": Delivery.Status.choices})


@require_safe
def delivery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One message as it was (or will be) sent: how mail looks under `make run`."""
    delivery = access.get_delivery(request.user, pk)
    return render(request, "notifications/delivery_detail.html", {"delivery": delivery})


def ratelimited(request: HttpRequest, exception=None) -> HttpResponse:
    """Too many password reset requests from one address: 429 and a page that says so."""
    return render(request, "registration/password_reset_limited.html", status=429)


def _site_domain() -> str:
    return urlsplit(settings.SITE_URL).netloc


@method_decorator(ratelimit(key="ip", rate=lambda g, r: settings.PASSWORD_RESET_RATE,
                            method="POST", block=False), name="post")
class PasswordResetView(auth_views.PasswordResetView):
    """Django's own reset by email, rate-limited per address; links built from SITE_URL."""

    form_class = PasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"

    def post(self, request, *args, **kwargs):
        if getattr(request, "limited", False):
            return ratelimited(request, None)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        # Django's, with the links' host and scheme from SITE_URL rather than the request's
        # Host header (which a client chooses).
        form.save(
            domain_override=_site_domain(),
            use_https=settings.SITE_URL.startswith("https://"),
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
            html_email_template_name=self.html_email_template_name,
            extra_email_context=self.extra_email_context,
        )
        return super(auth_views.PasswordResetView, self).form_valid(form)
