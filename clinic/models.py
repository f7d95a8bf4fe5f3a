import datetime
import re

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clinic.lib.versions import EditConflict

EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)

# Stored phone numbers are normalised: an optional leading + and 7 to 15 digits (E.164 length).
phone_validator = RegexValidator(
    r"^\+?\d{7,15}$",
    "Enter a phone number of 7 to 15 digits, optionally starting with +, e.g. +7 916 123-45-67.",
    code="invalid_phone",
)
icd10_validator = RegexValidator(
    r"^[A-Z][0-9]{2}(\.[0-9]{1,2})?$",
    "Enter an ICD-10 code such as M42, M51.1 or M54.5 (capital letter, two digits, "
    "optionally a dot and one or two digits).",
    code="invalid_icd10",
)
PHONE_SEPARATORS = re.compile(r"[\s()\-.]")


class User(AbstractUser):
    """A member of the clinic's staff; what they may do is their role (clinic.roles)."""

    def __str__(self):
        # The one way a person is named, on the pages, in the exports and in the back office.
        return self.get_full_name() or self.get_username()


def normalise_phone(value):
    """'+7 (916) 123-45-67' -> '+79161234567'; anything else is left for the validator to refuse."""
    return PHONE_SEPARATORS.sub("", value or "")


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

    name = models.CharField(max_length=100, unique=True)
    icd10 = models.CharField("ICD-10 code", max_length=10, blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in lists.")
    is_active = models.BooleanField(
        "in use",
        default=True,
        help_text="Retired conditions stay on the clients who have them but are no longer offered.",
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class ClientQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)

    def same_person(self, *, first_name, last_name, date_of_birth):
        return self.filter(name_key=name_key(first_name, last_name), date_of_birth=date_of_birth)

    def search(self, query):
        """Clients matching a name, a record number, a phone number or a date of birth.

        Every word of a name query must match a first name, a last name or a record number,
        so "anna petrova" finds Anna Petrova and not every Anna.
        """
        query = (query or "").strip()
        if not query:
            return self
        born = parse_birth_date(query)
        if born:
            return self.filter(date_of_birth=born)
        digits = normalise_phone(query).lstrip("+")
        if digits.isdigit():
            return self.filter(Q(phone__contains=digits) | Q(record_number__icontains=digits))
        clients = self
        for word in query.split():
            # A word shaped like a record number is looked up as one, any other as part of the
            # name: kept apart, each condition has an index to answer it (on PostgreSQL, the
            # trigram index of migration 0003 for the name).
            if RECORD_NUMBER_SHAPE.fullmatch(word):
                clients = clients.filter(record_number=word.upper())
            else:
                clients = clients.filter(name_key__contains=word.casefold())
        return clients


def name_key(first_name, last_name):
    """The name as compared and searched: case-folded in Python, because SQLite folds the case
    of ASCII letters only and the clinic's clients are often named in Cyrillic."""
    return f"{last_name.strip().casefold()} {first_name.strip().casefold()}"


def parse_birth_date(text):
    """A date typed in a search box: 1968-04-21, 21.04.1968 or 21/04/1968; otherwise None."""
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


class Client(Versioned):
    """A person treated at the clinic. Archived, never deleted, from the staff pages."""

    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        OTHER = "other", "Other"
        UNKNOWN = "unknown", "Not stated"

    class ActivityLevel(models.TextChoices):
        SEDENTARY = "sedentary", "Sedentary (mostly sitting)"
        LIGHT = "light", "Lightly active"
        ACTIVE = "active", "Active"
        HEAVY = "heavy", "Heavy physical work"

    RECORD_SERIES = "client"

    record_number = models.CharField(max_length=20, unique=True, editable=False)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    name_key = models.CharField(max_length=201, editable=False, default="")
    sex = models.CharField(max_length=10, choices=Sex.choices)
    phone = models.CharField(max_length=16, validators=[phone_validator])
    email = models.EmailField(blank=True)
    address = models.CharField(max_length=255, blank=True)
    occupation = models.CharField(max_length=100, blank=True)
    activity_level = models.CharField(max_length=10, choices=ActivityLevel.choices, blank=True)
    complaint = models.TextField(
        "presenting complaint", blank=True, help_text="In the client's own words."
    )
    conditions = models.ManyToManyField(
        Condition, blank=True, related_name="clients", help_text="Conditions being treated."
    )
    primary_therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="primary_clients",
        # Which therapists are offered is the form's business (clinic.forms.therapists):
        # a therapist who has left stays on their clients' records until someone changes it.
    )
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
    )

    history = HistoricalRecords(m2m_fields=[conditions])
    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "record_number"]
        permissions = [("archive_client", "Can archive and restore clients")]
        constraints = [
            models.UniqueConstraint(
                fields=["name_key", "date_of_birth"],
                name="clinic_client_one_record_per_person",
                violation_error_message=(
                    "A client with this name and date of birth is already registered."
                ),
            ),
            models.CheckConstraint(
                condition=Q(date_of_birth__gte=EARLIEST_BIRTH_DATE),
                name="clinic_client_born_after_1900",
                violation_error_message="Enter a date of birth after 1 January 1900.",
            ),
        ]
        indexes = [models.Index(fields=["date_of_birth"]), models.Index(fields=["phone"])]

    def __str__(self):
        return f"{self.full_name} ({self.record_number})"

    def save(self, *args, **kwargs):
        # Kept in step with the names on every save, so that no entry point can forget it.
        self.name_key = name_key(self.first_name, self.last_name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("overview:client_detail", args=[self.pk])

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def is_archived(self):
        return self.archived_at is not None

    @property
    def client_pk(self):
        return self.pk

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
                        "The date of birth is in the future; enter the date the client was born.",
                        code="born_in_future",
                    )
                }
            )
        if self.date_of_birth and self.date_of_birth < EARLIEST_BIRTH_DATE:
            raise ValidationError(
                {
                    "date_of_birth": ValidationError(
                        "Enter a date of birth after 1 January 1900.", code="born_before_1900"
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
            "The record of %(name)s is archived; restore it to add or change anything.",
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
        VERTEBROLOGIST = "vertebrologist", "Vertebrologist"
        NEUROLOGIST = "neurologist", "Neurologist"
        ORTHOPAEDIST = "orthopaedist", "Orthopaedist"
        GENERAL_PRACTITIONER = "gp", "General practitioner"
        OTHER = "other", "Other specialist"

    class Stage(models.TextChoices):
        ACUTE = "acute", "Acute"
        SUBACUTE = "subacute", "Subacute"
        CHRONIC = "chronic", "Chronic"
        REMISSION = "remission", "Remission"

    class Decision(models.TextChoices):
        CLEARED = "cleared", "Cleared for manual therapy"
        CLEARED_WITH_RESTRICTIONS = "restricted", "Cleared with restrictions"
        NOT_CLEARED = "not_cleared", "Not cleared"

    # The decisions that clear manual therapy, with or without restrictions.
    CLEARING = (Decision.CLEARED, Decision.CLEARED_WITH_RESTRICTIONS)

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="referral_notes")
    specialist_name = models.CharField(
        max_length=150, help_text="As on the letter, e.g. Dr I. V. Petrov."
    )
    specialty = models.CharField(
        max_length=20, choices=Specialty.choices, default=Specialty.VERTEBROLOGIST
    )
    consult_date = models.DateField()
    diagnosis = models.CharField(max_length=255)
    icd10 = models.CharField(
        "ICD-10 code",
        max_length=8,
        blank=True,
        validators=[icd10_validator],
        help_text="Optional: M42 osteochondrosis, M51 disc disorders or hernia, "
        "M41 scoliosis, M54 back pain.",
    )
    stage = models.CharField("stage of the disease", max_length=10, choices=Stage.choices)
    decision = models.CharField(max_length=12, choices=Decision.choices)
    restrictions = models.TextField(
        blank=True, help_text="Required when cleared with restrictions: what must be avoided."
    )
    valid_until = models.DateField(
        help_text="The last day the decision holds. Left empty: the consult date plus the "
        "clinic's default."
    )
    scan = models.FileField(
        "scan of the letter",
        # Stored under a random name given by ReferralNoteForm: the path never carries the
        # client's name or diagnosis.
        upload_to="referral-scans/",
        blank=True,
        help_text="PDF, JPEG or PNG, at most 10 MB.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, editable=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ReferralNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-consult_date", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="restricted") | ~Q(restrictions=""),
                name="clinic_referralnote_restrictions_stated",
                violation_error_message="Write the restrictions the specialist set.",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("consult_date")),
                name="clinic_referralnote_valid_after_consult",
                violation_error_message="The decision cannot end before the consult date.",
            ),
        ]
        indexes = [models.Index(fields=["client", "consult_date"])]

    def __str__(self):
        return (
            f"{self.specialist_name}, {self.consult_date:%d.%m.%Y}: {self.get_decision_display()}"
        )

    def get_absolute_url(self):
        return reverse("clinic:referral_detail", args=[self.client_id, self.pk])

    @property
    def clears(self):
        return self.decision in self.CLEARING

    def clean(self):
        errors = {}
        if self.consult_date and self.consult_date > timezone.localdate():
            errors["consult_date"] = ValidationError(
                "The consult date is in the future; enter the day the specialist saw the client.",
                code="consult_in_future",
            )
        if self.consult_date and self.valid_until and self.valid_until < self.consult_date:
            errors["valid_until"] = ValidationError(
                "The decision cannot end before the consult date (%(consult)s).",
                code="valid_before_consult",
                params={"consult": self.consult_date.strftime("%d.%m.%Y")},
            )
        if (
            self.decision == self.Decision.CLEARED_WITH_RESTRICTIONS
            and not self.restrictions.strip()
        ):
            errors["restrictions"] = ValidationError(
                "Write the restrictions the specialist set, or choose another decision.",
                code="restrictions_missing",
            )
        if self.decision == self.Decision.CLEARED and self.restrictions.strip():
            errors["restrictions"] = ValidationError(
                "The note has restrictions: choose 'Cleared with restrictions', "
                "or empty this field.",
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

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    view = models.CharField(max_length=20)
    allowed = models.BooleanField()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["client", "at"]), models.Index(fields=["user", "at"])]

    def __str__(self):
        verdict = "opened" if self.allowed else "was refused"
        return f"{self.user} {verdict} {self.view_label.lower()} at {self.at:%d.%m.%Y %H:%M}"

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
