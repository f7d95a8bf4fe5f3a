import datetime
import re

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from clinic.lib import dates, names, phones
from clinic.lib.versions import EditConflict

EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)

# Stored phone numbers are in the international form phones.normalise gives: + and 7 to 15
# digits (E.164); the forms turn what people type into it.
phone_validator = RegexValidator(
    r"^\+\d{7,15}$",
    _("Enter a phone number with the area code, e.g. 8 916 123-45-67 or +7 916 123-45-67."),
    code="invalid_phone",
)
icd10_validator = RegexValidator(
    r"^[A-Z][0-9]{2}(\.[0-9]{1,2})?$",
    _(
        "Enter an ICD-10 code such as M42, M51.1 or M54.5 (capital letter, two digits, "
        "optionally a dot and one or two digits)."
    ),
    code="invalid_icd10",
)


class User(AbstractUser):
    """A member of the clinic's staff; what they may do is their role (clinic.roles)."""

    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True)
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the pages for this person; empty: the clinic's."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self):
        # The one way a person is named, on the pages, in the exports and in the back office.
        return self.get_full_name() or self.get_username()

    def get_full_name(self):
        return names.full_name(self.last_name, self.first_name, self.patronymic)


class Versioned(models.Model):
    """A record edited by several people: every save makes a new version, so that a form
    opened before someone else saved can be refused instead of overwriting their change
    (the recipe is in clinic.lib.versions)."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding:
            return super().save(*args, **kwargs)
        with transaction.atomic():
            # Whatever the path (a page, the back office, a script), a save made from a copy
            # that someone else has saved over since is refused, never silently applied.
            stored = (
                type(self)
                ._base_manager.select_for_update()
                .filter(pk=self.pk)
                .values_list("version", flat=True)
                .first()
            )
            if stored is not None and stored != self.version:
                raise EditConflict(type(self)._base_manager.get(pk=self.pk))
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
            return super().save(*args, **kwargs)

    @property
    def client_pk(self):
        """The id of the client whose record this is (the access log names it)."""
        return self.client_id

    def check_version(self, opened_version):
        """Raise EditConflict when this copy is not the version a page was opened at; None
        (no page, a script) checks nothing."""
        if opened_version is not None and opened_version != self.version:
            raise EditConflict(self)


class RecordCounter(models.Model):
    """The last number handed out in a series of human-readable record numbers."""

    series = models.CharField(max_length=30, primary_key=True)
    last = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("record counter")
        verbose_name_plural = _("record counters")

    def __str__(self):
        return f"{self.series}: {self.last}"

    @classmethod
    def take(cls, series, count=1):
        """Reserve `count` consecutive numbers of a series and return them as a range.

        The UPDATE locks the counter row until the surrounding transaction ends, so two
        receptionists registering clients at the same moment never get the same number.
        """
        with transaction.atomic():
            cls.objects.filter(series=series).update(last=F("last") + count)
            last = cls.objects.get(series=series).last
        return range(last - count + 1, last + 1)


class Condition(models.Model):
    """A condition the clinic treats (catalogue, extended by clinic admins)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    icd10 = models.CharField(_("ICD-10 code"), max_length=10, blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order in lists.")
    )
    is_active = models.BooleanField(
        _("in use"),
        default=True,
        help_text=_(
            "Retired conditions stay on the clients who have them but are no longer offered."
        ),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")

    def __str__(self):
        return self.name


class ClientQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)

    def same_person(self, *, first_name, last_name, patronymic="", date_of_birth):
        """The duplicate check: the same surname, given name, patronymic and date of birth,
        whatever the case; namesakes with different patronymics are different people."""
        return self.filter(
            name_key=names.name_key(last_name, first_name, patronymic), date_of_birth=date_of_birth
        )

    def search(self, query):
        """Clients matching a name, a record number, a phone number or a date of birth.

        Every word of a name query must match a part of the name (surname, given name or
        patronymic, in any order and case) or a record number, so "петрова анна" finds
        Petrova Anna Ivanovna and not every Anna.
        """
        query = (query or "").strip()
        if not query:
            return self
        born = parse_date(query)
        if born:
            return self.filter(date_of_birth=born)
        keys = phones.search_keys(query)
        if keys is not None:
            digits = "".join(ch for ch in query if ch.isdigit())
            found = Q(record_number__icontains=digits)
            for key in keys:
                found |= Q(phone__contains=key.lstrip("+"))
            return self.filter(found)
        clients = self
        for word in query.split():
            # A word shaped like a record number is looked up as one, any other as part of the
            # name: kept apart, each condition has an index to answer it (on PostgreSQL, the
            # trigram index of migration 0003 for the name).
            if RECORD_NUMBER_SHAPE.fullmatch(word):
                clients = clients.filter(record_number=word.upper())
            else:
                clients = clients.filter(name_key__contains=names.fold(word))
        return clients


def parse_date(text):
    """A date typed day first, in any of the forms the date fields take (21.04.1968,
    21/04/1968, 21041968, or 1968-04-21); otherwise None."""
    text = dates.with_separators(text)
    for pattern in formats.get_format("DATE_INPUT_FORMATS"):
        try:
            day = datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        # "1230002" reads as 12 March of the year 2 (day, month, a four-digit year): digits
        # like these are a phone or a record number, not a birth date.
        if day >= EARLIEST_BIRTH_DATE:
            return day
    return None


class Client(Versioned):
    """A person treated at the clinic. Archived, never deleted, from the staff pages."""

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", pgettext_lazy("sex", "Other")
        UNKNOWN = "unknown", _("Not stated")

    class ActivityLevel(models.TextChoices):
        SEDENTARY = "sedentary", _("Sedentary (mostly sitting)")
        LIGHT = "light", _("Lightly active")
        ACTIVE = "active", pgettext_lazy("activity level", "Active")
        HEAVY = "heavy", _("Heavy physical work")

    RECORD_SERIES = "client"

    record_number = models.CharField(_("record number"), max_length=20, unique=True, editable=False)
    last_name = models.CharField(_("surname"), max_length=100)
    first_name = models.CharField(_("given name"), max_length=100)
    patronymic = models.CharField(
        _("patronymic"), max_length=100, blank=True, help_text=_("If the client has one.")
    )
    date_of_birth = models.DateField(_("date of birth"))
    name_key = models.CharField(max_length=302, editable=False, default="")
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    phone = models.CharField(_("phone"), max_length=16, validators=[phone_validator])
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language the client reads questionnaires in; empty: the clinic's."),
    )
    reminders = models.BooleanField(
        _("reminders by e-mail"),
        default=False,
        help_text=_("The client agreed to an e-mail the day before each appointment."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    activity_level = models.CharField(
        _("activity level"), max_length=10, choices=ActivityLevel.choices, blank=True
    )
    complaint = models.TextField(
        _("presenting complaint"), blank=True, help_text=_("In the client's own words.")
    )
    conditions = models.ManyToManyField(
        Condition,
        verbose_name=_("conditions"),
        blank=True,
        related_name="clients",
        help_text=_("Conditions being treated."),
    )
    primary_therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("primary therapist"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="primary_clients",
        # Which therapists are offered is the form's business (clinic.forms.therapists):
        # a therapist who has left stays on their clients' records until someone changes it.
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
    )

    history = HistoricalRecords(m2m_fields=[conditions])
    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "patronymic", "record_number"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        permissions = [("archive_client", _("Can archive and restore clients"))]
        constraints = [
            models.UniqueConstraint(
                fields=["name_key", "date_of_birth"],
                name="clinic_client_one_record_per_person",
                violation_error_message=_(
                    "A client with this name and date of birth is already registered."
                ),
            ),
            models.CheckConstraint(
                condition=Q(date_of_birth__gte=EARLIEST_BIRTH_DATE),
                name="clinic_client_born_after_1900",
                violation_error_message=_("Enter a date of birth after 1 January 1900."),
            ),
        ]
        indexes = [
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["phone"]),
            # The start page's recently registered and the list's default order read a page
            # of these, not every client sorted.
            models.Index(fields=["-created_at"], name="client_recent"),
            models.Index(
                fields=["last_name", "first_name", "patronymic", "record_number"],
                name="client_by_name",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.record_number})"

    def save(self, *args, **kwargs):
        # Kept in step with the names on every save, so that no entry point can forget it.
        self.name_key = names.name_key(self.last_name, self.first_name, self.patronymic)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("overview:client_detail", args=[self.pk])

    @property
    def full_name(self):
        """In the order of the page's language: "Иванова Мария Петровна" in Russian,
        "Maria Petrovna Ivanova" in English."""
        return names.full_name(self.last_name, self.first_name, self.patronymic)

    @property
    def phone_shown(self):
        return phones.shown(self.phone)

    @property
    def is_archived(self):
        return self.archived_at is not None

    @property
    def client_pk(self):
        return self.pk

    @property
    def reads_in(self):
        """The language of what the client reads: their own, or the clinic's."""
        return self.language or settings.LANGUAGE_CODE

    def ensure_active(self):
        """The one guard before anything of this client's records is added or changed: every
        service, every page that changes records (clinic.lib.access.client_for) and the
        back office's forms of the client's records call it. An archived record is restored
        first."""
        if self.is_archived:
            raise ArchivedClientError(self)

    def clean(self):
        today = timezone.localdate()
        if self.date_of_birth and self.date_of_birth > today:
            raise ValidationError(
                {
                    "date_of_birth": ValidationError(
                        _(
                            "The date of birth is in the future; enter the date the client "
                            "was born."
                        ),
                        code="born_in_future",
                    )
                }
            )
        if self.date_of_birth and self.date_of_birth < EARLIEST_BIRTH_DATE:
            raise ValidationError(
                {
                    "date_of_birth": ValidationError(
                        _("Enter a date of birth after 1 January 1900."), code="born_before_1900"
                    )
                }
            )

    def assign_record_number(self):
        (number,) = RecordCounter.take(self.RECORD_SERIES)
        self.record_number = format_record_number(number)

    def archive(self):
        self.archived_at = timezone.now()
        self.save(update_fields=["archived_at", "updated_at"])

    def restore(self):
        self.archived_at = None
        self.save(update_fields=["archived_at", "updated_at"])


class ArchivedClientError(ValidationError):
    """Raised by Client.ensure_active. Pages answer it by sending the person back to the
    client's page with the message (clinic.middleware); forms show it as their error."""

    CODE = "client_archived"

    def __init__(self, client):
        super().__init__(
            _("The record of %(name)s is archived; restore it to add or change anything."),
            code=self.CODE,
            params={"name": client.full_name},
        )
        self.client = client


def format_record_number(number):
    return f"C-{number:06d}"


RECORD_NUMBER_SHAPE = re.compile(r"C-\d+", re.IGNORECASE)


class ReferralNoteQuerySet(models.QuerySet):
    def on_or_before(self, day):
        return self.filter(consult_date__lte=day)

    def clearing(self):
        """Notes whose decision lets manual therapy be given."""
        return self.filter(decision__in=ReferralNote.CLEARING)

    def latest_first(self):
        return self.order_by("-consult_date", "-created_at", "-pk")


class ReferralNote(Versioned):
    """A specialist's written opinion on whether manual therapy may be given at this stage."""

    class Specialty(models.TextChoices):
        VERTEBROLOGIST = "vertebrologist", _("Vertebrologist")
        NEUROLOGIST = "neurologist", _("Neurologist")
        ORTHOPAEDIST = "orthopaedist", _("Orthopaedist")
        GENERAL_PRACTITIONER = "gp", _("General practitioner")
        OTHER = "other", _("Other specialist")

    class Stage(models.TextChoices):
        ACUTE = "acute", pgettext_lazy("stage of the disease", "Acute")
        SUBACUTE = "subacute", pgettext_lazy("stage of the disease", "Subacute")
        CHRONIC = "chronic", pgettext_lazy("stage of the disease", "Chronic")
        REMISSION = "remission", pgettext_lazy("stage of the disease", "Remission")

    class Decision(models.TextChoices):
        CLEARED = "cleared", _("Cleared for manual therapy")
        CLEARED_WITH_RESTRICTIONS = "restricted", _("Cleared with restrictions")
        NOT_CLEARED = "not_cleared", _("Not cleared")

    # The decisions that clear manual therapy, with or without restrictions.
    CLEARING = (Decision.CLEARED, Decision.CLEARED_WITH_RESTRICTIONS)

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="referral_notes"
    )
    specialist_name = models.CharField(
        _("specialist name"),
        max_length=150,
        help_text=_("As on the letter, e.g. Dr I. V. Petrov."),
    )
    specialty = models.CharField(
        _("specialty"), max_length=20, choices=Specialty.choices, default=Specialty.VERTEBROLOGIST
    )
    consult_date = models.DateField(_("consult date"))
    diagnosis = models.CharField(_("diagnosis"), max_length=255)
    icd10 = models.CharField(
        _("ICD-10 code"),
        max_length=8,
        blank=True,
        validators=[icd10_validator],
        help_text=_(
            "Optional: M42 osteochondrosis, M51 disc disorders or hernia, "
            "M41 scoliosis, M54 back pain."
        ),
    )
    stage = models.CharField(_("stage of the disease"), max_length=10, choices=Stage.choices)
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices)
    restrictions = models.TextField(
        _("restrictions"),
        blank=True,
        help_text=_("Required when cleared with restrictions: what must be avoided."),
    )
    valid_until = models.DateField(
        _("valid until"),
        help_text=_(
            "The last day the decision holds. Left empty: the consult date plus the "
            "clinic's default."
        ),
    )
    scan = models.FileField(
        _("scan of the letter"),
        # Stored under a random name given by ReferralNoteForm: the path never carries the
        # client's name or diagnosis.
        upload_to="referral-scans/",
        blank=True,
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    history = HistoricalRecords()
    objects = ReferralNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-consult_date", "-created_at", "-pk"]
        verbose_name = _("referral note")
        verbose_name_plural = _("referral notes")
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="restricted") | ~Q(restrictions=""),
                name="clinic_referralnote_restrictions_stated",
                violation_error_message=_("Write the restrictions the specialist set."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("consult_date")),
                name="clinic_referralnote_valid_after_consult",
                violation_error_message=_("The decision cannot end before the consult date."),
            ),
        ]
        indexes = [models.Index(fields=["client", "consult_date"])]

    def __str__(self):
        consulted = formats.date_format(self.consult_date, "SHORT_DATE_FORMAT")
        return f"{self.specialist_name}, {consulted}: {self.get_decision_display()}"

    def get_absolute_url(self):
        return reverse("clinic:referral_detail", args=[self.client_id, self.pk])

    @property
    def clears(self):
        return self.decision in self.CLEARING

    def clean(self):
        errors = {}
        if self.consult_date and self.consult_date > timezone.localdate():
            errors["consult_date"] = ValidationError(
                _(
                    "The consult date is in the future; enter the day the specialist saw "
                    "the client."
                ),
                code="consult_in_future",
            )
        if self.consult_date and self.valid_until and self.valid_until < self.consult_date:
            errors["valid_until"] = ValidationError(
                _("The decision cannot end before the consult date (%(consult)s)."),
                code="valid_before_consult",
                params={"consult": formats.date_format(self.consult_date, "SHORT_DATE_FORMAT")},
            )
        if (
            self.decision == self.Decision.CLEARED_WITH_RESTRICTIONS
            and not self.restrictions.strip()
        ):
            errors["restrictions"] = ValidationError(
                _("Write the restrictions the specialist set, or choose another decision."),
                code="restrictions_missing",
            )
        if self.decision == self.Decision.CLEARED and self.restrictions.strip():
            errors["restrictions"] = ValidationError(
                _(
                    "The note has restrictions: choose 'Cleared with restrictions', "
                    "or empty this field."
                ),
                code="restrictions_without_decision",
            )
        if errors:
            raise ValidationError(errors)

    def default_valid_until(self):
        return self.consult_date + datetime.timedelta(days=settings.CLINIC_REFERRAL_VALID_DAYS)


class AccessLog(models.Model):
    """Who opened or exported which client's record, when, and whether it was allowed.

    Holds no medical data: the client, the kind of view and the outcome only. Written by
    clinic.lib.audit; read, never changed, in the back office.
    """

    # The audited views, code -> label. Each app registers its own (AccessLog.register_views,
    # or a record kind's access_log_views), so `view` has no fixed choices and a new kind of
    # page needs no migration; the log refuses a code nobody registered.
    VIEWS = {}

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(
        Client,
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    view = models.CharField(_("page"), max_length=20)
    allowed = models.BooleanField(_("allowed"))

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("record view")
        verbose_name_plural = _("who viewed records")
        indexes = [models.Index(fields=["client", "at"]), models.Index(fields=["user", "at"])]

    def __str__(self):
        values = {
            "user": self.user,
            "page": str(self.view_label).lower(),
            "at": formats.date_format(timezone.localtime(self.at), "SHORT_DATETIME_FORMAT"),
        }
        if self.allowed:
            return _("%(user)s opened %(page)s at %(at)s") % values
        return _("%(user)s was refused %(page)s at %(at)s") % values

    @property
    def view_label(self):
        return self.VIEWS.get(self.view, self.view)

    @classmethod
    def register_views(cls, views):
        """Add audited views (code -> label) to the vocabulary."""
        for code, label in views.items():
            if cls.VIEWS.get(code, label) != label:
                raise ValueError(f"The access-log view {code!r} is registered as another one.")
            cls.VIEWS[code] = label

    @classmethod
    def unregister_views(cls, views):
        for code in views:
            cls.VIEWS.pop(code, None)
