from django.urls import path

from clinic.overview import views

app_name = "overview"

urlpatterns = [
    path("", views.home, name="home"),
    path("clients/", views.ClientListView.as_view(), name="client_list"),
    path("clients/<int:pk>/", views.client_detail, name="client_detail"),
    path("clients/<int:pk>/print/", views.client_print, name="client_print"),
    path("clients/<int:pk>/<slug:name>.csv", views.client_csv, name="client_csv"),
    path("clients/<int:pk>/fhir/", views.client_fhir, name="client_fhir"),
    path("exports/sessions/", views.sessions_export, name="sessions_export"),
    path("exports/sessions.csv", views.clinic_sessions_csv, name="clinic_sessions_csv"),
]
