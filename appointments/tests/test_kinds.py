"""Appointments on the client's timeline and as FHIR R4 Appointments in the client's bundle."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from fhir.resources.bundle import Bundle

from appointments.models import Status
from appointments.services import book, change_status, complete
from appointments.tests.factories import at
from sessions_app.tests.factories import course_for, log, treatable_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(week, therapist):
    room = week[0]
    course = course_for(treatable_client(), by=therapist, start_days_ago=3)
    done = book(
        client=course.client,
        therapist=therapist,
        course=course,
        session_number=1,
        room=room,
        starts_at=at(10),
        by=therapist,
    )
    change_status(appointment=done, status=Status.ARRIVED, by=therapist)
    complete(appointment=done, session=log(course, days_ago=0), by=therapist)
    cancelled = book(
        client=course.client,
        therapist=therapist,
        course=course,
        session_number=2,
        starts_at=at(11),
        by=therapist,
    )
    change_status(appointment=cancelled, status=Status.CANCELLED_BY_CLINIC, by=therapist)
    return course


def test_appointments_are_on_the_timeline_for_reception_too(client, reception, booked):
    client.force_login(reception)
    page = client.get(booked.client.get_absolute_url(), {"kind": "appointment"})
    entries = page.context["timeline"].object_list
    assert {entry.record.status for entry in entries} == {"completed", "cancelled_clinic"}
    assert "cancelled by the clinic" in page.content.decode()


def test_the_bundle_holds_each_appointment_with_its_status(client, therapist, booked):
    client.force_login(therapist)
    response = client.get(reverse("overview:client_fhir", args=[booked.client_id]))
    bundle = Bundle.parse_raw(response.content)
    appointments = [
        entry.resource for entry in bundle.entry if entry.resource.resource_type == "Appointment"
    ]
    assert sorted(a.status for a in appointments) == ["cancelled", "fulfilled"]
    cancelled = next(a for a in appointments if a.status == "cancelled")
    assert cancelled.cancelationReason.coding[0].code == "prov"
    raw = json.loads(response.content)
    fulfilled = next(
        e["resource"]
        for e in raw["entry"]
        if e["resource"]["resourceType"] == "Appointment" and e["resource"]["status"] == "fulfilled"
    )
    assert len(fulfilled["participant"]) == 3  # the client, the therapist, the room


def test_the_client_page_reads_as_many_queries_with_one_appointment_as_with_many(
    client, therapist, booked
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            client.get(booked.client.get_absolute_url())
        return len(captured)

    client.force_login(therapist)
    before = queries()
    for hour in (12, 13, 14):
        done = book(
            client=booked.client,
            therapist=therapist,
            course=booked,
            starts_at=at(hour),
            by=therapist,
        )
        change_status(appointment=done, status=Status.ARRIVED, by=therapist)
        complete(appointment=done, session=log(booked, days_ago=0), by=therapist)
    assert queries() == before
