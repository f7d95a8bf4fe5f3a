"""Two-factor sign-in (TOTP) for the back office."""

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice


def required(user):
    """Whether this user must still give a code before entering the back office."""
    return settings.CLINIC_ADMIN_2FA and not user.is_verified()


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()
