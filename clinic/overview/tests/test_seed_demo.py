import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from appointments.models import Appointment, Status
from clinic import roles
from clinic.models import Client, ReferralNote
from screening.models import Answer, Screening
from screening.services import eligibility
from sessions_app.models import Addendum, Course, Session


@pytest.fixture(autouse=True)
def local_use(settings):
    # The test runner turns DEBUG off; seed_demo is meant for local use, where it is on.
    settings.DEBUG = True


def counts():
    return {
        "users": get_user_model().objects.count(),
        "clients": Client.objects.count(),
        "history": Client.history.count(),
        "referral notes": ReferralNote.objects.count(),
        "screenings": Screening.objects.count(),
        "answers": Answer.objects.count(),
        "courses": Course.objects.count(),
        "sessions": Session.objects.count(),
        "addenda": Addendum.objects.count(),
        "appointments": Appointment.objects.count(),
    }


@pytest.mark.django_db
def test_running_it_twice_gives_the_same_counts():
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    assert first["clients"] > 0


@pytest.mark.django_db
def test_it_creates_one_demo_account_per_role_with_the_demo_password(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-password")
    call_command("seed_demo")
    User = get_user_model()
    for username, role in [
        ("reception", roles.RECEPTION),
        ("therapist", roles.THERAPIST),
        ("admin", roles.CLINIC_ADMIN),
    ]:
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.check_password("another-demo-password")


@pytest.mark.django_db
def test_generated_clients_get_numbers_history_and_conditions(capsys):
    call_command("seed_demo", clients=1500)
    generated = Client.objects.filter(phone__startswith="+7900")
    assert generated.count() == 1500
    assert Client.history.filter(phone__startswith="+7900").count() == 1500
    assert not generated.filter(conditions=None).exists()
    assert Client.objects.values("record_number").distinct().count() == Client.objects.count()
    assert "1500/1500" in capsys.readouterr().out

    call_command("seed_demo", clients=10)
    assert generated.count() == 1510


@pytest.mark.django_db
def test_dry_run_stores_nothing():
    call_command("seed_demo", clients=5, dry_run=True)
    assert set(counts().values()) == {0}


@pytest.mark.django_db
def test_it_refuses_to_run_in_production_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    assert Client.objects.count() == 0
    call_command("seed_demo", force=True)
    assert Client.objects.count() > 0


@pytest.mark.django_db
def test_the_demo_shows_every_eligibility_case():
    call_command("seed_demo")
    verdicts = [eligibility(client) for client in Client.objects.all()]
    reasons = {reason.code for verdict in verdicts for reason in verdict.reasons}
    warnings = {warning.code for verdict in verdicts for warning in verdict.warnings}
    assert any(verdict.allowed for verdict in verdicts)
    assert {
        "referral_not_cleared",
        "clearance_expired",
        "contraindication_present",
        "contraindication_unknown",
        "screening_expired",
    } <= reasons
    assert {"restrictions", "screening_due"} <= warnings


@pytest.mark.django_db
def test_the_demo_has_courses_of_every_type_with_sessions_in_every_state():
    call_command("seed_demo")
    courses = Course.objects.all()
    assert {course.massage_type for course in courses} == {"classic", "vacuum", "spot"}
    sessions = Session.objects.all()
    assert sessions.filter(signed_at__isnull=False).count() >= 9
    assert sessions.filter(signed_at__isnull=True, voided_at__isnull=True).count() == 1
    assert sessions.filter(voided_at__isnull=False).count() == 1
    assert Addendum.objects.count() == 1
    for course in courses:
        pains = [s.pain_after for s in course.sessions.counted().filter(signed_at__isnull=False)]
        assert pains == sorted(pains, reverse=True) and pains[0] > pains[-1]


@pytest.mark.django_db
def test_the_demo_day_has_appointments_one_client_arrived_and_may_be_treated():
    call_command("seed_demo")
    today = Appointment.objects.filter(starts_at__date=timezone.localdate())
    arrived = today.get(status=Status.ARRIVED)
    assert today.filter(status=Status.BOOKED).exists()
    # Its session waits to be logged from it: the client may be treated today.
    assert arrived.session is None and eligibility(arrived.client).allowed


@pytest.mark.django_db
def test_the_demo_database_has_planner_statistics():
    call_command("seed_demo", clients=3, sessions=12)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Only ANALYZE writes a column's statistics (autovacuum's vacuum does not).
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'sessions_app_session'")
            assert cursor.fetchone()[0] > 0
        else:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'sessions_app_session'")
            assert cursor.fetchone()[0] > 0
