"""The eligibility decision: each rule on its own, together, and at its boundary dates."""

import datetime

import pytest
from django.utils import timezone
from django.utils.dateformat import format as format_date

from clinic.models import ReferralNote
from clinic.tests.factories import ClientFactory, ReferralNoteFactory
from consent.tests.factories import consent
from screening.services import eligibility, eligibility_for
from screening.tests.factories import screen

# The day asked about; far enough in the past that every record can be dated around it.
DAY = timezone.localdate() - datetime.timedelta(days=100)
CLEARED = ReferralNote.Decision.CLEARED
RESTRICTED = ReferralNote.Decision.CLEARED_WITH_RESTRICTIONS
NOT_CLEARED = ReferralNote.Decision.NOT_CLEARED

pytestmark = pytest.mark.django_db


def days(n):
    return DAY + datetime.timedelta(days=n)


def refer(client, *, consulted=-10, valid=80, decision=CLEARED, restrictions=""):
    if decision == RESTRICTED and not restrictions:
        restrictions = "No deep work over L4-L5."
    return ReferralNoteFactory(
        client=client,
        consult_date=days(consulted),
        valid_until=days(valid),
        decision=decision,
        restrictions=restrictions,
    )


def screened(client, *, on=-2, **kwargs):
    return screen(client, days_ago=(timezone.localdate() - days(on)).days, **kwargs)


def consenting(**names):
    """A client who consented to treatment a month before the day asked about: these tests
    are about the other rules (consent's own are in test_consent_gate)."""
    client = ClientFactory(**names)
    consent(client, days_ago=(timezone.localdate() - days(-30)).days)
    return client


@pytest.fixture
def person():
    return consenting(first_name="Anna", last_name="Petrova")


def codes(result):
    return [reason.code for reason in result.reasons]


def warning_codes(result):
    return [warning.code for warning in result.warnings]


def test_a_cleared_and_clearly_screened_client_may_be_treated(person):
    note = refer(person, valid=80)
    screening = screened(person, on=-2)

    result = eligibility(person, DAY)

    assert result.allowed
    assert result.reasons == [] and result.warnings == []
    assert result.referral == note and result.screening == screening
    assert result.cleared_until == days(12)  # the screening ends first: 14 days after day -2


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        pytest.param({"referral": {}}, ["no_screening"], id="no screening"),
        pytest.param({"screening": {}}, ["no_referral"], id="no referral"),
        pytest.param({}, ["no_screening", "no_referral"], id="nothing at all"),
        pytest.param(
            {"referral": {"decision": NOT_CLEARED}, "screening": {}},
            ["referral_not_cleared"],
            id="not cleared",
        ),
        pytest.param(
            {"referral": {}, "screening": {"found": ["hypertension"]}},
            ["contraindication_present"],
            id="contraindication present",
        ),
        pytest.param(
            {"referral": {}, "screening": {"unknown": ["tuberculosis"]}},
            ["contraindication_unknown"],
            id="unknown answer",
        ),
        pytest.param(
            {
                "referral": {},
                "screening": {"found": ["tumour", "purulent"], "unknown": ["infection"]},
            },
            ["contraindication_present", "contraindication_present", "contraindication_unknown"],
            id="every finding is a reason",
        ),
        pytest.param(
            {"referral": {"valid": -1}, "screening": {"on": -15}},
            ["screening_expired", "clearance_expired"],
            id="both expired",
        ),
    ],
)
def test_each_failed_rule_is_a_reason(person, records, expected):
    if "referral" in records:
        refer(person, **records["referral"])
    if "screening" in records:
        screened(person, **records["screening"])
    result = eligibility(person, DAY)
    assert not result.allowed
    assert codes(result) == expected


def test_an_archived_record_is_a_reason_together_with_the_others(person):
    refer(person, decision=NOT_CLEARED)
    screened(person, on=-20)
    person.archive()
    assert codes(eligibility(person, DAY)) == [
        "client_archived",
        "screening_expired",
        "referral_not_cleared",
    ]


# --- boundary dates ------------------------------------------------------------------------


@pytest.mark.parametrize(("screened_on", "allowed"), [(-14, True), (-15, False), (0, True)])
def test_a_screening_holds_fourteen_days_after_the_day_it_was_taken(person, screened_on, allowed):
    refer(person)
    screened(person, on=screened_on)
    result = eligibility(person, DAY)
    assert result.allowed is allowed
    if not allowed:
        assert codes(result) == ["screening_expired"]


@pytest.mark.parametrize(("valid_until", "allowed"), [(0, True), (-1, False)])
def test_the_last_valid_day_of_a_clearance_is_allowed_and_the_day_after_is_not(
    person, valid_until, allowed
):
    refer(person, valid=valid_until)
    screened(person)
    result = eligibility(person, DAY)
    assert result.allowed is allowed
    if allowed:
        assert "(today)" in result.warnings[0].message
    else:
        assert codes(result) == ["clearance_expired"]


def test_records_dated_after_the_day_asked_about_are_not_used(person):
    refer(person, consulted=1)
    screened(person, on=1)
    assert codes(eligibility(person, DAY)) == ["no_screening", "no_referral"]


def test_a_later_not_cleared_decision_overrides_an_earlier_clearance(person):
    refer(person, consulted=-30, decision=CLEARED)
    refer(person, consulted=-5, decision=NOT_CLEARED, valid=25)
    screened(person)
    assert codes(eligibility(person, DAY)) == ["referral_not_cleared"]


def test_a_later_clearance_overrides_an_earlier_refusal(person):
    refer(person, consulted=-30, decision=NOT_CLEARED)
    refer(person, consulted=-5, decision=CLEARED)
    screened(person)
    assert eligibility(person, DAY).allowed


def test_a_later_clear_screening_replaces_one_that_found_a_contraindication(person):
    refer(person)
    screened(person, on=-5, found=["acute_inflammation"])
    screened(person, on=-1)
    assert eligibility(person, DAY).allowed


def test_a_later_screening_that_finds_a_contraindication_stops_treatment(person):
    refer(person)
    screened(person, on=-5)
    screened(person, on=-1, found=["injury_bleeding"])
    assert codes(eligibility(person, DAY)) == ["contraindication_present"]


# --- warnings ------------------------------------------------------------------------------


def test_restrictions_are_a_warning_to_respect(person):
    refer(person, decision=RESTRICTED, restrictions="No vibration in the lumbar zone.")
    screened(person)
    result = eligibility(person, DAY)
    assert result.allowed
    assert result.warnings[0].code == "restrictions"
    assert "No vibration in the lumbar zone." in result.warnings[0].message


@pytest.mark.parametrize(("valid_until", "warned"), [(14, True), (15, False)])
def test_a_clearance_ending_within_fourteen_days_is_a_warning(person, valid_until, warned):
    refer(person, valid=valid_until)
    screened(person)
    assert ("clearance_ending" in warning_codes(eligibility(person, DAY))) is warned


@pytest.mark.parametrize(("screened_on", "warned"), [(-11, True), (-10, False)])
def test_a_screening_about_to_run_out_is_a_warning(person, screened_on, warned):
    refer(person)
    screened(person, on=screened_on)
    assert ("screening_due" in warning_codes(eligibility(person, DAY))) is warned


# --- what the person reads -----------------------------------------------------------------


def test_reasons_name_the_record_and_the_date(person):
    refer(person, valid=-3)
    screened(person, on=-4, found=["hypertension"])
    messages = [reason.message for reason in eligibility(person, DAY).reasons]
    assert messages == [
        f"Screening of {format_date(days(-4), 'j F Y')} found hypertension.",
        f"Clearance by Dr Petrov expired on {format_date(days(-3), 'j F Y')}.",
    ]


def test_high_blood_pressure_is_named_with_its_reading(person):
    refer(person)
    screened(person, pressure=(150, 85))
    (reason,) = eligibility(person, DAY).reasons
    assert reason.message.endswith("found hypertension (blood pressure 150/85 mm Hg).")


def test_today_is_the_default_day(person):
    refer(person, consulted=-100 + -5, valid=100)  # consulted 5 days before today
    screened(person, on=100)  # today
    assert eligibility(person).on == timezone.localdate()
    assert eligibility(person).allowed


# --- many clients at once ------------------------------------------------------------------


def test_the_page_wide_answer_is_the_same_as_the_single_one(django_assert_num_queries):
    clients = ClientFactory.create_batch(6)
    refer(clients[0])
    screened(clients[0])
    refer(clients[1], decision=NOT_CLEARED)
    screened(clients[1], found=["tumour"])
    refer(clients[2], valid=-1)
    screened(clients[3], unknown=["mental_disorder"])
    clients[4].archive()

    # the latest records, screenings, their answers, the checklist, referral notes (none of
    # them has signed a consent: nothing to read)
    with django_assert_num_queries(5):
        together = eligibility_for(clients, DAY)

    for client in clients:
        alone = eligibility(client, DAY)
        assert together[client.pk].reasons == alone.reasons
        assert together[client.pk].warnings == alone.warnings


def test_a_screening_missing_one_of_the_ten_is_a_reason(person):
    refer(person)
    screening = screened(person, on=-1)
    screening.answers.filter(contraindication__code="tumour").delete()
    result = eligibility(person, DAY)
    assert codes(result) == ["contraindication_not_asked"]
    assert "did not ask about tumours" in result.reasons[0].message
