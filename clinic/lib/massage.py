"""The clinic's massage types: the vocabulary courses are planned in and consents name."""

from django.db import models
from django.utils.translation import pgettext_lazy


class MassageType(models.TextChoices):
    CLASSIC = "classic", pgettext_lazy("massage type", "Classic")
    VACUUM = "vacuum", pgettext_lazy("massage type", "Vacuum (cupping)")  # glass or ceramic cups
    SPOT = "spot", pgettext_lazy("massage type", "Spot (acupressure)")
