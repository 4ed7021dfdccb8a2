"""The intake's rules and their words: what every intake (form, phone, API) refuses, written once.

``complaints.services.complaint_file`` applies them before it files anything;
the public form calls ``intake_refusals`` too, to show these refusals beside
its own parse errors in one round. The parsers name ``MESSAGES`` for the
answers they require, so that an empty field reads the same whether the
browser, Django or DRF spots it.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from complaints.models import Channel, Customer

DESCRIPTION_MIN_LENGTH = 10
MESSAGES = {
    "name_required": _("Tell us your name."),
    "email_required": _("We need your email to keep you informed."),
    "email_invalid": _("Enter a valid email address, such as name@example.com."),
    "category_required": _("Choose what your complaint is about."),
    "description_required": _("Tell us what happened."),
    "description_too_short": _(
        "Tell us a little more about what happened (at least 10 characters)."
    ),
    "consent_required": _("We need your permission to contact you about this complaint."),
    "no_contact": _("Enter the customer's email or phone number so we can call them back."),
    "channel_staff_only": _(
        "Only staff choose the channel. Leave it out: complaints filed without a "
        "staff account are web complaints."
    ),
}


def intake_refusals(
    answers: Mapping[str, Any], *, public: bool, customer: Customer | None = None
) -> dict[str, ValidationError]:
    """``{field: ValidationError}`` for every answer the intake refuses; empty when all pass.

    ``answers`` uses the intake's field names (``consent``, not
    ``consent_to_contact``); a field it lacks (one its parser already refused)
    is not judged again. A form calls this to show these refusals beside its
    own parse errors in one round; ``complaint_file`` raises them.
    """
    errors: dict[str, ValidationError] = {}

    def refuse(field: str, message: str, code: str) -> None:
        if field in answers:
            errors[field] = ValidationError(MESSAGES[message], code=code)

    if not " ".join(str(answers.get("name", "")).split()):
        refuse("name", "name_required", "required")
    if len(str(answers.get("description", "")).strip()) < DESCRIPTION_MIN_LENGTH:
        refuse("description", "description_too_short", "too_short")
    if public:
        # A customer filing for themselves files on the web, like the public
        # form. A channel they name is refused rather than overwritten: a
        # client that thinks it files for staff (its token lost or expired)
        # learns so, instead of reading a 201 for a complaint filed otherwise.
        if answers.get("channel", Channel.WEB) != Channel.WEB:
            refuse("channel", "channel_staff_only", "staff_only")
        if not answers.get("email"):
            refuse("email", "email_required", "required")
        if not answers.get("consent"):
            refuse("consent", "consent_required", "required")
    return errors


def answers_check(
    *,
    name: str,
    email: str,
    phone: str,
    description: str,
    consent_to_contact: bool,
    channel: str | None,
    public: bool,
    customer: Customer | None,
) -> None:
    """Raise ValidationError naming every answer the intake refuses, all at once.

    ``channel`` is the one the filer asked for; None when the intake itself
    names it (the complaints address files email complaints), which no
    filer can ask for.
    """
    answers: dict[str, object] = {
        "name": name,
        "email": email,
        "description": description,
        "consent": consent_to_contact,
    }
    if channel is not None:
        answers["channel"] = channel
    errors = intake_refusals(answers, public=public, customer=customer)
    if errors:
        raise ValidationError(errors)
    if not public and not (email or phone or customer):
        raise ValidationError(MESSAGES["no_contact"], code="no_contact")
