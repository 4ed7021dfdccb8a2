"""The public complaint form and the agents' phone-intake form.

They parse what was typed (types, lengths, the files by content, the form's
one-time key, the bots' tells) and nothing more: the intake's rules and their
words are ``complaints.services.complaint_file``'s, which the views call.
"""

import time
import uuid
import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from complaints.models import Category
from complaints.rules import MESSAGES, intake_refusals
from complaints.uploads import (
    ALLOWED_EXTENSIONS,
    ALLOWED_TYPES,
    bad_type_message,
    empty_message,
    format_size,
    size_units,
    too_large_message,
    too_many_message,
    uploads_check,
    uploads_count_check,
)
from shared.phones import to_e164

FORM_TOKEN_SALT = "amends.complaint-form"  # noqa: S105 (a signing namespace, not a secret)
FORM_TOKEN_MAX_AGE = 24 * 3600
NPS_CHOICES = [("", _("Rather not say"))] + [(str(i), str(i)) for i in range(11)]
VALID_TIMEZONES = frozenset(zoneinfo.available_timezones())


class UnchosenRadioSelect(forms.RadioSelect):
    """Radios with nothing chosen until the person chooses, "Rather not say" included.

    Django checks the empty-valued choice for a missing value: the page then opened
    with "Rather not say" chosen, and the keyboard entered the question on it.
    """

    def format_value(self, value: Any) -> Any:
        return [] if value is None else super().format_value(value)


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that tells the page's script the server's rules, in the server's words.

    The script (static/js/amends.js) checks count, size and type before anything is
    sent; the server checks again, by content. Built at render time: the limits come
    from settings and the messages are in the reader's language.
    """

    allow_multiple_selected = True

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        placeholder = "{name}"  # the script puts each file's name there
        rules = {
            "accept": ",".join([*ALLOWED_TYPES, *(f".{ext}" for ext in ALLOWED_EXTENSIONS)]),
            "data-max-files": settings.AMENDS["MAX_ATTACHMENTS"],
            "data-max-bytes": settings.AMENDS["MAX_ATTACHMENT_BYTES"],
            "data-types": " ".join(ALLOWED_TYPES),
            "data-extensions": " ".join(ALLOWED_EXTENSIONS),
            # How sizes are written ("%s MB" / "%s Mo"), for the list of chosen files.
            **{f"data-unit-{unit}": pattern for unit, (_factor, pattern) in size_units().items()},
            "data-error-too-many": too_many_message(),
            "data-error-too-large": too_large_message(placeholder),
            "data-error-bad-type": bad_type_message(placeholder),
            "data-error-empty": empty_message(placeholder),
        }
        return super().get_context(name, value, {**rules, **(attrs or {})})


class MultipleFileField(forms.FileField):
    """Several files in one input, each checked by content."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput)
        # An empty file is the rule's to refuse, naming it, as the API's and the script's do.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[tuple[Any, str]]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        # The one rule (complaints.uploads), after Django's own reading of each file.
        uploads_count_check(files)
        return uploads_check([super(MultipleFileField, self).clean(f, initial) for f in files])


def new_form_token() -> str:
    """A signed one-time key and start time, so we can tell a refresh from a new complaint
    and a bot (that submits instantly) from a person."""
    return signing.dumps({"k": uuid.uuid4().hex, "t": int(time.time())}, salt=FORM_TOKEN_SALT)


class CustomerDetailsMixin:
    cleaned_data: dict[str, Any]

    def clean_phone(self) -> str:
        raw = self.cleaned_data.get("phone", "").strip()
        return to_e164(raw) if raw else ""

    def clean_nps(self) -> int | None:
        value = self.cleaned_data.get("nps")
        return int(value) if value not in (None, "") else None


def _category_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("What is it about?"),
        queryset=Category.objects.filter(active=True),
        empty_label=_("Choose a topic"),
        error_messages={"required": MESSAGES["category_required"]},
    )


class ComplaintForm(CustomerDetailsMixin, forms.Form):
    """What a customer fills in on the public page."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        error_messages={"required": MESSAGES["name_required"]},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        error_messages={
            "required": MESSAGES["email_required"],
            "invalid": MESSAGES["email_invalid"],
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Your phone number"),
        required=False,
        max_length=40,
        help_text=_(
            "Optional. We call you back on it; include the country code if you are not in France."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    category = None  # set in __init__ so the queryset is fresh
    order_reference = forms.CharField(
        label=_("Order or account number"),
        required=False,
        max_length=100,
        help_text=_("Optional. It helps us find your order faster."),
    )
    description = forms.CharField(
        label=_("What happened?"),
        max_length=10000,
        error_messages={"required": MESSAGES["description_required"]},
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    remedy_sought = forms.CharField(
        label=_("What would put it right for you?"),
        required=False,
        max_length=2000,
        help_text=_("Optional. A refund, a replacement, an apology… tell us what you would like."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    nps = forms.TypedChoiceField(
        label=_("Today, how likely are you to recommend us to a friend?"),
        help_text=_("0 means not at all likely, 10 extremely likely. Optional."),
        choices=NPS_CHOICES,
        required=False,
        widget=UnchosenRadioSelect,
    )
    attachments = MultipleFileField(label=_("Photos or documents"), required=False)
    consent = forms.BooleanField(
        label=_("I agree to be contacted about this complaint by email or phone."),
        error_messages={"required": MESSAGES["consent_required"]},
    )
    # Filled by the page's script with the browser's time zone; optional.
    timezone = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)
    form_token = forms.CharField(widget=forms.HiddenInput)
    # A field people never see; bots fill in everything.
    website = forms.CharField(required=False, label=_("Leave this field empty"), max_length=200)

    field_order = [
        "name",
        "email",
        "phone",
        "category",
        "order_reference",
        "description",
        "remedy_sought",
        "nps",
        "attachments",
        "consent",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"] = _category_field()
        # The limits as the server applies them, written as the rest of the page writes sizes.
        self.fields["attachments"].help_text = _(
            "Optional. Up to %(count)d images or PDF files, %(size)s each."
        ) % {
            "count": settings.AMENDS["MAX_ATTACHMENTS"],
            "size": format_size(settings.AMENDS["MAX_ATTACHMENT_BYTES"]),
        }
        self.order_fields(self.field_order)
        if not self.is_bound:
            self.initial.setdefault("form_token", new_form_token())

    def clean_timezone(self) -> str:
        value = self.cleaned_data.get("timezone", "")
        return value if value in VALID_TIMEZONES else ""

    def clean_form_token(self) -> str:
        try:
            data = signing.loads(
                self.cleaned_data["form_token"], salt=FORM_TOKEN_SALT, max_age=FORM_TOKEN_MAX_AGE
            )
        except signing.BadSignature as error:
            raise ValidationError(
                _("This form has expired. Check your complaint and send it again."), code="expired"
            ) from error
        self.idempotency_key = data["k"]
        self.started_at = data["t"]
        return self.cleaned_data["form_token"]

    def clean(self):
        cleaned = super().clean()
        # The intake's own refusals (complaint_file's), shown beside the
        # parse errors in one round rather than after them.
        answers = {name: value for name, value in cleaned.items() if name not in self.errors}
        for field, error in intake_refusals(answers, public=True).items():
            self.add_error(field, error)
        if cleaned.get("website"):
            raise ValidationError(
                _("We could not accept this submission. Leave the last field empty and try again."),
                code="honeypot",
            )
        started = getattr(self, "started_at", None)
        if started is not None and time.time() - started < settings.AMENDS["MIN_FILL_SECONDS"]:
            raise ValidationError(
                _("That was quick! Please check your complaint, then send it again."),
                code="too_fast",
            )
        return cleaned

    def renew_token(self):
        """A fresh token for a form shown again after an expired one."""
        data = self.data.copy()
        data["form_token"] = new_form_token()
        self.data = data


class PhoneComplaintForm(CustomerDetailsMixin, forms.Form):
    """What an agent types while the customer is on the line."""

    # Read from the form's one-time key by clean_form_token (ComplaintForm's).
    idempotency_key: str

    customer_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Customer name"), max_length=200)
    email = forms.EmailField(label=_("Email"), required=False, max_length=254)
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    language = forms.ChoiceField(label=_("Customer's language"), choices=settings.LANGUAGES)
    category = None
    order_reference = forms.CharField(
        label=_("Order or account number"), required=False, max_length=100
    )
    description = forms.CharField(
        label=_("What happened"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6})
    )
    remedy_sought = forms.CharField(
        label=_("Remedy the customer wants"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    nps = forms.TypedChoiceField(
        label=_("Likelihood to recommend (0–10), if asked"), choices=NPS_CHOICES, required=False
    )
    consent = forms.BooleanField(
        label=_("The customer agrees to be contacted about this complaint."),
        required=False,
        initial=True,
    )
    form_token = forms.CharField(widget=forms.HiddenInput)

    field_order = [
        "customer_id",
        "name",
        "email",
        "phone",
        "language",
        "category",
        "order_reference",
        "description",
        "remedy_sought",
        "nps",
        "consent",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"] = _category_field()
        self.fields["category"].label = _("Topic")
        self.order_fields(self.field_order)
        if not self.is_bound:
            self.initial.setdefault("form_token", new_form_token())

    clean_form_token = ComplaintForm.clean_form_token
