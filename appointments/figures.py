"""The clinic admin's figures of the day's discipline: of the appointments held or missed each
month, by therapist, how many were no-shows and late cancellations."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from appointments.models import Appointment, Status

# What a rate is of: the appointments that were due to happen (an early cancellation freed
# its time in good time and counts in neither).
DUE = [Status.COMPLETED, Status.ARRIVED, Status.NO_SHOW, Status.LATE_CANCELLATION]


@dataclass(frozen=True)
class Line:
    month: object  # the first day of the month
    therapist: str
    due: int
    no_shows: int
    late_cancellations: int

    @property
    def no_show_rate(self):
        return round(100 * self.no_shows / self.due, 1) if self.due else None

    @property
    def late_cancellation_rate(self):
        return round(100 * self.late_cancellations / self.due, 1) if self.due else None


def attendance(first_day, last_day):
    """A line per month and therapist for appointments starting in the range, in one query."""
    rows = (
        Appointment.objects.filter(
            status__in=DUE, starts_at__date__gte=first_day, starts_at__date__lte=last_day
        )
        .annotate(month=TruncMonth("starts_at"))
        .values("month", "therapist", "therapist__last_name", "therapist__first_name")
        .annotate(
            due=Count("pk"),
            no_shows=Count("pk", filter=Q(status=Status.NO_SHOW)),
            late=Count("pk", filter=Q(status=Status.LATE_CANCELLATION)),
        )
        .order_by("month", "therapist__last_name", "therapist__first_name")
    )
    return [
        Line(
            month=row["month"].date() if hasattr(row["month"], "date") else row["month"],
            therapist=f"{row['therapist__last_name']} {row['therapist__first_name']}".strip(),
            due=row["due"],
            no_shows=row["no_shows"],
            late_cancellations=row["late"],
        )
        for row in rows
    ]
