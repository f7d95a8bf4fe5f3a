"""The clinic's language on the pages: choosing it (kept on the signed-in user's account, and
in a cookie before sign-in; clinic.middleware.UserLanguageMiddleware reads both), and reading
a typed date back in it."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from clinic.lib import dates

ONE_YEAR = 365 * 24 * 60 * 60


def keep_the_language_chosen_before_sign_in(sender, request, user, **kwargs):
    """Whoever chose a language on the sign-in page keeps it, if their account has none yet;
    after that, the account's choice wins over the cookie (clinic.middleware)."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "") if request else ""
    if not user.language and chosen in dict(settings.LANGUAGES):
        user.language = chosen
        user.save(update_fields=["language"])


@login_not_required  # the sign-in page offers it too
@require_POST
def choose_language(request):
    chosen = request.POST.get("language", "")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = settings.LOGIN_REDIRECT_URL
    response = redirect(back)
    if chosen not in dict(settings.LANGUAGES):
        return response  # only the switcher posts here; anything else changes nothing
    if request.user.is_authenticated and request.user.language != chosen:
        request.user.language = chosen
        request.user.save(update_fields=["language"])
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        chosen,
        max_age=ONE_YEAR,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response


@require_GET
def date_reading(request):
    """How a typed date is read ("12 марта 1979 · 47 лет"), for the date fields to show back
    before the form is sent; the form itself reads the date the same way."""
    text, is_error = dates.reading(
        request.GET.get("value", "")[:40], birth_date=bool(request.GET.get("birth"))
    )
    return JsonResponse({"error": text} if is_error else {"text": text})
