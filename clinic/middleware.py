"""Middleware of the clinic's own: what every page with client data must carry."""

from django.utils.cache import patch_cache_control


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
