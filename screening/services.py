"""Screening workflows and the one decision every entry point obeys: may this client be
treated on this day?"""

import datetime
from dataclasses import dataclass, field
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from clinic.lib.corrections import give_reason
from clinic.lib.massage import MassageType
from clinic.models import ArchivedClientError, Client, ReferralNote
from consent.models import Consent, Kind
from consent.services import latest_versions_in_force
from screening.models import Answer, Contraindication, Screening


class Code(StrEnum):
    """The stable code of each reason and warning of the eligibility decision: pages mark
    them (data-code), the start page picks those that call for someone to act, and a refused
    session carries them as its errors' codes."""

    CLIENT_ARCHIVED = ArchivedClientError.CODE
    NO_SCREENING = "no_screening"
    SCREENING_EXPIRED = "screening_expired"
    CONTRAINDICATION_PRESENT = "contraindication_present"
    CONTRAINDICATION_UNKNOWN = "contraindication_unknown"
    CONTRAINDICATION_NOT_ASKED = "contraindication_not_asked"
    SCREENING_DUE = "screening_due"
    NO_REFERRAL = "no_referral"
    REFERRAL_NOT_CLEARED = "referral_not_cleared"
    CLEARANCE_EXPIRED = "clearance_expired"
    RESTRICTIONS = "restrictions"
    CLEARANCE_ENDING = "clearance_ending"
    NO_CONSENT = "no_consent"
    CONSENT_REFUSED = "consent_refused"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    CONSENT_RENEWAL = "consent_renewal"
    CONSENT_AFTER_SESSION = "consent_after_session"


# The reasons and the warning a new signed consent answers.
CONSENT_CODES = {
    Code.NO_CONSENT,
    Code.CONSENT_REFUSED,
    Code.CONSENT_WITHDRAWN,
    Code.CONSENT_RENEWAL,
    Code.CONSENT_AFTER_SESSION,
}


@dataclass(frozen=True)
class Reason:
    """Why a client may not be treated, or what to mind: a stable code and a sentence.

    The sentence is kept as its translatable text and its values, and `message` writes it in
    the language active when it is read (a page, a refused session's error, the back office):
    dates in that language's format, catalogue names and labels in that language.
    """

    code: Code
    text: str
    params: dict = field(default_factory=dict, hash=False)

    @property
    def message(self):
        return str(self.text) % {key: shown(value) for key, value in self.params.items()}

    def __str__(self):
        return self.message


def shown(value):
    """A value of a reason's sentence as a person reads it in the active language."""
    if isinstance(value, datetime.date):
        return day(value)
    if isinstance(value, Promise):
        return str(value)
    return value


@dataclass
class Eligibility:
    on: datetime.date
    reasons: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    referral: ReferralNote | None = None
    screening: Screening | None = None
    consent: Consent | None = None

    @property
    def allowed(self):
        return not self.reasons

    @property
    def needs_consent(self):
        """Whether someone should take the client's consent (again)."""
        return any(reason.code in CONSENT_CODES for reason in [*self.reasons, *self.warnings])

    @property
    def cleared_until(self):
        """The last day both the clearance and the screening hold, when treatment is allowed."""
        if not self.allowed:
            return None
        return min(self.referral.valid_until, self.screening.valid_until)


def eligibility(client, on=None, *, massage_type=None, at=None, evidence=None):
    """May `client` receive massage on the day `on` (today by default)?

    The rules (domain.md): the client's record is active; the latest screening on or before
    the day still holds and found no contraindication, an unknown answer included; the
    latest referral decision on or before the day clears manual therapy and has not expired
    (its last valid day is allowed, the day after is not); the latest consent or refusal of
    treatment signed on or before the day is a consent not withdrawn by that day. Every failed
    rule is a reason; restrictions, what is about to run out and a consent signed on an older
    version of the text (when the clinic asks for re-consent) are warnings.

    For a session of a course, `massage_type` is the course's: only a consent (or refusal) to
    that massage decides; `at` is when the session was performed: a consent signed on the
    screen later that day came too late.

    `evidence` is the (latest screening, latest referral note, latest consent or refusal,
    latest text versions in force) when the caller has already loaded it, as
    `eligibility_for` does for a whole page of clients.
    """
    on = on or timezone.localdate()
    screening, referral, consent, versions = (
        evidence if evidence is not None else latest_evidence(client, on, massage_type)
    )
    result = Eligibility(on=on, referral=referral, screening=screening, consent=consent)
    if client.is_archived:
        result.reasons.append(
            Reason(
                Code.CLIENT_ARCHIVED,
                _("The record of %(name)s is archived; restore it before treatment."),
                {"name": client.full_name},
            )
        )
    judge_screening(result, screening, on)
    judge_referral(result, referral, on)
    judge_consent(result, consent, versions, on, massage_type=massage_type, at=at)
    return result


def eligibility_for(clients, on=None):
    """`eligibility` for many clients at once, in seven queries whatever their number. A
    page of clients is light to read: no signed texts, each checklist item read once, and
    each consent's client the one already at hand."""
    on = on or timezone.localdate()
    clients = list(clients)
    latest = (
        Client.objects.filter(pk__in=[client.pk for client in clients])
        .annotate(
            screening_id=Subquery(
                Screening.objects.filter(client=OuterRef("pk"))
                .on_or_before(on)
                .latest_first()
                .values("pk")[:1]
            ),
            referral_id=Subquery(
                ReferralNote.objects.filter(client=OuterRef("pk"))
                .on_or_before(on)
                .latest_first()
                .values("pk")[:1]
            ),
            consent_id=Subquery(
                Consent.objects.filter(client=OuterRef("pk"))
                .about_treatment()
                .on_or_before(on)
                .latest_first()
                .values("pk")[:1]
            ),
        )
        .values_list("pk", "screening_id", "referral_id", "consent_id")
    )
    latest = {pk: ids for pk, *ids in latest}
    screenings = screenings_as_judged([s for s, _, _ in latest.values() if s is not None])
    referrals = ReferralNote.objects.in_bulk([r for _, r, _ in latest.values() if r is not None])
    consents = consents_as_judged().in_bulk([c for _, _, c in latest.values() if c is not None])
    by_pk = {client.pk: client for client in clients}
    for consent in consents.values():
        consent_client.set_cached_value(consent, by_pk[consent.client_id])
    versions = latest_versions_in_force(on) if settings.CLINIC_RECONSENT_ON_NEW_TEXT else {}
    return {
        client.pk: eligibility(
            client,
            on,
            evidence=(
                screenings.get(latest[client.pk][0]),
                referrals.get(latest[client.pk][1]),
                consents.get(latest[client.pk][2]),
                versions,
            ),
        )
        for client in clients
    }


# The texts a consent was signed on, long and read only where the consent itself is shown.
CONSENT_TEXTS = ("shown_text", "text__body")
consent_client = Consent._meta.get_field("client")


def screenings_as_judged(ids):
    """The screenings with these ids, by id, with their answers as `Screening.outcome` reads
    them: each answer's item taken from one read of the checklist (ten-odd rows) rather than
    a copy per answer."""
    screenings = Screening.objects.defer("notes").prefetch_related(
        Prefetch("answers", Answer.objects.only("screening_id", "contraindication_id", "value"))
    )
    screenings = screenings.in_bulk(ids)
    items = Contraindication.objects.in_bulk()
    item = Answer._meta.get_field("contraindication")
    for screening in screenings.values():
        for answer in screening.answers.all():
            item.set_cached_value(answer, items[answer.contraindication_id])
    return screenings


def latest_evidence(client, on, massage_type=None):
    screening = (
        Screening.objects.filter(client=client).on_or_before(on).latest_first().with_answers()
    ).first()
    referral = client.referral_notes.on_or_before(on).latest_first().first()
    consents = consents_as_judged().filter(client=client).about_treatment()
    if massage_type:
        consents = consents.filter(massage_type=massage_type)
    consent = consents.on_or_before(on).latest_first().first()
    if consent is not None:
        consent_client.set_cached_value(consent, client)
    versions = latest_versions_in_force(on) if settings.CLINIC_RECONSENT_ON_NEW_TEXT else {}
    return screening, referral, consent, versions


def consents_as_judged():
    """Consents with what the decision reads of them: their text's version and their
    withdrawal, but not the texts themselves (the client is the one at hand)."""
    return Consent.objects.select_related("text", "withdrawal").defer(*CONSENT_TEXTS)


def judge_screening(result, screening, on):
    if screening is None:
        result.reasons.append(
            Reason(
                Code.NO_SCREENING,
                _("No contraindication screening on or before %(date)s: screen the client first."),
                {"date": on},
            )
        )
        return
    of = {"screened_on": screening.screened_on}
    if on > screening.valid_until:
        result.reasons.append(
            Reason(
                Code.SCREENING_EXPIRED,
                _("Screening of %(screened_on)s expired on %(date)s: screen the client again."),
                {**of, "date": screening.valid_until},
            )
        )
        return
    outcome = screening.outcome()
    for item in outcome.present:
        if item.code == Contraindication.HYPERTENSION and outcome.hypertension_by_pressure:
            result.reasons.append(
                Reason(
                    Code.CONTRAINDICATION_PRESENT,
                    _(
                        "Screening of %(screened_on)s found %(item)s "
                        "(blood pressure %(systolic)s/%(diastolic)s mm Hg)."
                    ),
                    {
                        **of,
                        "item": item_in_sentence(item),
                        "systolic": screening.systolic,
                        "diastolic": screening.diastolic,
                    },
                )
            )
        else:
            result.reasons.append(
                Reason(
                    Code.CONTRAINDICATION_PRESENT,
                    _("Screening of %(screened_on)s found %(item)s."),
                    {**of, "item": item_in_sentence(item)},
                )
            )
    for item in outcome.unknown:
        result.reasons.append(
            Reason(
                Code.CONTRAINDICATION_UNKNOWN,
                _(
                    "Screening of %(screened_on)s could not rule out %(item)s "
                    "(answered unknown): find out and screen again."
                ),
                {**of, "item": item_in_sentence(item)},
            )
        )
    for item in outcome.not_asked:
        result.reasons.append(
            Reason(
                Code.CONTRAINDICATION_NOT_ASKED,
                _(
                    "Screening of %(screened_on)s did not ask about %(item)s: "
                    "screen the client again."
                ),
                {**of, "item": item_in_sentence(item)},
            )
        )
    days_left = (screening.valid_until - on).days
    if outcome.is_clear and days_left <= settings.CLINIC_SCREENING_DUE_DAYS:
        result.warnings.append(
            Reason(
                Code.SCREENING_DUE,
                _("Screening of %(screened_on)s holds until %(date)s: plan the next screening."),
                {**of, "date": screening.valid_until},
            )
        )


def judge_referral(result, referral, on):
    if referral is None:
        result.reasons.append(
            Reason(
                Code.NO_REFERRAL,
                _(
                    "No specialist's referral note on or before %(date)s: the client needs a "
                    "specialist's clearance for manual therapy first."
                ),
                {"date": on},
            )
        )
        return
    by = {"specialist": referral.specialist_name}
    if not referral.clears:
        result.reasons.append(
            Reason(
                Code.REFERRAL_NOT_CLEARED,
                _(
                    "%(specialist)s (%(specialty)s) did not clear manual therapy on %(date)s "
                    "(%(stage)s stage)."
                ),
                {
                    **by,
                    "specialty": lowered(label(ReferralNote.Specialty, referral.specialty)),
                    "date": referral.consult_date,
                    "stage": lowered(label(ReferralNote.Stage, referral.stage)),
                },
            )
        )
        return
    if on > referral.valid_until:
        result.reasons.append(
            Reason(
                Code.CLEARANCE_EXPIRED,
                _("Clearance by %(specialist)s expired on %(date)s."),
                {**by, "date": referral.valid_until},
            )
        )
        return
    if referral.decision == ReferralNote.Decision.CLEARED_WITH_RESTRICTIONS:
        result.warnings.append(
            Reason(
                Code.RESTRICTIONS,
                _("Cleared with restrictions by %(specialist)s: %(restrictions)s"),
                {**by, "restrictions": referral.restrictions},
            )
        )
    days_left = (referral.valid_until - on).days
    if days_left <= settings.CLINIC_CLEARANCE_WARNING_DAYS:
        result.warnings.append(
            Reason(
                Code.CLEARANCE_ENDING,
                _("Clearance by %(specialist)s ends on %(date)s (%(when)s)."),
                {**by, "date": referral.valid_until, "when": in_days(days_left)},
            )
        )


def judge_consent(result, consent, versions, on, *, massage_type=None, at=None):
    """The latest consent or refusal of treatment (to the massage, when given) signed on or
    before the day decides."""
    if consent is None and massage_type:
        result.reasons.append(
            Reason(
                Code.NO_CONSENT,
                _(
                    "No informed consent to %(massage_type)s massage signed on or before "
                    "%(date)s: take the client's consent to this course's massage first."
                ),
                {"date": on, "massage_type": lowered(label(MassageType, massage_type))},
            )
        )
        return
    if consent is None:
        result.reasons.append(
            Reason(
                Code.NO_CONSENT,
                _(
                    "No informed consent to treatment signed on or before %(date)s: "
                    "take the client's consent first."
                ),
                {"date": on},
            )
        )
        return
    # Times are entered to the minute: a consent signed within the session's minute is before it.
    signed_at = consent.recorded_at.replace(second=0, microsecond=0)
    if at is not None and consent.signed_on == on and signed_at > at:
        result.reasons.append(
            Reason(
                Code.CONSENT_AFTER_SESSION,
                _(
                    "The consent was signed at %(signed_at)s, after the session at %(at)s: a "
                    "session is given with the consent, not before it."
                ),
                {"signed_at": clock(consent.recorded_at), "at": clock(at)},
            )
        )
        return
    if consent.kind == Kind.REFUSAL:
        result.reasons.append(
            Reason(
                Code.CONSENT_REFUSED,
                _(
                    "Treatment was refused on %(date)s (signed by %(signer)s); it needs a new "
                    "signed consent."
                ),
                {"date": consent.signed_on, "signer": consent.signer_name},
            )
        )
        return
    withdrawal = consent.withdrawn
    if withdrawal is not None and withdrawal.withdrawn_on <= on:
        result.reasons.append(
            Reason(
                Code.CONSENT_WITHDRAWN,
                _(
                    "The consent of %(signed_on)s was withdrawn on %(date)s by %(by)s "
                    "(%(reason)s); treatment needs a new signed consent."
                ),
                {
                    "signed_on": consent.signed_on,
                    "date": withdrawal.withdrawn_on,
                    "by": withdrawal.withdrawn_by,
                    "reason": withdrawal.reason,
                },
            )
        )
        return
    current = versions.get((consent.text.kind, consent.text.language))
    if current is not None and current > consent.text.version:
        result.warnings.append(
            Reason(
                Code.CONSENT_RENEWAL,
                _(
                    "The consent of %(signed_on)s was given on version %(signed)s of the text; "
                    "version %(current)s is in force: take the consent again."
                ),
                {
                    "signed_on": consent.signed_on,
                    "signed": consent.text.version,
                    "current": current,
                },
            )
        )


def clock(moment):
    """The time of day of a moment, in the clinic's time zone: 14:05."""
    return time_format(timezone.localtime(moment), "TIME_FORMAT")


def day(date):
    """A day as prose names it in the active language: 26 November 2026, 26 ноября 2026."""
    return date_format(date, "DATE_FORMAT")


def in_sentence(name):
    """'Hypertension' -> 'hypertension' inside a sentence; 'HIV' stays as it is."""
    if len(name) > 1 and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def label(choices, value):
    """The (lazy) label of a choice value, read in the language of the moment it is shown."""
    return dict(choices.choices).get(value, value)


def _days_from_now(days_left):
    if days_left == 0:
        return gettext("today")
    return ngettext("in %(count)d day", "in %(count)d days", days_left) % {"count": days_left}


# The parts of a reason's sentence that are themselves words: written when the sentence is read.
item_in_sentence = lazy(lambda item: in_sentence(item.name), str)
lowered = lazy(lambda text: str(text).lower(), str)
in_days = lazy(_days_from_now, str)


@transaction.atomic
def record_screening(
    *, client, by, answers, screened_on=None, systolic=None, diastolic=None, notes=""
):
    """Store a screening with one answer per active checklist item, or store nothing.

    `answers` maps each active Contraindication to an Answer.Value. Raises ValidationError
    naming what to fix when an item is unanswered, the record is archived, or a reading is
    implausible.
    """
    client.ensure_active()
    unanswered = [item.name for item in Contraindication.objects.active() if not answers.get(item)]
    if unanswered:
        raise ValidationError(
            _("Answer every item of the checklist; not answered: %(items)s."),
            code="unanswered",
            params={"items": ", ".join(unanswered)},
        )
    if any(value not in Answer.Value.values for value in answers.values()):
        raise ValidationError(
            _("Answer each item present, absent or unknown."), code="invalid_answer"
        )
    screening = Screening(
        client=client,
        screened_by=by,
        screened_on=screened_on or timezone.localdate(),
        systolic=systolic,
        diastolic=diastolic,
        notes=notes,
    )
    screening.full_clean()
    screening._history_user = by
    screening.save()
    bulk_create_with_history(
        [
            Answer(screening=screening, contraindication=item, value=value)
            for item, value in answers.items()
        ],
        Answer,
        default_user=by,
    )
    return screening


@transaction.atomic
def correct_screening(*, screening, by, reason, answers=()):
    """Store a correction of a screening, and of the `answers` changed with it, under the
    reason it gives (kept beside the old values). A screening is only corrected this way: a
    new check is a new screening."""
    screening.client.ensure_active()
    for record in (screening, *answers):
        give_reason(record, reason)
        record._history_user = by
        record.save()
    return screening
