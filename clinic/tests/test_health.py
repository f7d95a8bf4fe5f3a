from unittest import mock

from django.db import OperationalError, connection
from django.urls import reverse


def test_healthz_answers_200_when_the_database_answers(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_fails(client, db):
    with (
        mock.patch("clinic.views.connection.cursor", side_effect=OperationalError("down")),
        mock.patch.dict(connection.settings_dict, {"PORT": 1}),
    ):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "down"
