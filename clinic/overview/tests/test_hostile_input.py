"""Random and hostile input posted to every form: never a 500, nothing stored from a refused
form, and script or SQL fragments shown escaped, never run."""

import pytest
from django.apps import apps
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinic.tests.factories import ReferralNoteFactory
from consent.tests.factories import consent, sample_texts
from outcomes.demo import SECTIONS
from outcomes.models import MeasurePoint, When
from outcomes.tests.factories import take
from screening.models import Contraindication
from screening.tests.factories import screen
from sessions_app.models import PlanTemplate
from sessions_app.services import sign_session
from sessions_app.tests.factories import course_for, log

SCRIPT = "<script>alert('x')</script>"
HOSTILE = [
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE clinic_client; --",
    "1 OR 1=1",
    "Robert'); DELETE FROM sessions_app_session;--",
    "{{ 7*7 }}{% debug %}",
    "\u202eevil\u0000nul",
    "9" * 400,
    "-1",
    "2026-02-30",
    "9999-12-31",
    "0001-01-01",
    "1e309",
    "Анна Петрова",
    "",
]
value = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=80),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.dates().map(str),
)
EXAMPLES = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Rows that a request may write whatever its outcome: sign-in bookkeeping and the audit.
IGNORED = {
    "sessions.Session",
    "axes.AccessAttempt",
    "axes.AccessLog",
    "axes.AccessFailureLog",
    "clinic.AccessLog",
}


RECORDS = {"clinic", "consent", "screening", "sessions_app", "outcomes", "auth"}


def rows():
    """Rows of every record the forms write (history rows only ever come with them)."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in RECORDS
        and model._meta.label not in IGNORED
        and not model._meta.model_name.startswith("historical")
    }


def fields(*names):
    return st.fixed_dictionaries(dict.fromkeys(names, value))


def check(response, stored_before):
    assert response.status_code < 500, response.status_code
    if response.status_code not in (301, 302):
        assert rows() == stored_before, "a refused form stored something"
    if response.get("Content-Type", "").startswith("text/html"):
        page = response.content.decode()
        assert SCRIPT not in page and "onerror=alert(1)>" not in page


@pytest.fixture(autouse=True)
def as_a_browser(client):
    # A browser gets the error pages, not the exception: a 500 fails `check` all the same.
    client.raise_request_exception = False


@pytest.fixture
def records(client_record, therapist):
    note = ReferralNoteFactory(client=client_record)
    screen(client_record, days_ago=1)
    consented = consent(client_record, days_ago=30)
    course = course_for(client_record, by=therapist)
    signed = sign_session(session=log(course, days_ago=1), by=therapist)
    draft = log(course, days_ago=0)
    answered = take(course, therapist, {"pain_now": 4}, instrument="pain")
    return {
        "client": client_record,
        "note": note,
        "course": course,
        "session": signed,
        "draft": draft,
        "consent": consented,
        "response": answered,
    }


def post_and_check(client, url, data):
    before = rows()
    check(client.post(url, data), before)


CLIENT_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "phone",
    "email",
    "address",
    "occupation",
    "activity_level",
    "complaint",
    "primary_therapist",
    "conditions",
)
REFERRAL_FIELDS = (
    "specialist_name",
    "specialty",
    "consult_date",
    "diagnosis",
    "icd10",
    "stage",
    "decision",
    "restrictions",
    "valid_until",
    "opened_version",
)


@EXAMPLES
@given(data=fields(*CLIENT_FIELDS))
def test_the_client_forms(client, clinic_admin, records, data):
    client.force_login(clinic_admin)
    post_and_check(client, reverse("clinic:client_create"), data)
    post_and_check(client, reverse("clinic:client_edit", args=[records["client"].pk]), data)
    post_and_check(client, reverse("admin:clinic_client_add"), data)


@EXAMPLES
@given(data=fields(*REFERRAL_FIELDS))
def test_the_referral_forms(client, clinic_admin, records, data):
    client.force_login(clinic_admin)
    pk = records["client"].pk
    post_and_check(client, reverse("clinic:referral_create", args=[pk]), data)
    post_and_check(client, reverse("clinic:referral_edit", args=[pk, records["note"].pk]), data)


@EXAMPLES
@given(data=st.data())
def test_the_screening_form(client, therapist, records, data):
    items = [f"item_{pk}" for pk in Contraindication.objects.values_list("pk", flat=True)]
    answers = st.one_of(st.sampled_from(["present", "absent", "unknown"]), value)
    posted = data.draw(fields("screened_on", "systolic", "diastolic", "notes"))
    posted.update(data.draw(st.fixed_dictionaries(dict.fromkeys(items, answers))))
    client.force_login(therapist)
    post_and_check(client, reverse("screening:create", args=[records["client"].pk]), posted)


@EXAMPLES
@given(
    data=fields(
        "template",
        "therapist",
        "referral",
        "goal",
        "planned_sessions",
        "start_date",
        "frequency_days",
        "status",
        "opened_version",
    )
)
def test_the_course_forms(client, therapist, records, data):
    client.force_login(therapist)
    course = records["course"]
    post_and_check(client, reverse("sessions_app:course_create", args=[course.client_id]), data)
    post_and_check(
        client, reverse("sessions_app:course_edit", args=[course.client_id, course.pk]), data
    )


STEP = ("stage", "technique", "zone", "repetitions", "intensity", "planned_seconds", "DELETE")


@EXAMPLES
@given(
    session=fields(
        "performed_at",
        "introductory_duration",
        "main_duration",
        "final_duration",
        "pain_before",
        "pain_after",
        "tolerance",
        "notes",
        "opened_version",
    ),
    steps=st.lists(fields(*STEP), max_size=4),
    forged_count=st.one_of(st.none(), value),
)
def test_the_session_and_plan_forms(client, therapist, records, session, steps, forged_count):
    client.force_login(therapist)
    course = records["course"]
    # Mostly a well-formed step table whose cells are hostile; sometimes a forged row count.
    count = str(len(steps)) if forged_count is None else forged_count
    posted = {**session, "form-TOTAL_FORMS": count, "form-INITIAL_FORMS": "0"}
    for index, step in enumerate(steps):
        posted.update({f"form-{index}-{name}": v for name, v in step.items()})
    post_and_check(
        client, reverse("sessions_app:session_create", args=[course.client_id, course.pk]), posted
    )
    post_and_check(
        client, reverse("sessions_app:plan_edit", args=[course.client_id, course.pk]), posted
    )
    draft_pk = records["draft"].pk
    post_and_check(
        client, reverse("sessions_app:session_edit", args=[course.client_id, draft_pk]), posted
    )


@EXAMPLES
@given(data=fields("reason", "text"))
def test_the_void_and_addendum_forms(client, therapist, records, data):
    client.force_login(therapist)
    session = records["session"]
    args = [session.course.client_id, session.pk]
    post_and_check(client, reverse("sessions_app:addendum_create", args=args), data)
    post_and_check(client, reverse("sessions_app:session_void", args=args), {"reason": SCRIPT})


CONSENT_DETAILS = (
    "kind",
    "language",
    "signed_by",
    "representative_name",
    "representative_relationship",
    "massage_type",
    "therapist",
    "method",
)


@EXAMPLES
@given(
    details=fields(*CONSENT_DETAILS),
    signing=fields("text", "shown_sha256", "signature", "countersignature", "signed_on", "scan"),
)
def test_the_consent_forms(client, reception, records, details, signing):
    sample_texts()
    client.force_login(reception)
    client_id = records["client"].pk
    take = reverse("consent:take", args=[client_id])
    sign = reverse("consent:sign", args=[client_id])
    post_and_check(client, take, details)
    # The details as a real page sends them, with the signing forged.
    for method in ("screen", "paper"):
        real = {"kind": "treatment", "language": "en", "signed_by": "client"}
        client.post(take, {**real, "massage_type": "spot", "method": method})
        post_and_check(client, sign, signing)


@EXAMPLES
@given(data=fields("withdrawn_on", "withdrawn_by", "reason"))
def test_the_withdrawal_form(client, therapist, records, data):
    client.force_login(therapist)
    consent_ = records["consent"]
    url = reverse("consent:withdraw", args=[consent_.client_id, consent_.pk])
    post_and_check(client, url, data)


PSFS_FIELDS = ("taken_on", *(f"activity{n}{name}" for n in (1, 2, 3) for name in ("", "-name")))


@EXAMPLES
@given(
    odi=fields("taken_on", *SECTIONS),
    psfs=fields(*PSFS_FIELDS),
    screen=fields("screen", "pain_now", "next", "back", "send"),
    skip=fields("reason"),
    correction=fields("taken_on", "pain_now", "correction_reason"),
)
def test_the_questionnaire_forms(client, therapist, records, odi, psfs, screen, skip, correction):
    client.force_login(therapist)
    course = records["course"]
    due = {
        code: MeasurePoint.objects.get_or_create(
            template=course.template, instrument=code, when=When.DISCHARGE
        )[0].pk
        for code in ("odi", "psfs", "pain")
    }
    args = [course.client_id, course.pk]
    post_and_check(client, reverse("outcomes:paper", args=[*args, due["odi"]]), odi)
    post_and_check(client, reverse("outcomes:paper", args=[*args, due["psfs"]]), psfs)
    tablet = reverse("outcomes:tablet", args=[*args, due["pain"]])
    post_and_check(client, tablet, screen)
    check(client.get(tablet, {"screen": screen["screen"]}), rows())
    post_and_check(client, reverse("outcomes:skip", args=[*args, due["pain"]]), skip)
    taken = records["response"]
    post_and_check(
        client, reverse("outcomes:correct", args=[course.client_id, taken.pk]), correction
    )


@EXAMPLES
@given(data=fields("q", "status", "therapist", "condition", "sort", "page", "kind", "course"))
def test_the_lists_and_filters(client, clinic_admin, records, data):
    client.force_login(clinic_admin)
    for url in (
        reverse("overview:client_list"),
        records["client"].get_absolute_url(),
        reverse("overview:home"),
    ):
        before = rows()
        check(client.get(url, data), before)


@EXAMPLES
@given(data=fields("date_from", "date_to"))
def test_the_clinic_export_range(client, clinic_admin, records, data):
    client.force_login(clinic_admin)
    response = client.get(reverse("overview:clinic_sessions_csv"), data)
    assert response.status_code in (200, 400)


@EXAMPLES
@given(data=fields("username", "password", "old_password", "new_password1", "new_password2"))
def test_the_sign_in_and_password_forms(client, reception, data):
    before = rows()
    check(client.post(reverse("login"), data), before)
    client.force_login(reception)
    post_and_check(client, reverse("password_change"), data)


@pytest.mark.django_db
def test_the_template_list_is_not_empty():
    # The course form draws its templates from the catalogue the migrations load.
    assert PlanTemplate.objects.exists()


@EXAMPLES
@given(data=fields(*CLIENT_FIELDS, "opened_version"), referral=fields(*REFERRAL_FIELDS, "client"))
def test_the_back_office_change_forms(client, clinic_admin, records, data, referral):
    client.force_login(clinic_admin)
    post_and_check(client, reverse("admin:clinic_client_change", args=[records["client"].pk]), data)
    note = records["note"].pk
    post_and_check(client, reverse("admin:clinic_referralnote_change", args=[note]), referral)


@EXAMPLES
@given(data=fields("token", "next"))
def test_the_two_factor_forms(client, clinic_admin, data):
    client.force_login(clinic_admin)
    post_and_check(client, reverse("two_factor_setup"), data)
    post_and_check(client, reverse("two_factor_verify"), data)
