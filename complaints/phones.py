"""Phone numbers, parsed with ``phonenumbers`` and stored in E.164."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def to_e164(raw, region=None):
    """Return the number in E.164 (``+33612345678``), or raise ValidationError."""
    region = region or settings.AMENDS["DEFAULT_PHONE_REGION"]
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a valid phone number, for example +33 6 12 34 56 78."), code="invalid_phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def maybe_e164(raw):
    """E.164 if ``raw`` reads as a phone number, else None (for searches)."""
    try:
        return to_e164(raw)
    except ValidationError:
        return None
