"""Taking a course's questionnaires: on the tablet a screen at a time in the client's language,
from paper by staff, skipped with a reason; corrected by a new entry; a clinic's licensed
wording loaded from its file; and the baseline before a course's first session."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from outcomes.demo import SECTIONS
from outcomes.models import InstrumentText, MeasurePoint, Response, SkippedMeasure, When
from outcomes.services import course_results, skip_measure
from outcomes.tests.factories import odi, take
from sessions_app.models import Course
from sessions_app.tests.factories import course_for, log, standard_template, treatable_client

pytestmark = pytest.mark.django_db


def point(instrument, when=When.BASELINE, **fields):
    return MeasurePoint.objects.create(
        template=standard_template(), instrument=instrument, when=when, **fields
    )


@pytest.fixture
def course(therapist):
    return course_for(treatable_client(language="en"), by=therapist, start_days_ago=5)


def tablet(course, due):
    return reverse("outcomes:tablet", args=[course.client_id, course.pk, due.pk])


def paper(course, due):
    return reverse("outcomes:paper", args=[course.client_id, course.pk, due.pk])


# A stand-in for a licensed wording a clinic holds (the real statements are not shipped).
ODI_WORDING = {
    "instructions": "Tick one statement in each section.",
    "items": {section: f"Section {section}" for section in SECTIONS},
    "options": {
        section: {str(value): f"{section} statement {value}" for value in range(6)}
        for section in SECTIONS
    },
}


@pytest.fixture
def odi_wording(tmp_path):
    path = tmp_path / "odi-en.json"
    path.write_text(json.dumps(ODI_WORDING), encoding="utf-8")
    call_command("load_questionnaire_texts", "odi", "en", str(path))
    return path


def test_the_client_fills_the_pain_scale_in_their_own_language(client, therapist, course):
    due = point("pain")
    client.force_login(therapist)  # whose pages are in Russian, the clinic's language
    page = client.get(tablet(course, due)).content.decode()
    assert "How strong is your back pain right now?" in page
    assert 'lang="en"' in page
    answered = client.post(tablet(course, due), {"screen": 0, "pain_now": 4, "next": ""})
    assert answered.url.endswith("?screen=1")
    review = client.get(answered.url)
    assert [row["answer"] for row in review.context["rows"]] == ["4"]
    assert not Response.objects.exists()  # nothing is stored before it is sent
    sent = client.post(tablet(course, due), {"screen": 1, "send": ""})
    assert sent.url == reverse("outcomes:done", args=[course.client_id, course.pk])
    response = Response.objects.get()
    assert (response.score, response.how, response.when) == (4, "tablet", "baseline")
    # Sent again (the answer lost on the way), it stores nothing more.
    client.post(tablet(course, due), {"screen": 1, "send": ""})
    assert Response.objects.count() == 1


def test_the_odi_shows_one_section_per_screen_and_going_back_keeps_answers(
    client, therapist, course, odi_wording
):
    due = point("odi")
    client.force_login(therapist)
    first = client.get(tablet(course, due))
    assert list(first.context["form"].fields) == ["pain_intensity"]
    assert first.context["screens"] == 10
    assert "pain_intensity statement 5" in first.content.decode()
    assert "personal_care statement" not in first.content.decode()
    for screen, section in enumerate(SECTIONS):
        answer = {} if section == "sex_life" else {section: 2 if screen < 6 else 1}
        client.post(tablet(course, due), {"screen": screen, "next": "", **answer})
    # Going back sends the screen's answer too (the browser shows it chosen).
    back = client.post(tablet(course, due), {"screen": 3, "back": "", "walking": 2})
    assert back.url.endswith("?screen=2")
    assert client.get(back.url).context["form"].initial["lifting"] == 2
    review = client.get(tablet(course, due) + "?screen=10")
    assert review.context["why_not"] == ""  # one section unanswered is still scored
    client.post(tablet(course, due), {"screen": 10, "send": ""})
    response = Response.objects.get()
    # 6 × 2 + 3 × 1 = 15 of 45 answered (sex life unanswered): 33.3 %
    assert (str(response.score), response.band) == ("33.3", "moderate")
    assert "sex_life" not in response.answers


def test_a_questionnaire_without_its_wording_is_entered_from_paper(client, therapist, course):
    due = point("odi")
    client.force_login(therapist)
    page = client.get(tablet(course, due))
    assert page.url == paper(course, due)


def test_staff_enter_a_paper_form_and_bad_answers_store_nothing(client, therapist, course):
    due = point("pain")
    client.force_login(therapist)
    refused = client.post(paper(course, due), {"taken_on": "", "pain_now": "11"})
    assert refused.status_code == 200
    assert refused.context["form"].errors.keys() == {"taken_on", "pain_now"}
    assert not Response.objects.exists()
    taken_on = course.start_date.strftime("%d.%m.%Y")
    saved = client.post(paper(course, due), {"taken_on": taken_on, "pain_now": "7"})
    response = Response.objects.get()
    assert saved.url == response.get_absolute_url()
    assert (response.score, response.how, response.taken_on) == (7, "paper", course.start_date)
    # Entered once: the form does not open again, and the service refuses a second one.
    assert client.get(paper(course, due)).status_code == 302
    with pytest.raises(ValidationError, match="taken already"):
        take(course, therapist, {"pain_now": 3}, instrument="pain")


def test_each_activity_rated_is_named(client, therapist, course):
    due = point("psfs")
    client.force_login(therapist)
    day = course.start_date.strftime("%d.%m.%Y")
    ratings = {"activity1": 3, "activity2": 4, "activity3": 5}
    refused = client.post(
        paper(course, due),
        {"taken_on": day, **ratings, "activity1-name": "Sitting at work", "activity2-name": ""},
    )
    assert "activity2-name" in refused.context["form"].errors
    assert not Response.objects.exists()
    names = {f"{key}-name": f"Activity {key}" for key in ratings}
    client.post(paper(course, due), {"taken_on": day, **ratings, **names})
    response = Response.objects.get()
    assert response.score == 4
    assert response.activities == {key: f"Activity {key}" for key in ratings}


def test_a_correction_replaces_the_entry_and_keeps_it(client, therapist, course):
    wrong = take(course, therapist, odi(40))
    client.force_login(therapist)
    url = reverse("outcomes:correct", args=[course.client_id, wrong.pk])
    assert client.get(url).context["form"].initial["lifting"] == 4
    answers = dict.fromkeys(SECTIONS, 2)
    day = course.start_date.strftime("%d.%m.%Y")
    refused = client.post(url, {"taken_on": day, **answers})
    assert "correction_reason" in refused.context["form"].errors
    client.post(
        url, {"taken_on": day, **answers, "correction_reason": "Typed from the wrong sheet."}
    )
    wrong.refresh_from_db()
    assert wrong.score == 80 and wrong.replaced_by.score == 40
    assert wrong.replaced_by.correction_reason == "Typed from the wrong sheet."
    assert [r.baseline for r in course_results(course)] == [wrong.replaced_by]
    # The replaced entry is not corrected twice.
    assert client.get(url).status_code == 302


def test_the_first_session_waits_for_the_baseline(therapist, course):
    point("odi")
    with pytest.raises(ValidationError) as refused:
        log(course, days_ago=1)
    assert [e.code for e in refused.value.error_list] == ["baseline_due"]
    assert "Oswestry" in refused.value.messages[0]
    take(course, therapist, odi(20))
    log(course, days_ago=1)
    log(course, days_ago=0)  # the rule is the first session's only


def test_a_baseline_is_skipped_with_a_reason_only_where_the_clinic_allows_it(
    client, therapist, course, settings
):
    due = point("odi")
    skip = reverse("outcomes:skip", args=[course.client_id, course.pk, due.pk])
    client.force_login(therapist)
    client.post(skip, {"reason": "The client declined."})
    assert not SkippedMeasure.objects.exists()
    settings.CLINIC_BASELINE_MAY_BE_SKIPPED = True
    with pytest.raises(ValidationError, match="or skip them with a reason"):
        log(course, days_ago=1)
    client.post(skip, {"reason": "   "})
    assert not SkippedMeasure.objects.exists()
    client.post(skip, {"reason": "The client declined."})
    assert SkippedMeasure.objects.get().reason == "The client declined."
    log(course, days_ago=1)
    assert (
        "Not taken: The client declined." in client.get(course.get_absolute_url()).content.decode()
    )


def test_the_course_page_shows_the_change_and_whether_it_is_real(client, therapist, course):
    point("odi")
    point("odi", When.DISCHARGE)
    take(course, therapist, odi(25))  # 50 %
    log(course, days_ago=2)
    take(course, therapist, odi(19), when=When.AFTER_SESSION, session_number=1, days_ago=1)
    client.force_login(therapist)
    page = client.get(course.get_absolute_url())
    (result,) = page.context["panels"][0].context["results"]
    assert (result.baseline.score, result.latest.score) == (50, 38)
    assert result.change.real and result.change.improved
    assert "real improvement" in page.content.decode()


@pytest.mark.parametrize("responses", [1, 6])
def test_the_course_page_reads_the_same_queries_however_many_questionnaires(
    client, therapist, course, django_assert_num_queries, responses
):
    point("odi")
    take(course, therapist, odi(25))
    for days_ago in range(4, -1, -1):
        log(course, days_ago=days_ago)
    for number in range(1, responses):
        take(
            course,
            therapist,
            {"pain_now": 5},
            instrument="pain",
            when=When.AFTER_SESSION,
            session_number=number,
            days_ago=5 - number,
        )
    client.force_login(therapist)
    client.get(course.get_absolute_url())
    # The page's own 14 + the schedule's four (measure points, the sessions' days,
    # responses, skips) + the results' one + the appointments' panel's one
    with django_assert_num_queries(20):
        client.get(course.get_absolute_url())


def test_the_session_form_lists_what_is_due_now(client, therapist, course):
    point("odi")
    point("pain", When.AFTER_SESSION, session_number=3)
    client.force_login(therapist)
    page = client.get(reverse("sessions_app:session_create", args=[course.client_id, course.pk]))
    (panel,) = questionnaires(page)
    assert [row["due"].point.instrument for row in panel.context["rows"]] == ["odi"]


def test_reception_sees_no_questionnaire_on_the_course_page(client, reception, course):
    point("odi")
    client.force_login(reception)
    assert questionnaires(client.get(course.get_absolute_url())) == []


def questionnaires(page):
    """This app's panels on a page (other apps add theirs, appointments its own)."""
    return [p for p in page.context["panels"] if p.template.startswith("outcomes/")]


def test_a_clinic_loads_its_wording_and_loads_it_again(odi_wording, capsys):
    loaded = InstrumentText.objects.get(instrument="odi", language="en")
    assert loaded.texts == ODI_WORDING
    changed = {**ODI_WORDING, "instructions": "Choose one statement per section."}
    odi_wording.write_text(json.dumps(changed), encoding="utf-8")
    call_command("load_questionnaire_texts", "odi", "en", str(odi_wording))
    loaded.refresh_from_db()
    assert loaded.texts["instructions"] == "Choose one statement per section."
    assert loaded.history.count() == 2


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        ([], "one JSON object"),
        ({"items": {"pain_intensity": "Pain"}}, "Items without words: personal_care"),
        ({**ODI_WORDING, "options": {"lifting": {"6": "More than there is"}}}, "answers among"),
        ({**ODI_WORDING, "options": {"lifting": {"0": ["a", "b"]}}}, "answers among"),
        ({**ODI_WORDING, "scale": {"0": 7}}, "scale's ends"),
        ({**ODI_WORDING, "items": {**ODI_WORDING["items"], "x": "?"}}, "No such items: x"),
    ],
)
def test_a_wording_that_does_not_fit_is_refused_saying_why(tmp_path, texts, message):
    path = tmp_path / "odi.json"
    path.write_text(json.dumps(texts), encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("load_questionnaire_texts", "odi", "ru", str(path))
    assert not InstrumentText.objects.exists()


def test_the_skeleton_names_every_item_and_answer(capsys):
    call_command("load_questionnaire_texts", "rmdq", "ru", "--skeleton")
    skeleton = json.loads(capsys.readouterr().out)
    assert len(skeleton["items"]) == 24
    assert skeleton["options"]["s1"] == {"0": "", "1": ""}


def test_a_baseline_sent_half_answered_does_not_open_the_first_session(therapist, course):
    point("odi")
    take(course, therapist, {"pain_intensity": 3})  # nine sections unanswered: not scored
    with pytest.raises(ValidationError, match="answered enough to be scored"):
        log(course, days_ago=1)


def test_a_baseline_missed_before_the_first_session_is_kept_as_not_taken(client, therapist, course):
    log(course, days_ago=2)
    due = point("odi")  # the plan gained a baseline after the course began
    with pytest.raises(ValidationError, match="Date this questionnaire from"):
        take(course, therapist, odi(20), days_ago=0)
    client.force_login(therapist)
    page = client.get(course.get_absolute_url()).content.decode()
    assert "Missed: the first session came before it" in page
    assert reverse("outcomes:tablet", args=[course.client_id, course.pk, due.pk]) not in page
    skip = reverse("outcomes:skip", args=[course.client_id, course.pk, due.pk])
    client.post(skip, {"reason": "Added to the plan after the course began."})
    assert SkippedMeasure.objects.get().reason.startswith("Added to the plan")


def test_a_questionnaire_taken_is_not_skipped_as_well(therapist, course, settings):
    settings.CLINIC_BASELINE_MAY_BE_SKIPPED = True
    due = point("odi")
    take(course, therapist, odi(20))
    with pytest.raises(ValidationError, match="taken already"):
        skip_measure(course=course, point=due, reason="Declined.", by=therapist)
    assert not SkippedMeasure.objects.exists()


def test_a_send_the_service_refuses_goes_back_to_the_review_not_the_record(
    client, therapist, course
):
    due = point("pain")
    client.force_login(therapist)
    client.get(tablet(course, due))
    client.post(tablet(course, due), {"screen": 0, "next": ""})  # nothing chosen
    sent = client.post(tablet(course, due), {"screen": 1, "send": ""})
    assert sent.url == tablet(course, due) + "?screen=1"
    assert not Response.objects.exists()


def test_a_later_psfs_asks_about_the_activities_named_before(client, therapist, course):
    point("psfs", When.DISCHARGE)
    ratings = {"activity1": 3, "activity2": 4, "activity3": 5}
    names = {key: f"Activity {key}" for key in ratings}
    take(course, therapist, ratings, instrument="psfs", activities=names)
    log(course, days_ago=1)
    Course.objects.filter(pk=course.pk).update(status=Course.Status.COMPLETED)
    client.force_login(therapist)
    due = MeasurePoint.objects.get(instrument="psfs", when=When.DISCHARGE)
    form = client.get(paper(course, due)).context["form"]
    assert form.initial["activity2-name"] == "Activity activity2"
