"""The screening checklist in both languages (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from screening.models import Contraindication


@register(Contraindication)
class ContraindicationTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"default": ("name",)}
