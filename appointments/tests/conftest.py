import pytest

from appointments.models import OpeningHours, Room, WorkingHours


@pytest.fixture
def week(therapist, clinic_admin):
    """The clinic open 8–20 on weekdays; the therapist and the admin working 9–18."""
    for weekday in range(5):
        OpeningHours.objects.create(weekday=weekday, opens="08:00", closes="20:00")
        for person in (therapist, clinic_admin):
            WorkingHours.objects.create(
                therapist=person, weekday=weekday, starts="09:00", ends="18:00"
            )
    return Room.objects.create(name="1"), Room.objects.create(name="2")
