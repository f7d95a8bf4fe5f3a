"""A new kind of record joins the client's history through clinic.lib.record_kinds alone: the
timeline, its filter, print, the CSV and FHIR exports and the access log's vocabulary take it
without a line of the read side changing."""

import csv
import io
import json
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.lib import record_kinds
from clinic.lib.fhir import ref
from clinic.models import AccessLog


@dataclass
class PhoneCall:
    """A made-up record: a call with the client, kept in memory by the test."""

    pk: int
    client_id: int
    at: object
    summary: str


CALLS = []


def call_rows(client):
    for call in CALLS:
        if call.client_id == client.pk:
            yield [call.pk, call.at.isoformat(), call.summary]


class PhoneCallKind(record_kinds.RecordKind):
    code = "phone_call"
    label = "Phone calls"
    permission = "sessions_app.view_session"  # reception may not see them
    template = "phone_calls/_timeline_phone_call.html"
    timed = True
    access_log_views = {"phone_call": "Phone call"}
    csv = record_kinds.CsvExport(
        name="phone-calls",
        label="Phone calls (CSV)",
        permission="sessions_app.view_session",
        header=["call", "at", "summary"],
        rows=call_rows,
        access_log=("phone_calls_csv", "Phone calls CSV"),
    )

    def load(self, client, history):
        return [call for call in CALLS if call.client_id == client.pk]

    def moment(self, call):
        return call.at

    def fhir_entries(self, call, patient, history):
        resource = {
            "resourceType": "Communication",
            "status": "completed",
            "subject": {"reference": patient},
            "sent": call.at.isoformat(),
            "payload": [{"contentString": call.summary}],
        }
        return [(ref("Communication", call.pk), resource)]


@pytest.fixture
def phone_calls(settings, tmp_path, client_record):
    """The made-up kind registered, with its own partial, and one call with the client."""
    partials = tmp_path / "templates" / "phone_calls"
    partials.mkdir(parents=True)
    (partials / "_timeline_phone_call.html").write_text(
        '<p class="phone-call">Phone call: {{ record.summary }}</p>'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path / "templates"]}
    ]
    CALLS[:] = [
        PhoneCall(pk=7, client_id=client_record.pk, at=timezone.now(), summary="Rang: pain eased")
    ]
    record_kinds.register(PhoneCallKind())
    yield client_record
    record_kinds.unregister("phone_call")
    CALLS.clear()


def test_a_registered_kind_is_on_the_timeline_and_in_its_filter(client, therapist, phone_calls):
    client.force_login(therapist)
    response = client.get(phone_calls.get_absolute_url())
    page = response.content.decode()
    assert "Phone call: Rang: pain eased" in page
    assert "?kind=phone_call" in page and "Phone calls" in page
    only = client.get(phone_calls.get_absolute_url(), {"kind": "phone_call"})
    assert [entry.kind for entry in only.context["timeline"]] == ["phone_call"]


def test_a_registered_kind_is_in_print(client, therapist, phone_calls):
    client.force_login(therapist)
    page = client.get(reverse("overview:client_print", args=[phone_calls.pk])).content.decode()
    assert "Phone call: Rang: pain eased" in page


def test_a_registered_kind_offers_its_csv_on_the_client_page(client, therapist, phone_calls):
    client.force_login(therapist)
    url = reverse("overview:client_csv", args=[phone_calls.pk, "phone-calls"])
    assert url in client.get(phone_calls.get_absolute_url()).content.decode()
    response = client.get(url)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["call", "at", "summary"]
    assert rows[1][0] == "7" and rows[1][2] == "Rang: pain eased"
    assert response["Content-Disposition"].endswith(f'{phone_calls.record_number}-phone-calls.csv"')


def test_a_registered_kind_is_in_the_fhir_bundle(client, therapist, phone_calls):
    client.force_login(therapist)
    response = client.get(reverse("overview:client_fhir", args=[phone_calls.pk]))
    bundle = json.loads(response.content)
    (call,) = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Communication"]
    assert call["resource"]["payload"][0]["contentString"] == "Rang: pain eased"


def test_a_registered_kind_follows_its_permission(client, reception, phone_calls):
    client.force_login(reception)
    page = client.get(phone_calls.get_absolute_url()).content.decode()
    assert "Rang: pain eased" not in page
    assert "phone-calls.csv" not in page
    url = reverse("overview:client_csv", args=[phone_calls.pk, "phone-calls"])
    assert client.get(url).status_code == 403


def test_a_registered_kind_adds_its_views_to_the_access_log(
    client, therapist, clinic_admin, phone_calls
):
    assert AccessLog.VIEWS["phone_call"] == "Phone call"
    client.force_login(therapist)
    client.get(reverse("overview:client_csv", args=[phone_calls.pk, "phone-calls"]))
    download = AccessLog.objects.get(view="phone_calls_csv")
    assert (download.user, download.client, download.allowed) == (therapist, phone_calls, True)
    client.force_login(clinic_admin)
    page = client.get(reverse("admin:clinic_accesslog_changelist")).content.decode()
    assert "?view=phone_call" in page and "Phone calls CSV" in page


def test_an_unregistered_kind_leaves_no_trace(client, therapist, client_record):
    assert "phone_call" not in AccessLog.VIEWS
    client.force_login(therapist)
    assert "Phone call" not in client.get(client_record.get_absolute_url()).content.decode()
    url = reverse("overview:client_csv", args=[client_record.pk, "phone-calls"])
    assert client.get(url).status_code == 404


def test_two_kinds_cannot_share_a_code():
    with pytest.raises(ValueError, match="registered already"):
        record_kinds.register(type("Again", (record_kinds.RecordKind,), {"code": "session"})())
