"""The read side's pages: the start page, the client list, the client's page with its
history, the print view, the CSV and FHIR exports, and the clinic-wide export."""

from collections import Counter

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import ListView

from clinic import roles
from clinic.lib import second_factor
from clinic.lib.access import client_for
from clinic.lib.audit import audited, record_each
from clinic.lib.change_log import change_log, versions_of
from clinic.lib.csv_export import csv_response
from clinic.lib.record_kinds import csv_export, registered
from clinic.models import Client
from clinic.overview.forms import ClientFilterForm, SessionRangeForm
from clinic.overview.lib import start_page
from clinic.overview.lib.charts import body_map
from clinic.overview.lib.fhir import client_bundle
from clinic.overview.lib.history import ClientHistory
from clinic.overview.lib.timeline import render_entries
from screening.services import eligibility, eligibility_for
from sessions_app.lib import session_csv
from sessions_app.models import Session, Zone

# How many past versions of the record, and how many events of the history, a page shows.
HISTORY_ON_PAGE = 10
TIMELINE_PAGE = 30


@permission_required("clinic.view_client", raise_exception=True)
def home(request):
    """The start page of each role: the day's work, what needs attention, the clinic's week."""
    today = timezone.localdate()
    user = request.user
    context = {"today": today}
    if roles.is_clinic_admin(user) or user.has_perm("sessions_app.add_session"):
        # A therapist sees their own work; a clinic admin the whole clinic's.
        therapist = None if roles.is_clinic_admin(user) else user
        courses, open_count = start_page.open_courses(therapist)
        appointments = start_page.appointments_on(today, therapist)
        plan = start_page.work_plan(today, therapist)
        # A planned session booked today is shown with its appointment, not twice.
        booked = {appointment.course_id for appointment in appointments}
        plan["today"] = [visit for visit in plan["today"] if visit.course_id not in booked]
        verdicts = start_page.eligibility_of(courses, appointments, today)
        for appointment in appointments:
            appointment.eligibility = verdicts[appointment.client_id]
        context.update(
            courses=courses,
            open_count=open_count,
            appointments=appointments,
            plan=plan,
            logged_today=start_page.sessions_logged_on(today, therapist),
            attention=start_page.needing_attention(courses, verdicts),
            whole_clinic=therapist is None,
        )
        # "Needs attention" gives each client's reasons (a contraindication found, a reading),
        # and the day's appointments each client's eligibility.
        shown = {item["client"].pk for item in context["attention"]}
        shown |= {appointment.client_id for appointment in appointments}
        record_each(request, sorted(shown), "start_page")
        if user.has_perm("outcomes.view_response"):
            context["questionnaires"] = start_page.questionnaires_due(courses, today, therapist)
    if roles.is_clinic_admin(user):
        context["weekly"] = start_page.weekly_sessions(today)
    if user.has_perm("clinic.add_client"):
        recent = Client.objects.active().select_related("primary_therapist")
        context.update(
            recent_clients=recent.order_by("-created_at")[:10],
            without_referral=start_page.clients_without_referral(),
        )
    return render(request, "overview/home.html", context)


# Where the client list keeps its search in the sign-in's session.
CLIENT_SEARCH = "client_search"


class ClientListView(PermissionRequiredMixin, ListView):
    """The client list. A search is posted, kept in the session and shown at a URL that holds
    nothing but the page number; a search sent in the query string (an old bookmark) is
    moved into the session the same way."""

    permission_required = "clinic.view_client"
    raise_exception = True
    template_name = "overview/client_list.html"
    context_object_name = "clients"
    paginate_by = settings.CLINIC_CLIENT_PAGE_SIZE

    def post(self, request, *args, **kwargs):
        return self.remember(request.POST)

    def get(self, request, *args, **kwargs):
        if any(name in request.GET for name in ClientFilterForm.base_fields):
            return self.remember(request.GET)
        return super().get(request, *args, **kwargs)

    def remember(self, data):
        if "clear" in data:
            self.request.session.pop(CLIENT_SEARCH, None)
        else:
            self.request.session[CLIENT_SEARCH] = ClientFilterForm(data).remembered()
        return redirect("overview:client_list")

    def paginate_queryset(self, queryset, page_size):
        # A page past the end (a reload after a search that found fewer) shows the last one.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_queryset(self):
        self.filter_form = ClientFilterForm(self.request.session.get(CLIENT_SEARCH, {}))
        clients = Client.objects.select_related("primary_therapist").prefetch_related("conditions")
        return self.filter_form.filter(clients)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(filter_form=self.filter_form, **kwargs)
        today = eligibility_for(context["clients"], timezone.localdate())
        for client in context["clients"]:
            client.eligibility_today = today[client.pk]
        # Each row says why a client may not be treated (a contraindication found, a reading).
        record_each(self.request, [client.pk for client in context["clients"]], "client_list")
        return context


@audited("client_page")
def client_detail(request, pk):
    client = client_for(request, pk)
    history = ClientHistory.load(client, request.user)
    kinds = [(kind.code, kind.label) for kind in registered()]
    kind = request.GET.get("kind") if request.GET.get("kind") in dict(kinds) else ""
    done = Counter(session.course_id for session in history.counted_sessions())
    for course in history.courses:
        course.done = done[course.pk]
    mapped = selected_course(history.courses, request.GET.get("course"))
    timeline = Paginator(history.entries(kind), TIMELINE_PAGE).get_page(request.GET.get("page"))
    # Only the records on this page of the timeline, and of those only the ones not already
    # rendered: a long history stays light.
    render_entries(timeline.object_list, history, request)
    return render(
        request,
        "overview/client_detail.html",
        {
            "client": client,
            "conditions": client.conditions.all(),
            "eligibility": eligibility(client, timezone.localdate()),
            "history": history,
            "kinds": kinds,
            "kind": kind,
            "timeline_query": f"kind={kind}" if kind else "",
            "timeline": timeline,
            "csv_exports": history.csv_exports(),
            "pain": history.pain_chart(),
            "outcome_charts": history.outcome_charts(),
            "mapped_course": mapped,
            "body": (
                body_map(Zone.objects.all(), history.zone_counts(mapped))
                if mapped and history.sees_sessions
                else None
            ),
            "changes": change_log(versions_of(client)[: HISTORY_ON_PAGE + 1])[:HISTORY_ON_PAGE],
        },
    )


def selected_course(courses, wanted):
    """The course the body map shows: the one asked for, else the latest."""
    return next((c for c in courses if str(c.pk) == wanted), courses[0] if courses else None)


@never_cache
@audited("print")
def client_print(request, pk):
    client = client_for(request, pk)
    history = ClientHistory.load(client, request.user)
    entries = render_entries(history.entries(), history, request)  # the whole record, on paper
    return render(
        request,
        "overview/client_print.html",
        {
            "client": client,
            "conditions": client.conditions.all(),
            "eligibility": eligibility(client, timezone.localdate()),
            "history": history,
            "entries": entries,
            "printed_at": timezone.now(),
        },
    )


@never_cache
@audited(lambda pk, name: csv_export(name).access_log[0])
def client_csv(request, pk, name):
    """A CSV of the client's records of one kind (RecordKind.csv), e.g. sessions.csv."""
    export = csv_export(name)
    if export is None:
        raise Http404(_("There is no such export."))
    client = client_for(request, pk, export.permission)
    return csv_response(export.header, export.rows(client), f"{client.record_number}-{name}.csv")


@never_cache
@audited("fhir")
def client_fhir(request, pk):
    client = client_for(request, pk, "sessions_app.view_session")
    history = ClientHistory.load(client, request.user)
    history.read_details(history.entries())  # each Procedure names the zones it worked
    bundle = client_bundle(history)
    response = HttpResponse(bundle.json(indent=2), content_type="application/fhir+json")
    response["Content-Disposition"] = f'attachment; filename="{client.record_number}.fhir.json"'
    return response


def only_clinic_admins(request):
    return second_factor.clinic_admins_only(
        request, _("The clinic-wide export is for clinic admins.")
    )


def sessions_export(request):
    """The form of the clinic-wide sessions CSV."""
    if second_step := only_clinic_admins(request):
        return second_step
    return render(request, "overview/sessions_export.html", {"form": SessionRangeForm()})


@never_cache
@audited("clinic_csv")
def clinic_sessions_csv(request):
    if second_step := only_clinic_admins(request):
        return second_step
    form = SessionRangeForm(request.GET)
    if not form.is_valid():
        return render(request, "overview/sessions_export.html", {"form": form}, status=400)
    start, end = form.bounds()
    in_range = Session.objects.with_steps().filter(performed_at__gte=start, performed_at__lt=end)
    # Besides the export's own row, one per client whose sessions it holds, so that the
    # log of a client shows this export too.
    record_each(request, in_range.values_list("course__client", flat=True).distinct(), "clinic_csv")
    sessions = in_range.order_by("performed_at", "pk").iterator(chunk_size=500)
    first, last = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    return csv_response(
        session_csv.HEADER, session_csv.rows(sessions), f"sessions-{first:%Y%m%d}-{last:%Y%m%d}.csv"
    )
