"""No treatment without a valid informed consent: the consent rules of the eligibility
decision, each decided and explained, and a session refused for it says why."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from clinic.tests.factories import UserFactory
from consent.models import Kind
from consent.services import revise_text, withdraw
from consent.tests.factories import consent
from screening.services import eligibility, eligibility_for
from sessions_app.tests.factories import course_for, log, standard_template, treatable_client

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def ago(days):
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def person():
    """Cleared and screened clear, with no consent of any kind yet."""
    return treatable_client(consented=False)


def consent_reasons(result):
    return [(r.code, r.message) for r in result.reasons if "consent" in r.code]


def test_without_a_consent_the_client_is_not_treated(person):
    result = eligibility(person)
    assert not result.allowed
    assert consent_reasons(result) == [
        (
            "no_consent",
            f"No informed consent to treatment signed on or before {TODAY:%-d %B %Y}: "
            "take the client's consent first.",
        )
    ]
    assert result.needs_consent


def test_a_consent_to_the_processing_of_data_is_not_a_consent_to_treatment(person):
    consent(person, kind=Kind.PERSONAL_DATA, days_ago=5)
    assert [r.code for r in eligibility(person).reasons] == ["no_consent"]


def test_a_signed_consent_clears_the_client(person):
    signed = consent(person, days_ago=5)
    result = eligibility(person)
    assert result.allowed
    assert result.consent == signed
    assert not result.needs_consent


def test_a_consent_given_after_the_day_asked_about_does_not_count(person):
    consent(person, days_ago=2)
    assert [r.code for r in eligibility(person, ago(3)).reasons] == ["no_consent"]
    assert eligibility(person, ago(2)).allowed  # the day it was signed


def test_a_withdrawn_consent_stops_treatment_from_the_day_it_is_withdrawn(person):
    signed = consent(person, days_ago=10)
    withdraw(
        consent=signed,
        withdrawn_on=ago(3),
        withdrawn_by="Anna Petrova",
        reason="Moving to another city.",
        by=UserFactory(),
    )
    assert eligibility(person, ago(4)).allowed
    assert consent_reasons(eligibility(person, ago(3))) == [
        (
            "consent_withdrawn",
            f"The consent of {ago(10):%-d %B %Y} was withdrawn on {ago(3):%-d %B %Y} by "
            "Anna Petrova (Moving to another city.); treatment needs a new signed consent.",
        )
    ]


def test_a_refusal_stops_treatment_until_a_new_consent(person):
    consent(person, days_ago=10)
    consent(person, kind=Kind.REFUSAL, days_ago=5)
    [(code, message)] = consent_reasons(eligibility(person))
    assert code == "consent_refused"
    assert message.startswith(f"Treatment was refused on {ago(5):%-d %B %Y} (signed by ")
    assert eligibility(person, ago(6)).allowed  # before the refusal the consent held
    consent(person, days_ago=1)
    assert eligibility(person).allowed


def test_a_new_consent_after_a_withdrawal_clears_the_client_again(person):
    signed = consent(person, days_ago=10)
    withdraw(consent=signed, withdrawn_on=ago(5), withdrawn_by="x", reason="y", by=UserFactory())
    consent(person, days_ago=2)
    assert eligibility(person).allowed


@pytest.fixture
def newer_text(person):
    signed = consent(person, days_ago=10)
    revise_text(
        signed.text,
        by=UserFactory(),
        body=signed.text.body + "\nA new paragraph.",
        in_force_from=ago(1),
    )
    return signed


def test_a_consent_on_an_older_text_holds_when_the_clinic_does_not_ask_again(
    person, newer_text, settings
):
    settings.CLINIC_RECONSENT_ON_NEW_TEXT = False
    result = eligibility(person)
    assert result.allowed
    assert "consent_renewal" not in [w.code for w in result.warnings]


def test_a_consent_on_an_older_text_asks_for_re_consent_when_the_clinic_wants_it(
    person, newer_text, settings
):
    settings.CLINIC_RECONSENT_ON_NEW_TEXT = True
    result = eligibility(person)
    assert result.allowed  # still treated: a warning, not a reason
    assert [(w.code, w.message) for w in result.warnings] == [
        (
            "consent_renewal",
            f"The consent of {ago(10):%-d %B %Y} was given on version 1 of the text; "
            "version 2 is in force: take the consent again.",
        )
    ]
    assert result.needs_consent
    # Before the new version came into force, nothing to ask.
    assert "consent_renewal" not in [w.code for w in eligibility(person, ago(2)).warnings]


def test_eligibility_for_a_page_decides_consent_as_eligibility_does(person, settings):
    settings.CLINIC_RECONSENT_ON_NEW_TEXT = True
    others = [treatable_client() for _ in range(3)]
    withdraw(
        consent=others[0].consents.get(),
        withdrawn_on=TODAY,
        withdrawn_by="x",
        reason="y",
        by=UserFactory(),
    )
    consent(others[1], kind=Kind.REFUSAL, days_ago=1)
    everyone = [person, *others]
    page = eligibility_for(everyone)
    for client in everyone:
        assert page[client.pk].reasons == eligibility(client).reasons
    assert [[r.code for r in page[c.pk].reasons] for c in everyone] == [
        ["no_consent"],
        ["consent_withdrawn"],
        ["consent_refused"],
        [],
    ]


def test_a_session_refused_for_want_of_consent_names_it(person, therapist):
    course = course_for(person, by=therapist)
    with pytest.raises(ValidationError) as refused:
        log(course, days_ago=0)
    assert [e.code for e in refused.value.error_list] == ["no_consent"]
    assert refused.value.messages[0].startswith(
        f"No informed consent to classic massage signed on or before {TODAY:%-d %B %Y}"
    )
    consent(person, days_ago=0)
    assert log(course, days_ago=0).pk


def test_the_session_form_says_why_it_refused_and_stores_nothing(client, person, therapist):
    from sessions_app.models import Session
    from sessions_app.tests.test_pages import session_data

    course = course_for(person, by=therapist)
    client.force_login(therapist)
    url = reverse("sessions_app:session_create", args=[person.pk, course.pk])
    response = client.post(url, session_data(course))
    assert response.status_code == 200
    assert "No informed consent to classic massage signed on or before" in response.content.decode()
    assert not Session.objects.exists()


def test_planning_a_course_for_a_client_without_consent_goes_on_to_take_it(
    client, person, therapist
):
    from sessions_app.tests.factories import standard_template

    client.force_login(therapist)
    response = client.post(
        reverse("sessions_app:course_create", args=[person.pk]),
        {
            "template": standard_template("vacuum").pk,
            "therapist": therapist.pk,
            "referral": person.referral_notes.get().pk,
            "goal": "Less pain when sitting.",
            "planned_sessions": "10",
            "start_date": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    assert response.url == (
        reverse("consent:take", args=[person.pk]) + f"?massage_type=vacuum&therapist={therapist.pk}"
    )
    details = client.get(response.url).context["form"]
    assert details.initial["massage_type"] == "vacuum"


def test_a_consent_to_one_massage_is_not_a_consent_to_another(person, therapist):
    consent(person, days_ago=5, massage_type="classic")
    vacuum = course_for(person, by=therapist, template=standard_template("vacuum"))
    with pytest.raises(ValidationError) as refused:
        log(vacuum, days_ago=0)
    assert refused.value.messages == [
        f"No informed consent to vacuum (cupping) massage signed on or before {TODAY:%-d %B %Y}: "
        "take the client's consent to this course's massage first."
    ]
    # A consent to vacuum massage later does not take the place of the one to classic.
    consent(person, days_ago=1, massage_type="vacuum")
    assert log(vacuum, days_ago=0).pk
    assert log(course_for(person, by=therapist), days_ago=0).pk


def test_a_session_given_before_the_consent_was_signed_that_day_is_refused(person, therapist):
    course = course_for(person, by=therapist)
    consent(person, days_ago=0)  # signed just now
    # Half an hour before, on the same day (just after midnight, since midnight).
    midnight = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time()))
    earlier = max(timezone.now() - datetime.timedelta(minutes=30), midnight)
    with pytest.raises(ValidationError) as refused:
        log(course, performed_at=earlier)
    assert [e.code for e in refused.value.error_list] == ["consent_after_session"]
    assert "after the session at" in refused.value.messages[0]


def test_the_reason_for_a_consent_given_after_the_day_says_which_day(person):
    consent(person, days_ago=2)
    (reason,) = eligibility(person, ago(3)).reasons
    assert reason.message == (
        f"No informed consent to treatment signed on or before {ago(3):%-d %B %Y}: "
        "take the client's consent first."
    )


def test_a_consent_followed_by_a_refusal_shows_as_replaced(client, person, therapist):
    consent(person, days_ago=10)
    consent(person, kind=Kind.REFUSAL, days_ago=5)
    client.force_login(therapist)
    page = client.get(person.get_absolute_url()).content.decode()
    assert f"Replaced {ago(5):%d.%m.%Y}" in page
    assert "In force" not in page


def test_a_session_logged_in_the_minute_the_consent_was_signed_is_allowed(person, therapist):
    # Sessions are timed to the minute: 10:15 is not before a consent signed at 10:15:40.
    course = course_for(person, by=therapist)
    signed = consent(person, days_ago=0)
    same_minute = signed.recorded_at.replace(second=0, microsecond=0)
    assert log(course, performed_at=same_minute).pk
