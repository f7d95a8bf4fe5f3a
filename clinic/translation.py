"""The core catalogue in both languages (django-modeltranslation): conditions' names."""

from modeltranslation.translator import TranslationOptions, register

from clinic.models import Condition


@register(Condition)
class ConditionTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("ru", "en")
