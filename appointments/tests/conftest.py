import pytest
from django.utils import timezone

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


@pytest.fixture
def clock(monkeypatch):
    """Sets the clock to a moment: these tests book next week, and a no-show is marked only
    once its time has come."""

    def set_to(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to
