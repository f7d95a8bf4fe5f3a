"""Taking a course's questionnaires: filled in by the client on the tablet, a few items per
screen in the client's language, or entered by staff from paper; skipped with a reason; read
and corrected (a correction replaces, the first entry stays)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clinic.lib.access import client_for
from clinic.lib.audit import audited
from outcomes.forms import AnswersForm, PaperForm, SkipForm
from outcomes.instruments import shipped
from outcomes.models import MeasurePoint, Response
from outcomes.schedule import course_schedule
from outcomes.services import record_response, skip_measure
from outcomes.wording import answer_label, wording
from sessions_app.models import Course


def point_of(request, pk, course_id, point_id, perm):
    """The client, the course and its due point, for a user who may record responses."""
    client = client_for(request, pk, perm, changes=True)
    course = get_object_or_404(Course, pk=course_id, client=client)
    point = get_object_or_404(MeasurePoint, pk=point_id, template_id=course.template_id)
    return client, course, point


def due_of(course, point):
    return next(due for due in course_schedule(course) if due.point.pk == point.pk)


def state_key(course, point):
    return f"questionnaire-{course.pk}-{point.pk}"


@audited("questionnaire_form")
@require_http_methods(["GET", "POST"])
def questionnaire_tablet(request, pk, course_id, point_id):
    """The client fills the questionnaire in, one screen after another, then reviews and
    sends it. The answers so far are kept in the person's session, so that going back and
    forth loses nothing and nothing half-answered is stored."""
    client, course, point = point_of(request, pk, course_id, point_id, "outcomes.add_response")
    if due_of(course, point).settled:
        messages.info(request, _("This questionnaire is taken already."))
        return redirect(course)
    instrument = shipped()[point.instrument]
    language = client.reads_in
    texts = wording(instrument, language)
    if texts is None:
        messages.info(
            request,
            _(
                "The clinic has not loaded the words of this questionnaire in the client's "
                "language; enter the paper form the client filled in."
            ),
        )
        return redirect("outcomes:paper", client.pk, course.pk, point.pk)
    key = state_key(course, point)
    state = request.session.get(key, {"answers": {}, "activities": named_before(course, point)})
    screens = instrument.screens
    screen = read_screen(request, len(screens))
    here = reverse("outcomes:tablet", args=[client.pk, course.pk, point.pk])
    with translation.override(language):
        if screen == len(screens):  # the review
            answers = {item.id: state["answers"].get(item.id) for item in instrument.items}
            if request.method == "POST" and "send" in request.POST:
                return send(request, course, point, state, key, here)
            if request.method == "POST":
                return redirect(f"{here}?screen={screen - 1}")
            return render(
                request,
                "outcomes/questionnaire_review.html",
                {
                    "client": client,
                    "course": course,
                    "instrument": instrument,
                    "name": instrument.name(language),
                    "screen": screen,
                    "rows": review_rows(instrument, texts, state),
                    "why_not": instrument.score(answers).why_not,
                },
            )
        items = screens[screen]
        initial = {**state["answers"], **{f"{k}-name": v for k, v in state["activities"].items()}}
        form = AnswersForm(
            request.POST if request.method == "POST" else None,
            initial=initial,
            instrument=instrument,
            wording=texts,
            items=items,
        )
        if request.method == "POST" and form.is_valid():
            state["answers"].update(form.answers())
            state["activities"].update(form.activities())
            request.session[key] = state
            step = -1 if "back" in request.POST else 1
            return redirect(f"{here}?screen={max(screen + step, 0)}")
        return render(
            request,
            "outcomes/questionnaire_tablet.html",
            {
                "client": client,
                "course": course,
                "instrument": instrument,
                "name": instrument.name(language),
                "instructions": texts.get("instructions", "") if screen == 0 else "",
                "form": form,
                "screen": screen,
                "screens": len(screens),
                "scale": len(items[0].values) > 6,  # 0–10: one row of numbers
            },
        )


def read_screen(request, last):
    """The screen asked for, kept within the questionnaire (`last`: the review)."""
    try:
        screen = int(request.POST.get("screen", request.GET.get("screen", 0)))
    except ValueError:
        return 0
    return min(max(screen, 0), last)


def review_rows(instrument, texts, state):
    rows = []
    for item in instrument.items:
        value = state["answers"].get(item.id)
        rows.append(
            {
                "item": texts["items"].get(item.id, item.id),
                "activity": state["activities"].get(item.id, ""),
                "answer": None if value is None else answer_label(texts, item.id, value),
            }
        )
    return rows


def send(request, course, point, state, key, here):
    try:
        record_response(
            course=course,
            instrument=point.instrument,
            when=point.when,
            session_number=point.session_number,
            days_after=point.days_after,
            answers=state["answers"],
            activities=state["activities"],
            how=Response.How.TABLET,
            by=request.user,
        )
    except ValidationError as error:
        # Back to the review: the person holding the tablet never lands on the record.
        messages.error(request, " ".join(error.messages))
        return redirect(f"{here}?screen={len(shipped()[point.instrument].screens)}")
    request.session.pop(key, None)
    return redirect("outcomes:done", course.client_id, course.pk)


@audited("questionnaire_form")
def questionnaire_done(request, pk, course_id):
    """What the client sees after sending: thanks, and the tablet goes back to staff."""
    client = client_for(request, pk, "outcomes.add_response")
    course = get_object_or_404(Course, pk=course_id, client=client)
    with translation.override(client.reads_in):
        return render(request, "outcomes/questionnaire_done.html", {"course": course})


@audited("questionnaire_form")
@require_http_methods(["GET", "POST"])
def questionnaire_paper(request, pk, course_id, point_id):
    """Staff enter the questionnaire the client filled in on paper."""
    client, course, point = point_of(request, pk, course_id, point_id, "outcomes.add_response")
    if due_of(course, point).settled:
        messages.info(request, _("This questionnaire is taken already."))
        return redirect(course)
    return paper_page(request, client, course, point)


def paper_page(request, client, course, point, *, correcting=None):
    instrument = shipped()[point.instrument]
    language = translation.get_language()
    form = PaperForm(
        request.POST if request.method == "POST" else None,
        initial=initial_of(correcting, course, point),
        instrument=instrument,
        wording=wording(instrument, language),
        headings=instrument.item_names.get(language[:2]),
        items=instrument.items,
        correcting=correcting is not None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            response = record_response(
                course=course,
                instrument=point.instrument,
                when=point.when,
                session_number=point.session_number,
                days_after=point.days_after,
                answers=form.answers(),
                activities=form.activities(),
                how=Response.How.PAPER,
                by=request.user,
                taken_on=form.cleaned_data["taken_on"],
                replaces=correcting,
                correction_reason=form.cleaned_data.get("correction_reason", ""),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(response)s recorded.") % {"response": response})
            return redirect(response)
    return render(
        request,
        "outcomes/questionnaire_paper.html",
        {
            "client": client,
            "course": course,
            "point": point,
            "instrument": instrument,
            "name": instrument.name(language),
            "form": form,
            "correcting": correcting,
            "worded": wording(instrument, language) is not None,
        },
    )


def named_before(course, point):
    """The activities the client named the last time (PSFS), to rate the same ones again."""
    earlier = (
        Response.objects.current()
        .filter(course=course, instrument=point.instrument)
        .exclude(activities={})
        .order_by("-taken_on", "-recorded_at")
        .values_list("activities", flat=True)
        .first()
    )
    return earlier or {}


def initial_of(response, course=None, point=None):
    if response is None:
        return {f"{k}-name": v for k, v in named_before(course, point).items()}
    return {
        **response.answers,
        **{f"{k}-name": v for k, v in response.activities.items()},
        "taken_on": response.taken_on,
    }


@audited("questionnaire_form")
@require_POST
def questionnaire_skip(request, pk, course_id, point_id):
    course, point = point_of(request, pk, course_id, point_id, "outcomes.add_response")[1:]
    form = SkipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the questionnaire is not taken; nothing was saved."))
        return redirect(course)
    if due_of(course, point).settled:
        messages.info(request, _("This questionnaire is taken already."))
        return redirect(course)
    try:
        reason = form.cleaned_data["reason"]
        skip_measure(course=course, point=point, reason=reason, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Kept as not taken, with the reason."))
    return redirect(course)


def response_of(request, pk, response_id, perm="outcomes.view_response", **access):
    client = client_for(request, pk, perm, **access)
    responses = Response.objects.select_related("course", "recorded_by", "replaces")
    return client, get_object_or_404(responses, pk=response_id, client=client)


@audited("response")
def response_detail(request, pk, response_id):
    client, response = response_of(request, pk, response_id)
    instrument = shipped()[response.instrument]
    language = translation.get_language()
    texts = wording(instrument, language)
    headings = instrument.item_names.get(language[:2], {})
    rows = [
        {
            "item": ((texts or {}).get("items") or {}).get(item.id) or headings.get(item.id),
            "number": number,
            "activity": response.activities.get(item.id, ""),
            "answer": (
                None
                if response.answers.get(item.id) is None
                else answer_label(texts, item.id, response.answers[item.id])
            ),
        }
        for number, item in enumerate(instrument.items, start=1)
    ]
    return render(
        request,
        "outcomes/response_detail.html",
        {
            "client": client,
            "response": response,
            "instrument": instrument,
            "name": instrument.name(language),
            "rows": rows,
            "replaced_by": Response.objects.filter(replaces=response).first(),
            "why_not": instrument.score(response.answers).why_not,
        },
    )


@audited("questionnaire_form")
@require_http_methods(["GET", "POST"])
def response_correct(request, pk, response_id):
    client, response = response_of(request, pk, response_id, "outcomes.add_response", changes=True)
    if Response.objects.filter(replaces=response).exists():
        messages.info(request, _("This questionnaire has been corrected already."))
        return redirect(response)
    point = MeasurePoint(
        instrument=response.instrument,
        when=response.when,
        session_number=response.session_number,
        days_after=response.days_after,
    )
    return paper_page(request, client, response.course, point, correcting=response)
