from django.urls import path

from consent import views

app_name = "consent"

urlpatterns = [
    path("clients/<int:pk>/consents/new/", views.consent_take, name="take"),
    path("clients/<int:pk>/consents/sign/", views.consent_sign, name="sign"),
    path("clients/<int:pk>/consents/<int:consent_id>/", views.consent_detail, name="detail"),
    path("clients/<int:pk>/consents/<int:consent_id>/print/", views.consent_print, name="print"),
    path(
        "clients/<int:pk>/consents/<int:consent_id>/withdraw/",
        views.consent_withdraw,
        name="withdraw",
    ),
    path(
        "clients/<int:pk>/consents/<int:consent_id>/<str:part>/",
        views.consent_file,
        name="file",
    ),
]
