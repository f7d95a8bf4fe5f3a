import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db import DatabaseError, connection
from django.db.models import Count, Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import CreateView, ListView, UpdateView

from clinic.forms import ClientFilterForm, ClientForm, ReferralNoteForm
from clinic.lib.access import client_for
from clinic.lib.history import change_log, versions_of
from clinic.lib.scans import scan_format
from clinic.models import Client, ReferralNote
from clinic.services import register_client
from screening.services import eligibility, eligibility_for

logger = logging.getLogger(__name__)

# How many past versions, referral notes and screenings the client's page lists; the back
# office shows them all.
HISTORY_ON_PAGE = 10
RECORDS_ON_PAGE = 10


@permission_required("clinic.view_client", raise_exception=True)
def home(request):
    recent = Client.objects.active().select_related("primary_therapist").order_by("-created_at")
    return render(request, "clinic/home.html", {"recent_clients": recent[:10]})


class ClientListView(PermissionRequiredMixin, ListView):
    permission_required = "clinic.view_client"
    raise_exception = True
    template_name = "clinic/client_list.html"
    context_object_name = "clients"
    paginate_by = settings.CLINIC_CLIENT_PAGE_SIZE

    def get_queryset(self):
        self.filter_form = ClientFilterForm(self.request.GET)
        clients = Client.objects.select_related("primary_therapist").prefetch_related("conditions")
        return self.filter_form.filter(clients)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        context = super().get_context_data(
            filter_form=self.filter_form, query_without_page=query.urlencode(), **kwargs
        )
        today = eligibility_for(context["clients"], timezone.localdate())
        for client in context["clients"]:
            client.eligibility_today = today[client.pk]
        return context


class ClientCreateView(PermissionRequiredMixin, CreateView):
    permission_required = "clinic.add_client"
    raise_exception = True
    form_class = ClientForm
    template_name = "clinic/client_form.html"

    def form_valid(self, form):
        client = form.save(commit=False)
        self.object = register_client(
            client=client, conditions=form.cleaned_data["conditions"], by=self.request.user
        )
        messages.success(self.request, f"{client} registered.")
        return redirect(self.object)


class ClientUpdateView(UpdateView):
    form_class = ClientForm
    template_name = "clinic/client_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.client = client_for(request, kwargs["pk"], "clinic.change_client")
        if self.client.is_archived:
            messages.error(request, "This client is archived. Restore the record to edit it.")
            return redirect(self.client)
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return self.client

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, f"{self.object} saved.")
        return response


def client_detail(request, pk):
    client = client_for(request, pk)
    user = request.user
    return render(
        request,
        "clinic/client_detail.html",
        {
            "client": client,
            "conditions": client.conditions.all(),
            "eligibility": eligibility(client, timezone.localdate()),
            "referral_notes": (
                client.referral_notes.select_related("recorded_by")[:RECORDS_ON_PAGE]
                if user.has_perm("clinic.view_referralnote")
                else None
            ),
            "screenings": (
                client.screenings.with_answers()[:RECORDS_ON_PAGE]
                if user.has_perm("screening.view_screening")
                else None
            ),
            "courses": (
                client.courses.select_related("therapist").annotate(
                    done=Count("sessions", filter=Q(sessions__voided_at__isnull=True))
                )
                if user.has_perm("sessions_app.view_course")
                else None
            ),
            "changes": change_log(versions_of(client)[: HISTORY_ON_PAGE + 1])[:HISTORY_ON_PAGE],
        },
    )


@require_POST
def client_archive(request, pk):
    client = client_for(request, pk, "clinic.archive_client")
    if client.is_archived:
        messages.info(request, f"{client} was already archived.")
    else:
        client.archive()
        messages.success(request, f"{client} archived. The record is kept and can be restored.")
    return redirect(client)


@require_POST
def client_restore(request, pk):
    client = client_for(request, pk, "clinic.archive_client")
    if client.is_archived:
        client.restore()
        messages.success(request, f"{client} restored to the active clients.")
    else:
        messages.info(request, f"{client} is not archived.")
    return redirect(client)


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """For load balancers and monitoring: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


def referral_create(request, pk):
    client = client_for(request, pk, "clinic.add_referralnote")
    if client.is_archived:
        messages.error(request, "This client is archived. Restore the record to add a referral.")
        return redirect(client)
    note = ReferralNote(client=client, recorded_by=request.user)
    return referral_form(request, client, note, created=True)


def referral_edit(request, pk, referral_id):
    client = client_for(request, pk, "clinic.change_referralnote")
    note = get_object_or_404(client.referral_notes, pk=referral_id)
    if client.is_archived:
        messages.error(request, "This client is archived. Restore the record to edit its notes.")
        return redirect(note)
    return referral_form(request, client, note, created=False)


def referral_form(request, client, note, *, created):
    form = ReferralNoteForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        instance=note,
    )
    if request.method == "POST" and form.is_valid():
        note = form.save()
        messages.success(request, "Referral note saved." if created else "Referral note updated.")
        return redirect(note)
    return render(
        request, "clinic/referral_form.html", {"client": client, "form": form, "note": note}
    )


def referral_detail(request, pk, referral_id):
    client = client_for(request, pk, "clinic.view_referralnote")
    note = get_object_or_404(client.referral_notes.select_related("recorded_by"), pk=referral_id)
    return render(
        request,
        "clinic/referral_detail.html",
        {
            "client": client,
            "note": note,
            "changes": change_log(versions_of(note)[:HISTORY_ON_PAGE]),
        },
    )


def referral_scan(request, pk, referral_id):
    """The scanned letter, to staff whose role may read referral notes; never cached."""
    client = client_for(request, pk, "clinic.view_referralnote")
    note = get_object_or_404(client.referral_notes, pk=referral_id)
    if not note.scan:
        raise Http404("This referral note has no scan.")
    try:
        scan = note.scan.open("rb")
    except FileNotFoundError:
        logger.error("Scan of referral note %s is missing from storage", note.pk)
        raise Http404("The scan is missing from storage; ask a clinic admin.") from None
    found = scan_format(scan.read(16))
    scan.seek(0)
    if found is None:  # a file that changed on disk since it was checked
        scan.close()
        raise Http404("The stored scan is not a readable PDF, JPEG or PNG.")
    extension, content_type = found
    response = FileResponse(
        scan, content_type=content_type, filename=f"referral-{note.pk}{extension}"
    )
    response["Cache-Control"] = "no-store, private"
    if content_type != "application/pdf":
        # Images are shown with no right to run scripts or reach other pages. PDFs go to the
        # browser's own viewer, which refuses sandboxed documents and runs isolated anyway.
        response["Content-Security-Policy"] = "sandbox"
    return response
