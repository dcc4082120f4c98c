from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from notifications import views as notification_views
from reform_portal import errors, navigation, views
from reform_portal.forms import AdminLoginForm

admin.site.login_form = AdminLoginForm

# A database outage answers 503 with Retry-After; any other failure, the 500 page.
handler500 = "reform_portal.errors.server_error"

urlpatterns = [
    path("", include("insight.urls")),
    path("", include("plans.urls")),
    path("", include("solutions.urls")),
    path("index/", include("index.urls")),
    path("khao-sat/", include("surveys.urls")),
    path("", include("reports.urls")),
    path("cong-khai/", include("publication.urls")),
    path(
        "accounts/login/",
        navigation.LoginView.as_view(),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Forgotten password: Django's own views (Django marks them login-not-required).
    path("accounts/password-reset/", notification_views.PasswordResetView.as_view(),
         name="password_reset"),
    path("accounts/password-reset/sent/", auth_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("notifications/", include("notifications.urls")),
    # The language switcher works on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # Plain-text 503 "database unavailable" for monitors, not the HTML outage page.
    path("healthz", errors.database_unavailable_as_503(views.healthz), name="healthz"),
    path("admin/", admin.site.urls),
]
