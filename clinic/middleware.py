"""Middleware of the clinic's own: what every page with client data must carry, and the one
answer to an archived client and to an edit conflict, whichever view met it."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.template import loader
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.cache import patch_cache_control

from clinic.lib.audit import record
from clinic.lib.versions import EditConflict, conflict_page
from clinic.models import ArchivedClientError


def refuse_oversized_bodies(get_response):
    """A body over CLINIC_MAX_REQUEST_BYTES (a scan of 10 MB and its form) is refused with 413
    before anything reads it: the app does not rely on a proxy to limit it."""

    def middleware(request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.CLINIC_MAX_REQUEST_BYTES:
            page = loader.render_to_string(
                "413.html", {"limit": filesizeformat(settings.CLINIC_MAX_REQUEST_BYTES)}
            )
            return HttpResponse(page, status=413)
        return get_response(request)

    return middleware


def no_store_for_signed_in(get_response):
    """Pages shown to a signed-in user may hold medical data: no browser or proxy keeps them."""

    def middleware(request):
        response = get_response(request)
        if response.status_code >= 500:
            return response  # the database may be down: do not load the user now
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response

    return middleware


class ArchivedClientMiddleware:
    """A page that adds to or changes an archived client's records (Client.ensure_active)
    sends the person back to the client's page, saying why; nothing was stored."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ArchivedClientError):
            messages.error(request, exception.messages[0])
            return redirect(exception.client)
        return None


class EditConflictMiddleware:
    """An edit conflict no view answered itself (two saves of one record in the back office at
    the same instant) is the conflict page too; the transaction was rolled back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, EditConflict):
            # The page shows the saved record: a look like any other.
            record(request, exception.saved.client_pk, "conflict", allowed=True)
            return conflict_page(request, exception.saved)
        return None


class UserLanguageMiddleware(LocaleMiddleware):
    """The language of every page: the signed-in user's own choice, kept on their account;
    before sign-in, the one chosen on the sign-in page (a cookie); otherwise the clinic's
    (LANGUAGE_CODE). Unlike Django's LocaleMiddleware it does not follow the browser's
    Accept-Language: a clinic's staff work in the clinic's language unless they choose."""

    def process_request(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Their own, never the cookie of whoever used this computer before.
            chosen = user.language
        else:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if chosen not in dict(settings.LANGUAGES):
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()
