from django.urls import path

from appointments import booking_views, day_views, views

app_name = "appointments"

# An appointment's pages sit under its client, as the client's other records do.
APPOINTMENT = "clients/<int:pk>/appointments/<int:appointment_id>/"
COURSE = "clients/<int:pk>/courses/<int:course_id>/appointments/"

urlpatterns = [
    path("day/", day_views.day, name="day"),
    path("week/", day_views.week, name="week"),
    path(f"{APPOINTMENT}arrived/", day_views.arrived, name="arrived"),
    path(f"{APPOINTMENT}no-show/", day_views.no_show, name="no_show"),
    path(f"{COURSE}new/", booking_views.book, name="book"),
    path(f"{COURSE}series/", booking_views.series, name="series"),
    path(f"{APPOINTMENT}move/", booking_views.move, name="move"),
    path(f"{APPOINTMENT}cancel/", booking_views.cancel, name="cancel"),
    path(f"{APPOINTMENT}rebook/", booking_views.rebook, name="rebook"),
    path(f"{APPOINTMENT}session/", views.log_session, name="log_session"),
    path("calendar/", views.my_calendar, name="my_calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
    path("reports/attendance/", views.attendance_figures, name="figures"),
]
