from django.urls import path

from appointments import views

app_name = "appointments"

urlpatterns = [
    path("calendar/", views.my_calendar, name="my_calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
    path("reports/attendance/", views.attendance_figures, name="figures"),
]
