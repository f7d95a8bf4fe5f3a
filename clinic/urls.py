"""The project's URLs. The core records' pages are namespaced `clinic:`, each app's its own;
the apps are included by name, so that this core module imports none of them."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from clinic import language, views
from clinic.lib.audit import audited

clinic_patterns = [
    path("clients/new/", views.ClientCreateView.as_view(), name="client_create"),
    path(
        "clients/<int:pk>/edit/",
        audited("client_form")(views.ClientUpdateView.as_view()),
        name="client_edit",
    ),
    path("clients/<int:pk>/archive/", views.client_archive, name="client_archive"),
    path("clients/<int:pk>/restore/", views.client_restore, name="client_restore"),
    path("clients/<int:pk>/referrals/new/", views.referral_create, name="referral_create"),
    path(
        "clients/<int:pk>/referrals/<int:referral_id>/",
        views.referral_detail,
        name="referral_detail",
    ),
    path(
        "clients/<int:pk>/referrals/<int:referral_id>/edit/",
        views.referral_edit,
        name="referral_edit",
    ),
    path(
        "clients/<int:pk>/referrals/<int:referral_id>/scan/",
        views.referral_scan,
        name="referral_scan",
    ),
]

account_patterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]

handler500 = "clinic.views.server_error"

urlpatterns = [
    path("", include((clinic_patterns, "clinic"))),
    path("", include("consent.urls")),
    path("", include("screening.urls")),
    path("", include("sessions_app.urls")),
    path("", include("outcomes.urls")),
    path("", include("appointments.urls")),
    path("", include("clinic.overview.urls")),
    path("accounts/", include(account_patterns)),
    path("admin/", admin.site.urls),
    path("language/", language.choose_language, name="choose_language"),
    path("dates/reading/", language.date_reading, name="date_reading"),
    path("healthz", views.healthz, name="healthz"),
]
