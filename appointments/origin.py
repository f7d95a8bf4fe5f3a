"""A session logged in the appointment the client arrived for: the session form opens from the
appointment, prefilled with its time, and logging the session completes the appointment in the
same transaction."""

from django.utils import timezone

from appointments import services
from sessions_app.extensions import SessionOrigin


class AppointmentOrigin(SessionOrigin):
    def __init__(self, appointment):
        self.appointment = appointment

    def initial(self):
        # The time it was booked for; the therapist corrects it when they began later.
        return {"performed_at": timezone.localtime(self.appointment.starts_at)}

    def logged(self, session, by):
        services.complete(appointment=self.appointment, session=session, by=by)
