from django.urls import path

from outcomes import report_views, views

app_name = "outcomes"

course = "clients/<int:pk>/courses/<int:course_id>/questionnaires/"
response = "clients/<int:pk>/questionnaires/<int:response_id>/"

urlpatterns = [
    path(f"{course}<int:point_id>/tablet/", views.questionnaire_tablet, name="tablet"),
    path(f"{course}<int:point_id>/paper/", views.questionnaire_paper, name="paper"),
    path(f"{course}<int:point_id>/skip/", views.questionnaire_skip, name="skip"),
    path(f"{course}done/", views.questionnaire_done, name="done"),
    path(response, views.response_detail, name="response"),
    path(f"{response}correct/", views.response_correct, name="correct"),
    path("reports/outcomes/", report_views.outcomes_report, name="report"),
    path("reports/outcomes.csv", report_views.outcomes_report_csv, name="report_csv"),
]
