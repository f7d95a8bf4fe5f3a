from django.urls import path

from sessions_app import views

app_name = "sessions_app"

course = "clients/<int:pk>/courses/<int:course_id>/"
session = "clients/<int:pk>/sessions/<int:session_id>/"

urlpatterns = [
    path("clients/<int:pk>/courses/new/", views.course_create, name="course_create"),
    path(course, views.course_detail, name="course_detail"),
    path(f"{course}edit/", views.course_edit, name="course_edit"),
    path(f"{course}plan/", views.plan_edit, name="plan_edit"),
    path(f"{course}schedule/", views.course_schedule, name="course_schedule"),
    path(f"{course}sessions/new/", views.session_create, name="session_create"),
    path(session, views.session_detail, name="session_detail"),
    path(f"{session}edit/", views.session_edit, name="session_edit"),
    path(f"{session}sign/", views.session_sign, name="session_sign"),
    path(f"{session}void/", views.session_void, name="session_void"),
    path(f"{session}addenda/new/", views.addendum_create, name="addendum_create"),
]
