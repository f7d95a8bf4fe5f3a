import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.context_processors import PermWrapper
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from clinic.lib import fragments
from clinic.lib.access import client_for
from clinic.lib.audit import audited
from clinic.lib.versions import EditConflict, VersionedForm, conflict_page, save_unless_conflict
from screening.services import eligibility
from sessions_app import extensions, services
from sessions_app.forms import (
    AddendumForm,
    CourseEditForm,
    NewCourseForm,
    PlanStepFormSet,
    SessionForm,
    StepFormSet,
    VoidForm,
    step_initial,
)
from sessions_app.models import Session

# The columns of a session the course page's table shows (its number links to the session).
COURSE_PAGE_FIELDS = (
    "version",
    "course",
    "number",
    "performed_at",
    "signed_at",
    "voided_at",
    "pain_before",
    "pain_after",
    "tolerance",
    "therapist",
    "therapist__first_name",
    "therapist__last_name",
    "therapist__patronymic",
    "therapist__username",
)


def posted(request):
    return request.POST if request.method == "POST" else None


def course_of(request, pk, course_id, perm, *, changes=False):
    client = client_for(request, pk, perm, changes=changes)
    return client, get_object_or_404(
        client.courses.select_related("therapist", "referral"), pk=course_id
    )


def session_of(request, pk, session_id, perm, *, changes=False):
    client = client_for(request, pk, perm, changes=changes)
    sessions = Session.objects.filter(course__client=client).select_related(
        "course", "therapist", "signed_by", "voided_by"
    )
    return client, get_object_or_404(sessions, pk=session_id)


@audited("course_form")
def course_create(request, pk):
    client = client_for(request, pk, "sessions_app.add_course", changes=True)
    form = NewCourseForm(posted(request), client=client, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "template"}
        try:
            course = services.plan_course(
                client=client, template=form.cleaned_data["template"], by=request.user, **fields
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                gettext("%(course)s planned from %(template)s.")
                % {"course": course, "template": course.template},
            )
            if eligibility(client, course.start_date).needs_consent and request.user.has_perm(
                "consent.add_consent"
            ):
                # No first session without it: take the consent now, to this course's massage.
                messages.warning(
                    request, gettext("Take the client's consent before the first session.")
                )
                return redirect(consent_for(course))
            return redirect(course)
    return render(request, "sessions_app/course_form.html", {"client": client, "form": form})


def consent_for(course):
    """The consent page, filled in with the course's massage type and therapist."""
    details = {"massage_type": course.massage_type}
    if course.therapist_id:
        details["therapist"] = course.therapist_id
    return reverse("consent:take", args=[course.client_id]) + "?" + urlencode(details)


@audited("course_form")
def course_edit(request, pk, course_id):
    client, course = course_of(request, pk, course_id, "sessions_app.change_course", changes=True)
    form = CourseEditForm(posted(request), instance=course, client=client)
    if request.method == "POST":
        if conflict := save_unless_conflict(request, form):
            return conflict
        if form.is_valid():
            messages.success(request, gettext("Course saved."))
            moved = {"start_date", "frequency_days", "planned_sessions"} & set(form.changed_data)
            if moved and course.frequency_days:
                # The dates follow the new start, frequency or number of sessions.
                services.schedule_sessions(course=course)
            return redirect(course)
    return render(
        request, "sessions_app/course_form.html", {"client": client, "form": form, "course": course}
    )


@audited("course")
def course_detail(request, pk, course_id):
    client, course = course_of(request, pk, course_id, "sessions_app.view_course")
    # Only what the table shows; each session's course is the one in hand, not a copy each.
    sessions = list(course.sessions.select_related("therapist").only(*COURSE_PAGE_FIELDS))
    course_field = Session._meta.get_field("course")
    for session in sessions:
        course_field.set_cached_value(session, course)
    return render(
        request,
        "sessions_app/course_detail.html",
        {
            "client": client,
            "course": course,
            "plan": course.steps.select_related("technique", "zone"),
            "sessions": sessions,
            "session_rows": session_rows(request, course, sessions),
            "done": sum(not session.is_voided for session in sessions),
            "planned": course.planned.all(),
            "panels": extensions.panels(request, course, "course"),
        },
    )


def session_rows(request, course, sessions):
    """The table of the course's sessions, rendered once for each state of them (every change
    of a session makes a new version) and of what the user's role may see of them."""
    clinical = request.user.has_perm("sessions_app.view_session")
    shown = [(s.pk, s.version, str(s.therapist)) for s in sessions]
    return fragments.get_or_render(
        fragments.key("course-sessions", course.pk, clinical, shown),
        lambda: render_to_string(
            "sessions_app/_course_sessions.html",
            {"sessions": sessions, "perms": PermWrapper(request.user)},
        ),
    )


@audited("plan_form")
def plan_edit(request, pk, course_id):
    client, course = course_of(request, pk, course_id, "sessions_app.change_course", changes=True)
    steps = course.steps.select_related("technique", "zone")
    formset = PlanStepFormSet(posted(request), initial=step_initial(steps, with_duration=True))
    version = VersionedForm(posted(request), initial={"opened_version": course.version})
    if request.method == "POST" and formset.is_valid() and version.is_valid():
        try:
            services.replan_course(
                course=course,
                steps=formset.steps(),
                by=request.user,
                opened_version=version.cleaned_data["opened_version"],
            )
        except EditConflict as conflict:
            return conflict_page(request, conflict.saved)
        except ValidationError as error:
            formset.plan_errors = error.messages
        else:
            messages.success(request, gettext("Plan saved."))
            return redirect(course)
    formset.number_rows()
    return render(
        request,
        "sessions_app/plan_form.html",
        {"client": client, "course": course, "formset": formset, "version": version},
    )


@require_POST
def course_schedule(request, pk, course_id):
    _, course = course_of(request, pk, course_id, "sessions_app.change_course", changes=True)
    services.schedule_sessions(course=course)
    messages.success(
        request,
        ngettext(
            "Date of the %(count)s planned session set.",
            "Dates of the %(count)s planned sessions set.",
            course.planned_sessions,
        )
        % {"count": course.planned_sessions},
    )
    return redirect(course)


@audited("session_form")
def session_create(request, pk, course_id):
    """The form logging a session of the course, prefilled from its plan: a walk-in."""
    return new_session_form(request, pk, course_id)


def new_session_form(request, pk, course_id, origin=None):
    """The form logging a session, for a view that audits it: with `origin`
    (extensions.SessionOrigin), in the appointment the client arrived for."""
    client, course = course_of(request, pk, course_id, "sessions_app.add_session", changes=True)
    plan = course.steps.select_related("technique", "zone")
    initial = {"form_token": uuid.uuid4(), **(origin.initial() if origin else {})}
    form = SessionForm(posted(request), initial=initial)
    formset = StepFormSet(posted(request), initial=step_initial(plan))
    refused_rows = []
    token = form.cleaned_data.get("form_token") if form.is_valid() else None
    try:
        logged = services.logged_from_form(course=course, form_token=token)
    except ValidationError as error:
        form.add_error(None, error)
        logged = None
    if logged is not None:
        # The form was sent again (its answer lost on the way): the session stands as logged.
        messages.info(
            request,
            gettext("%(session)s was already logged from this form; check it below.")
            % {"session": logged},
        )
        return redirect(logged)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            session = services.log_session(
                course=course,
                by=request.user,
                steps=formset.steps(),
                form_token=token,
                origin=origin,
                **form.session_fields(),
            )
        except ValidationError as error:
            refused_rows = formset.refuse(error, form)
        else:
            messages.success(
                request,
                gettext("%(session)s logged as a draft. Check it, then sign it.")
                % {"session": session},
            )
            return redirect(session)
    formset.number_rows()
    return render(
        request,
        "sessions_app/session_form.html",
        {
            "client": client,
            "course": course,
            "form": form,
            "formset": formset,
            # Rendered when the page is, after it (as an include would be).
            "steps_table": lambda: unbound_steps_table(formset),
            "refused_rows": refused_rows,
            "panels": extensions.panels(request, course, "session_form", origin=origin),
        },
    )


def unbound_steps_table(formset):
    """The steps of a new session's form as first shown (prefilled from the plan), rendered
    once for each plan and state of the catalogues it offers; None once the form is sent (it
    then shows what was sent, and its refusals)."""
    if formset.is_bound:
        return None
    catalogue = formset.form_kwargs["catalogue"]
    offered = [
        [(pk, item.name) for pk, item in catalogue[kind].items()]
        for kind in ("techniques", "zones")
    ]
    return fragments.get_or_render(
        fragments.key("session-form-steps", "", formset.initial, offered),
        lambda: render_to_string("sessions_app/_step_formset.html", {"formset": formset}),
    )


@audited("session_form")
def session_edit(request, pk, session_id):
    client, session = session_of(
        request, pk, session_id, "sessions_app.change_session", changes=True
    )
    if not session.is_draft:
        messages.error(request, gettext("This session is locked. Add an addendum to correct it."))
        return redirect(session)
    steps = session.steps.select_related("technique", "zone")
    form = SessionForm(posted(request), initial=SessionForm.initial_for(session))
    formset = StepFormSet(posted(request), initial=step_initial(steps))
    refused_rows = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.revise_session(
                session=session,
                by=request.user,
                steps=formset.steps(),
                opened_version=form.cleaned_data["opened_version"],
                **form.session_fields(),
            )
        except EditConflict as conflict:
            saved = SessionForm.initial_for(conflict.saved)
            return conflict_page(request, conflict.saved, form, saved_values=saved)
        except ValidationError as error:
            refused_rows = formset.refuse(error, form)
        else:
            messages.success(request, gettext("%(session)s saved.") % {"session": session})
            return redirect(session)
    formset.number_rows()
    return render(
        request,
        "sessions_app/session_form.html",
        {
            "client": client,
            "course": session.course,
            "session": session,
            "form": form,
            "formset": formset,
            "refused_rows": refused_rows,
        },
    )


@audited("session")
def session_detail(request, pk, session_id):
    client, session = session_of(request, pk, session_id, "sessions_app.view_session")
    return render(
        request,
        "sessions_app/session_detail.html",
        {
            "client": client,
            "session": session,
            "steps": session.steps.select_related("technique", "zone"),
            "addenda": session.addenda.select_related("author"),
            "answers_to_user": session.answers_to(request.user),
            "panels": extensions.panels(request, session.course, "session", session=session),
        },
    )


@audited("session_sign")
def session_sign(request, pk, session_id):
    """Signing locks the record: the page says what it locks and asks first."""
    client, session = session_of(request, pk, session_id, "sessions_app.sign_session", changes=True)
    if request.method != "POST":
        if not session.is_draft:
            return redirect(session)  # nothing left to sign: the session says why
        return render(
            request, "sessions_app/session_sign.html", {"client": client, "session": session}
        )
    try:
        services.sign_session(session=session, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, gettext("%(session)s signed. It is now locked.") % {"session": session}
        )
    return redirect(session)


@audited("session_action")
def session_void(request, pk, session_id):
    client, session = session_of(request, pk, session_id, "sessions_app.sign_session", changes=True)
    form = VoidForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.void_session(
                session=session, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                gettext("%(session)s voided. It stays on the record, marked.")
                % {"session": session},
            )
            return redirect(session)
    return render(
        request,
        "sessions_app/session_action_form.html",
        {
            "client": client,
            "session": session,
            "form": form,
            "title": gettext("Void session"),
            "button": gettext("Void session"),
        },
    )


@audited("session_action")
def addendum_create(request, pk, session_id):
    client, session = session_of(request, pk, session_id, "sessions_app.add_addendum", changes=True)
    form = AddendumForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_addendum(session=session, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Addendum added."))
            return redirect(session)
    return render(
        request,
        "sessions_app/session_action_form.html",
        {
            "client": client,
            "session": session,
            "form": form,
            "title": gettext("Add an addendum"),
            "button": gettext("Add addendum"),
        },
    )
