"""Planning courses and logging sessions: every entry point writes through these functions,
which refuse, with every reason at once, what breaks a rule of domain.md."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from screening.services import eligibility
from sessions_app import extensions
from sessions_app.lib.technique import step_errors
from sessions_app.models import (
    PAIN_SCALE,
    STAGE_SECONDS,
    STEP_FIELDS,
    Addendum,
    Course,
    CourseStep,
    Intensity,
    PlannedSession,
    Session,
    SessionStep,
    Stage,
)

# What a stage is called in the messages about it, one sentence each (a stage's name changes
# form inside a Russian sentence).
STAGE_DURATION_MESSAGES = {
    Stage.INTRODUCTORY: _("The introductory stage lasts %(low)s to %(high)s, not %(value)s."),
    Stage.MAIN: _("The main stage lasts %(low)s to %(high)s, not %(value)s."),
    Stage.FINAL: _("The final stage lasts %(low)s to %(high)s, not %(value)s."),
}
CLOSED_COURSE_MESSAGES = {
    Course.Status.COMPLETED: _("The course is completed; no session can be logged on it."),
    Course.Status.CANCELLED: _("The course is cancelled; no session can be logged on it."),
}


@transaction.atomic
def plan_course(*, client, template, by, **fields):
    """Create a course for `client` with its own copy of the template's steps."""
    client.ensure_active()
    course = Course(
        client=client,
        template=template,
        massage_type=template.massage_type,
        created_by=by,
        **fields,
    )
    course.full_clean()
    course._history_user = by
    course.save()
    copy = [
        CourseStep(
            course=course,
            position=step.position,
            planned_seconds=step.planned_seconds,
            **step.fields(),
        )
        for step in template.steps.select_related("technique", "zone")
    ]
    errors = step_errors(copy)
    if errors:
        # A catalogue edit (a technique no longer relaxing, a zone made light-only) can leave a
        # template behind the rules; its copy must not become a client's plan.
        raise ValidationError(
            [
                ValidationError(
                    gettext("The template “%(template)s” needs correcting first."),
                    code="template_broken",
                    params={"template": template},
                ),
                *errors,
            ]
        )
    bulk_create_with_history(copy, CourseStep, default_user=by)
    if course.frequency_days:
        # Given how often, the dates follow at once: nobody plans a course twice.
        schedule_sessions(course=course)
    return course


@transaction.atomic
def replan_course(*, course, steps, by, opened_version=None):
    """Replace a course's plan with `steps` (dicts of step fields and planned_seconds). With
    `opened_version`, raise EditConflict if the course was saved by someone else since."""
    course = Course.objects.select_for_update().select_related("client").get(pk=course.pk)
    course.client.ensure_active()
    course.check_version(opened_version)
    new_steps = [
        CourseStep(course=course, position=position, **step)
        for position, step in enumerate(steps, start=1)
    ]
    errors = step_errors(new_steps)
    if errors:
        raise ValidationError(errors)
    for old in course.steps.all():
        old._history_user = by
        old.delete()
    bulk_create_with_history(new_steps, CourseStep, default_user=by)
    course._history_user = by
    course.save(update_fields=["updated_at"])  # a new version: the plan is part of the course


@transaction.atomic
def schedule_sessions(*, course):
    """(Re)generate the planned date of every session from the start date and the frequency."""
    course.client.ensure_active()
    PlannedSession.objects.filter(course=course).delete()
    PlannedSession.objects.bulk_create(
        PlannedSession(course=course, number=number, planned_on=day)
        for number, day in enumerate(course.planned_dates(), start=1)
    )


def log_session(
    *,
    course,
    by,
    performed_at,
    steps,
    pain_before,
    pain_after,
    tolerance,
    introductory_seconds=STAGE_SECONDS[Stage.INTRODUCTORY][2],
    main_seconds=STAGE_SECONDS[Stage.MAIN][2],
    final_seconds=STAGE_SECONDS[Stage.FINAL][2],
    notes="",
    form_token=None,
    origin=None,
):
    """Store a session as a draft with its steps and the next number of its course, or store
    nothing and raise a ValidationError that names every broken rule.

    `steps` are dicts of stage, technique, zone, repetitions and intensity, in the order they
    were performed within each stage. `form_token` is the one-time token of the form: sent
    again, it gives back the session already logged from it. `origin` (extensions.SessionOrigin)
    is where it was logged from, the appointment it was performed in; None for a walk-in.
    """
    with transaction.atomic():
        # Locking the course makes concurrent logging wait here, so numbers stay gap-free and
        # a form sent twice at once finds its first session.
        course = Course.objects.select_for_update().select_related("client").get(pk=course.pk)
        if logged := logged_from_form(course=course, form_token=form_token):
            return logged
        session = Session(course=course, therapist=by, created_by=by, form_token=form_token)
        record(
            session,
            performed_at=performed_at,
            introductory_seconds=introductory_seconds,
            main_seconds=main_seconds,
            final_seconds=final_seconds,
            pain_before=pain_before,
            pain_after=pain_after,
            tolerance=tolerance,
            notes=notes,
        )
        new_steps = build_steps(steps)
        check_session(session, new_steps)
        session.number = (course.sessions.aggregate(last=Max("number"))["last"] or 0) + 1
        session.planned_steps = [
            [step.stage, step.technique_id, step.zone_id, step.repetitions, step.intensity]
            for step in course.steps.order_by("stage", "position")
        ]
        session._history_user = by
        session.save()
        save_steps(session, new_steps, by)
        if origin is not None:
            origin.logged(session, by)
        if course.status == Course.Status.PLANNED:
            course.status = Course.Status.ACTIVE
            course._history_user = by
            course.save(update_fields=["status", "updated_at"])
        return session


def logged_from_form(*, course, form_token):
    """The session already logged from the form with this one-time token, or None. A token
    of another course's form is refused (ValidationError): it cannot log here."""
    logged = Session.objects.filter(form_token=form_token).first() if form_token else None
    if logged is not None and logged.course_id != course.pk:
        raise ValidationError(
            gettext("This form was used for another course; open the form of this course again."),
            code="form_used",
        )
    return logged


def revise_session(
    *,
    session,
    by,
    performed_at,
    steps,
    pain_before,
    pain_after,
    tolerance,
    introductory_seconds=STAGE_SECONDS[Stage.INTRODUCTORY][2],
    main_seconds=STAGE_SECONDS[Stage.MAIN][2],
    final_seconds=STAGE_SECONDS[Stage.FINAL][2],
    notes="",
    opened_version=None,
):
    """Change a draft session: the same arguments and rules as `log_session`, checked against
    the sessions before it and after it. With `opened_version`, raise EditConflict if the
    draft was saved by someone else since."""
    with transaction.atomic():
        Course.objects.select_for_update().get(pk=session.course_id)
        # Locked too, so that a signature or a void made meanwhile is seen, not overwritten.
        session = (
            Session.objects.select_for_update(of=("self",))
            .select_related("course__client")
            .get(pk=session.pk)
        )
        session.course.client.ensure_active()
        session.check_version(opened_version)
        if not session.answers_to(by):
            raise ValidationError(
                gettext(
                    "Only the therapist who performed the session, or a clinic admin, can "
                    "correct its draft."
                ),
                code="not_yours",
            )
        if not session.is_draft:
            raise ValidationError(
                gettext("%(session)s is signed or voided and locked; add an addendum instead."),
                code="session_locked",
                params={"session": session},
            )
        record(
            session,
            performed_at=performed_at,
            introductory_seconds=introductory_seconds,
            main_seconds=main_seconds,
            final_seconds=final_seconds,
            pain_before=pain_before,
            pain_after=pain_after,
            tolerance=tolerance,
            notes=notes,
        )
        new_steps = build_steps(steps)
        check_session(session, new_steps)
        session._history_user = by
        session.save()
        for old in session.steps.all():
            old._history_user = by
            old.delete()
        save_steps(session, new_steps, by)
        return session


def record(session, **measures):
    """Set what a person records about a session (and nothing else: number, signature and
    void are the services' own)."""
    for name, value in measures.items():
        setattr(session, name, value)


@transaction.atomic
def sign_session(*, session, by):
    session = (
        Session.objects.select_for_update(of=("self",))
        .select_related("course__client")
        .get(pk=session.pk)
    )
    session.course.client.ensure_active()
    if not session.is_draft:
        raise ValidationError(
            gettext("%(session)s is already signed or voided."),
            code="not_draft",
            params={"session": session},
        )
    if not session.answers_to(by):
        raise ValidationError(
            gettext(
                "Only the therapist who performed the session, or a clinic admin, can sign it."
            ),
            code="not_yours",
        )
    session.signed_at, session.signed_by = timezone.now(), by
    session._history_user = by
    session.save(update_fields=["signed_at", "signed_by", "updated_at"])
    return session


@transaction.atomic
def void_session(*, session, by, reason):
    session = (
        Session.objects.select_for_update(of=("self",))
        .select_related("course__client")
        .get(pk=session.pk)
    )
    session.course.client.ensure_active()
    if session.is_voided:
        raise ValidationError(
            gettext("%(session)s is already voided."),
            code="voided",
            params={"session": session},
        )
    if not session.answers_to(by):
        raise ValidationError(
            gettext(
                "Only the therapist who performed the session, or a clinic admin, can void it."
            ),
            code="not_yours",
        )
    if not reason.strip():
        raise ValidationError(gettext("Say why the session is voided."), code="void_reason")
    session.voided_at, session.voided_by, session.void_reason = timezone.now(), by, reason.strip()
    session._history_user = by
    session.save(update_fields=["voided_at", "voided_by", "void_reason", "updated_at"])
    return session


def add_addendum(*, session, by, text):
    # Its state now, not when it was read.
    session = Session.objects.select_related("course__client").get(pk=session.pk)
    session.course.client.ensure_active()
    if session.is_draft:
        raise ValidationError(
            gettext(
                "%(session)s is a draft: correct it directly, addenda are for signed sessions."
            ),
            code="draft",
            params={"session": session},
        )
    if not text.strip():
        raise ValidationError(gettext("Write the addendum."), code="addendum_empty")
    addendum = Addendum(session=session, author=by, text=text.strip())
    addendum._history_user = by
    addendum.save()
    return addendum


def build_steps(steps):
    """SessionSteps from the step dicts, each knowing its row (its index in `steps`), so that
    a refusal can point at the row of the form it came from (lib.technique.on_row)."""
    built, position = [], {}
    for row, step in enumerate(steps):
        stage = step["stage"]
        position[stage] = position.get(stage, 0) + 1
        built.append(SessionStep(position=position[stage], **{n: step[n] for n in STEP_FIELDS}))
        built[-1].row = row
    return built


def save_steps(session, steps, by):
    for step in steps:
        step.session = session
    bulk_create_with_history(steps, SessionStep, default_user=by)


def check_session(session, steps):
    """Raise one ValidationError listing every rule the session and its steps break."""
    course = session.course
    counted = course.sessions.counted().exclude(pk=session.pk)
    counted = list(counted.order_by("number").prefetch_related(Prefetch("steps")))
    earlier = [s for s in counted if session.number is None or s.number < session.number]
    later = [s for s in counted if session.number is not None and s.number > session.number]
    errors = []
    performed_on = timezone.localdate(session.performed_at) if session.performed_at else None
    if session.performed_at is None:
        errors.append(
            ValidationError(gettext("Enter when the session was performed."), code="no_date")
        )
    elif session.performed_at > timezone.now():
        errors.append(
            ValidationError(
                gettext("The session is dated in the future; log it once it has been performed."),
                code="in_future",
            )
        )
    elif performed_on < course.start_date:
        errors.append(
            ValidationError(
                gettext("The course starts on %(start)s; the session cannot be before it."),
                code="before_course",
                params={"start": date_format(course.start_date, "SHORT_DATE_FORMAT")},
            )
        )
    else:
        errors += order_errors(session, earlier, later)
    if course.is_closed:
        errors.append(ValidationError(CLOSED_COURSE_MESSAGES[course.status], code="course_closed"))
    if session.number is None and len(earlier) >= course.planned_sessions:
        errors.append(
            ValidationError(
                ngettext(
                    "The %(count)s planned session is logged; extend the course to log another.",
                    "All %(count)s planned sessions are logged; extend the course to log another.",
                    course.planned_sessions,
                ),
                code="course_full",
                params={"count": course.planned_sessions},
            )
        )
    if performed_on is not None:
        verdict = eligibility(
            course.client, performed_on, massage_type=course.massage_type, at=session.performed_at
        )
        errors += [ValidationError(reason.message, code=reason.code) for reason in verdict.reasons]
    errors += measure_errors(session)
    if session.number is None:
        errors += extensions.session_errors(session, earlier)
    errors += step_errors(steps)
    errors += gentle_start_errors(steps, earlier, later)
    if errors:
        raise ValidationError(errors)


def order_errors(session, earlier, later):
    """Sessions are numbered in the order they were performed, so that "the previous session"
    of the gentle start is the one before in time as well."""
    when = moment(session.performed_at)
    if earlier and session.performed_at < earlier[-1].performed_at:
        return [
            ValidationError(
                gettext(
                    "%(other)s was performed at %(other_at)s; this session (%(when)s) cannot "
                    "come before it."
                ),
                code="out_of_order",
                params={
                    "other": earlier[-1],
                    "other_at": moment(earlier[-1].performed_at),
                    "when": when,
                },
            )
        ]
    if later and session.performed_at > later[0].performed_at:
        return [
            ValidationError(
                gettext(
                    "%(other)s was performed at %(other_at)s; this session (%(when)s) cannot "
                    "come after it."
                ),
                code="out_of_order",
                params={
                    "other": later[0],
                    "other_at": moment(later[0].performed_at),
                    "when": when,
                },
            )
        ]
    return []


def moment(value):
    """A date and time as messages write it: 26.11.2026 14:30, in the clinic's time zone."""
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def measure_errors(session):
    errors = []
    for message, value in (
        (_("Pain before the session is scored 0 to 10, not %(value)s."), session.pain_before),
        (_("Pain after the session is scored 0 to 10, not %(value)s."), session.pain_after),
    ):
        if value is None or not PAIN_SCALE[0] <= value <= PAIN_SCALE[1]:
            errors.append(ValidationError(message, code="pain_scale", params={"value": value}))
    for stage, field in (
        (Stage.INTRODUCTORY, "introductory_seconds"),
        (Stage.MAIN, "main_seconds"),
        (Stage.FINAL, "final_seconds"),
    ):
        low, high, _default = STAGE_SECONDS[stage]
        value = getattr(session, field)
        if value is None or not low <= value <= high:
            errors.append(
                ValidationError(
                    STAGE_DURATION_MESSAGES[stage],
                    code="stage_duration",
                    params={
                        "low": minutes(low),
                        "high": minutes(high),
                        "value": minutes(value or 0),
                    },
                )
            )
    return errors


def gentle_start_errors(steps, earlier, later):
    """The first two sessions are gentle; then depth grows at most one level per session,
    from the session before to this one and from this one to the session after."""
    deepest = max((step.intensity for step in steps), default=Intensity.LIGHT)
    if len(earlier) < 2 and deepest == Intensity.DEEP:
        return [
            ValidationError(
                gettext(
                    "Session %(number)s of the course is one of the first two, which are "
                    "gentle: no step may be deep."
                ),
                code="gentle_start",
                params={"number": len(earlier) + 1},
            )
        ]
    errors = []
    if earlier and deepest > earlier[-1].deepest_intensity() + 1:
        previous = earlier[-1]
        errors.append(
            ValidationError(
                gettext(
                    "The deepest step is %(deepest)s, but the previous session (%(previous)s) "
                    "went no deeper than %(limit)s: deepen one level at a time."
                ),
                code="depth_jump",
                params={
                    "deepest": Intensity(deepest).label.lower(),
                    "previous": previous,
                    "limit": Intensity(previous.deepest_intensity()).label.lower(),
                },
            )
        )
    if later and later[0].deepest_intensity() > deepest + 1:
        following = later[0]
        errors.append(
            ValidationError(
                gettext(
                    "The next session (%(following)s) went %(reached)s; this one must reach at "
                    "least %(least)s so that depth grows one level at a time."
                ),
                code="depth_jump",
                params={
                    "following": following,
                    "reached": Intensity(following.deepest_intensity()).label.lower(),
                    "least": Intensity(following.deepest_intensity() - 1).label.lower(),
                },
            )
        )
    return errors


def minutes(seconds):
    """180 -> '3 min', 90 -> '1 min 30 s'."""
    whole, rest = divmod(seconds, 60)
    if rest:
        return gettext("%(minutes)s min %(seconds)s s") % {"minutes": whole, "seconds": rest}
    return gettext("%(minutes)s min") % {"minutes": whole}
