import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from clinic.models import Client, ReferralNote
from clinic.services import register_client


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("a-long-test-password")


class ClientFactory(factory.django.DjangoModelFactory):
    """A client registered the way the app registers them (record number, history)."""

    class Meta:
        model = Client

    first_name = factory.Sequence(lambda n: f"Anna{n}")
    last_name = "Petrova"
    date_of_birth = datetime.date(1970, 5, 17)
    sex = Client.Sex.FEMALE
    phone = factory.Sequence(lambda n: f"+7916{n:07d}")
    complaint = "Lower-back pain when sitting."

    @classmethod
    def _create(cls, model_class, *args, registered_by=None, conditions=(), **kwargs):
        client = model_class(**kwargs)
        by = registered_by or UserFactory()
        return register_client(client=client, conditions=conditions, by=by)


class ReferralNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferralNote

    client = factory.SubFactory(ClientFactory)
    specialist_name = "Dr Petrov"
    specialty = ReferralNote.Specialty.VERTEBROLOGIST
    consult_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    diagnosis = "Lumbar osteochondrosis"
    icd10 = "M42"
    stage = ReferralNote.Stage.CHRONIC
    decision = ReferralNote.Decision.CLEARED
    valid_until = factory.LazyAttribute(
        lambda note: note.consult_date + datetime.timedelta(days=90)
    )
    recorded_by = factory.SubFactory(UserFactory)
