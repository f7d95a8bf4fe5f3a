"""Two-factor sign-in (TOTP) for the back office."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic import roles


def required(user):
    """Whether this user must still give a code before entering the back office."""
    return settings.CLINIC_ADMIN_2FA and not user.is_verified()


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def code_matches(device, token):
    """Whether `token` is the current code of a device not saved yet (enrolment)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return totp.verify(int(token), device.tolerance)


def ask_for_code(request):
    """Send a clinic admin to give the code (or to set an authenticator up), then back here."""
    step = "two_factor_verify" if confirmed_device(request.user) else "two_factor_setup"
    return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")


def clinic_admins_only(request, refusal):
    """The gate of the clinic-wide pages (exports, reports), a back-office task: the clinic
    admin's role, else PermissionDenied(`refusal`); then the second factor, whose page is
    returned while it is due (None once given)."""
    if not roles.is_clinic_admin(request.user):
        raise PermissionDenied(refusal)
    if required(request.user):
        return ask_for_code(request)
    return None
