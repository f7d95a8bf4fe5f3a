from django.contrib import admin

from outcomes.models import MeasurePoint
from sessions_app.admin import PlanTemplateAdmin
from sessions_app.models import PlanTemplate


class MeasurePointInline(admin.TabularInline):
    """Which questionnaires the courses planned from this template have due, and when."""

    model = MeasurePoint
    fields = ["instrument", "when", "session_number", "days_after"]
    extra = 0


class PlanTemplateWithOutcomesAdmin(PlanTemplateAdmin):
    """The plan template's page with its questionnaires (the templates know nothing of them)."""

    inlines = [*PlanTemplateAdmin.inlines, MeasurePointInline]


admin.site.unregister(PlanTemplate)
admin.site.register(PlanTemplate, PlanTemplateWithOutcomesAdmin)
