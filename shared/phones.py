"""Phone numbers: one normaliser for storing, searching and validating them.

Every number we keep is E.164 (``+447911123456``), whatever was typed:
``07911 123456``, ``+44 7911 123456``, ``0044 7911 123456``, ``06 12 34 56 78``.
A national number (no ``+`` or international prefix) is read in the region
``settings.AMENDS["DEFAULT_PHONE_REGION"]``. The same function serves the
forms, the API, ``customer_find_or_create`` and the searches, so a number
that was accepted once is always found again by the same digits.
"""

import re

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def _plausible(number: phonenumbers.PhoneNumber) -> bool:
    """Whether ``number`` could be a real subscriber number of its country.

    Valid numbers pass. So do numbers that are not valid only because they
    are in a range libphonenumber does not list as allocated, provided they
    have a full (not local-only) length for their country and fit that
    country's numbering plan as a whole. Why not simply ``is_valid_number``:
    validity is judged against the range tables of the ``phonenumbers``
    release we ship, which lag behind new allocations and leave out reserved
    ranges, such as Ofcom's 07700 900xxx "drama" numbers our demo data and
    many a customer's test account use. Refusing a returning customer the
    number we stored for them is worse than one callback that does not
    connect (the agent notices on the call). Why not simply
    ``is_possible_number``: it checks length only, so ``06 12 34 56 78``
    read as a UK number (+44 612345678) would pass; the numbering plan's
    general pattern refuses it, as it refuses a French national number with
    one digit too many (``07911 123456`` read in France).
    """
    if phonenumbers.is_valid_number(number):
        return True
    reason = phonenumbers.is_possible_number_with_reason(number)
    country_code = number.country_code
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE or country_code is None:
        return False
    region = phonenumbers.region_code_for_country_code(country_code)
    if region == phonenumbers.UNKNOWN_REGION:
        return False
    metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(country_code, region)
    general = metadata and metadata.general_desc
    pattern = general and general.national_number_pattern
    return bool(pattern and re.fullmatch(pattern, phonenumbers.national_significant_number(number)))


def to_e164(raw: object, region: str | None = None) -> str:
    """``raw`` in E.164, or ValidationError when it cannot be a phone number.

    ``region`` (by default the setting) says how to read a national number;
    a number written with its country code is read as written.
    """
    region = region or settings.AMENDS["DEFAULT_PHONE_REGION"]
    try:
        number = phonenumbers.parse(str(raw or ""), region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not _plausible(number):
        raise ValidationError(
            _("Enter a valid phone number, for example +33 6 12 34 56 78."), code="invalid_phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def maybe_e164(raw: object) -> str | None:
    """E.164 if ``raw`` reads as a phone number, else None (for searches)."""
    try:
        return to_e164(raw)
    except ValidationError:
        return None
