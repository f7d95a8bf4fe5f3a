from functools import update_wrapper

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clinic import roles
from clinic.lib import second_factor

REFUSAL = _("The back office is for clinic admins only.")


class ClinicAdminSite(admin.AdminSite):
    """The back office. Only clinic admins enter; everyone signs in on the app's own page."""

    site_header = _("Clinic records — back office")
    site_title = _("Clinic back office")
    index_title = _("Records, catalogues and users")
    site_url = "/"

    def has_permission(self, request):
        # Membership of the Clinic admin group decides, not the is_staff flag, so that
        # giving someone the role is the one step that opens the back office; with two-factor
        # sign-in on, so does the code of the day.
        return roles.is_clinic_admin(request.user) and not second_factor.required(request.user)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def only_clinic_admins(request, *args, **kwargs):
            # Django's admin would send everyone else to its own login form; staff sign in on
            # the app's login page, and a signed-in user without the role gets a plain 403.
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if roles.is_clinic_admin(request.user) and second_factor.required(request.user):
                return second_factor.ask_for_code(request)
            if not self.has_permission(request):
                raise PermissionDenied(REFUSAL)
            return inner(request, *args, **kwargs)

        return update_wrapper(only_clinic_admins, inner)

    def login(self, request, extra_context=None):
        if not request.user.is_authenticated:
            return redirect_to_login(request.GET.get("next") or reverse("admin:index"))
        if roles.is_clinic_admin(request.user):
            return redirect("admin:index")  # which asks for the code when one is needed
        raise PermissionDenied(REFUSAL)
