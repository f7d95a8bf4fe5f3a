"""Phone numbers: stored in one international form (E.164, "+79167776655"), shown in the
national format of the clinic's region ("8 (916) 777-66-55"), found however they are typed."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

INVALID = _(
    "“%(value)s” is not a phone number we can dial. Type it with the area code, "
    "e.g. 8 916 123-45-67 or +7 916 123-45-67."
)


def parsed(text):
    """The number typed, read in the clinic's region when it has no country code; None when
    it is not a valid number."""
    try:
        number = phonenumbers.parse(text or "", settings.CLINIC_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def normalise(text):
    """'8 916 777 66 55', '+7 (916) 777-66-55' -> '+79167776655'; anything else is refused."""
    number = parsed(text)
    if number is None:
        raise ValidationError(INVALID, code="invalid_phone", params={"value": text})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def shown(stored):
    """A stored number as people read it: national in the clinic's region, international
    otherwise; a number stored before phones were checked is shown as it is."""
    try:
        number = phonenumbers.parse(stored or "", settings.CLINIC_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return stored
    if phonenumbers.region_code_for_number(number) == settings.CLINIC_PHONE_REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def search_keys(query):
    """What a search for a phone looks for in the stored numbers: the whole stored form when
    the query is a whole number ("89165551234" finds +79165551234), otherwise the digits
    typed, found anywhere ("555-12-34"), and, when they start with the national prefix, the
    same after the country code ("8 916 555" finds +7916555…). None when the query is not a
    phone."""
    digits = "".join(ch for ch in query if ch.isdigit())
    if not digits or any(ch.isalpha() for ch in query):
        return None
    number = parsed(query)
    if number is not None:
        return [phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)]
    keys = [digits]
    region = phonenumbers.PhoneMetadata.metadata_for_region(settings.CLINIC_PHONE_REGION)
    prefix = region.national_prefix if region else None
    if prefix and digits.startswith(prefix) and not query.lstrip().startswith("+"):
        country = phonenumbers.country_code_for_region(settings.CLINIC_PHONE_REGION)
        keys.append(f"{country}{digits[len(prefix) :]}")
    return keys
