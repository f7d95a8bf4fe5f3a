"""The technique's catalogues in both languages (django-modeltranslation): techniques, zones
and plan templates. The rules name them by code, never by these words."""

from modeltranslation.translator import TranslationOptions, register

from sessions_app.models import PlanTemplate, Technique, Zone


@register(Technique)
class TechniqueTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"default": ("name",)}


@register(Zone)
class ZoneTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("ru", "en")


@register(PlanTemplate)
class PlanTemplateTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"default": ("name",)}
