"""Filing a complaint through the API: the public form's rules, as JSON.

Anyone may file. Anonymous callers (and logged-in users without a role) get
the public form's rules: an email and consent are required, and the same
per-IP and per-email rate limits count their complaints, which are web
complaints like the form's. Agents and managers get the phone-intake rules
instead (an email or a phone number; consent as the customer gave it), say
which channel the complaint came by, and are not rate limited (their token
is throttled).
The form's honeypot and minimum fill time are for browsers and do not apply.
The body is JSON, or multipart/form-data to send files (``attachments``,
repeated once per file): the form's rule checks them (``complaints.uploads``)
before anything is saved, and a refused file answers 400 under ``attachments``.

An ``Idempotency-Key`` header makes a retry safe. The key is stored on the
complaint (``Complaint.idempotency_key``, unique, so two racing requests
still make one complaint), hashed together with who sent it: the caller's
user, or for anonymous callers their IP address, so nobody can fetch
another caller's tracking link by guessing their key. A hash of the
validated body is stored beside it; the same key with another body is
refused with 422 rather than answered with the first complaint.

Without a key, or with a new one, the same customer sending the same text
again within ``AMENDS["DUPLICATE_WINDOW_SECONDS"]`` files nothing either
(``complaint_file`` decides, for the form and phone intake alike): the
answer is 200 with the first complaint and ``Duplicate-Replayed: true``.

The serializer only parses: the rules (who must give an email, consent, the
channel), their words, the replay and the rate limits are ``complaint_file``'s,
and its ValidationError answers 400 like the serializer's own
(``config.rest``).
"""

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import APIException
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints.forms import VALID_TIMEZONES
from complaints.models import Category, Channel, Complaint
from complaints.rules import DESCRIPTION_MIN_LENGTH, MESSAGES
from complaints.services import (
    IdempotencyKeyReused,
    IntakeRateLimited,
    complaint_file,
    intake_answers,
)
from complaints.uploads import ALLOWED_TYPES, Checked, uploads_check
from shared.choices import Priority
from shared.client_ip import client_ip
from shared.phones import to_e164
from shared.roles import is_agent

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
DUPLICATE_HEADER = "Duplicate-Replayed"
KEY_RE = re.compile(r"^[!-~]{1,255}$")  # visible ASCII, as a header can carry it


class RateLimited(APIException):
    status_code = 429
    default_code = "rate_limited"
    default_detail = _(
        "We have received too many complaints from this connection or this email address in a "
        "short time, so we cannot take another one right now. Please try again later, or call "
        "us: we will gladly take your complaint by phone."
    )


class KeyReused(APIException):
    status_code = 422
    default_code = "idempotency_key_reused"
    default_detail = _(
        "This Idempotency-Key was already used for a different complaint. "
        "Send a new key with a new complaint."
    )


class AttachmentsField(serializers.ListField):
    """Files in a multipart/form-data body, one part per file under the same name.

    Checked by the form's rule (``complaints.uploads.uploads_check``): how
    many, how large, not empty, and an image or a PDF by content, whatever the
    name says. The value is ``[(file, extension)]``, as ``complaint_file`` and
    ``complaints.services.attachments_store`` take it. Empty files pass the
    parsing so that the rule's own message names them.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "help_text",
            "Files, as multipart/form-data (this name once per file): at most "
            f"{settings.AMENDS['MAX_ATTACHMENTS']}, each up to "
            f"{settings.AMENDS['MAX_ATTACHMENT_BYTES'] // 2**20} MB, of the types "
            f"{', '.join(ALLOWED_TYPES)} (checked by content).",
        )
        super().__init__(
            child=serializers.FileField(allow_empty_file=True, use_url=False),
            required=False,
            default=list,
            **kwargs,
        )

    def to_internal_value(self, data: Any) -> list[Checked]:
        files = super().to_internal_value(data)
        try:
            return uploads_check(files)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None


def _optional(**kwargs: Any) -> dict[str, Any]:
    return {"required": False, "allow_blank": True, "default": "", **kwargs}


class ComplaintInput(serializers.Serializer):
    name = serializers.CharField(
        max_length=200,
        error_messages={"required": MESSAGES["name_required"], "blank": MESSAGES["name_required"]},
    )
    email = serializers.EmailField(
        max_length=254,
        error_messages={"invalid": MESSAGES["email_invalid"]},
        help_text="Required, unless an agent files with a phone number.",
        **_optional(),
    )
    phone = serializers.CharField(
        max_length=40, help_text="Any format; stored in E.164.", **_optional()
    )
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(active=True),
        error_messages={"required": MESSAGES["category_required"]},
    )
    order_reference = serializers.CharField(max_length=100, **_optional())
    description = serializers.CharField(
        min_length=DESCRIPTION_MIN_LENGTH,
        max_length=10000,
        error_messages={
            "required": MESSAGES["description_required"],
            "blank": MESSAGES["description_required"],
            "min_length": MESSAGES["description_too_short"],
        },
    )
    remedy_sought = serializers.CharField(max_length=2000, **_optional())
    nps = serializers.IntegerField(
        min_value=0,
        max_value=10,
        required=False,
        allow_null=True,
        default=None,
        help_text="How likely to recommend us, 0 to 10.",
    )
    consent = serializers.BooleanField(
        help_text="The customer agrees to be contacted; must be true unless an agent files."
    )
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        help_text="The customer's language; by default the request's (Accept-Language).",
    )
    timezone = serializers.CharField(
        max_length=64, help_text="The customer's IANA time zone, e.g. Europe/Paris.", **_optional()
    )
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        required=False,
        help_text="How the complaint reached us; staff only, by default api. Without a "
        "staff token or session it is always web, and any other value is refused.",
    )
    attachments = AttachmentsField()

    def validate_name(self, value: str) -> str:
        # Spacing only, so that a retry spelled differently has the same fingerprint;
        # whether a name was given is complaint_file's rule.
        return " ".join(value.split())

    def validate_phone(self, value: str) -> str:
        try:
            return to_e164(value.strip()) if value.strip() else ""
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None

    def validate_timezone(self, value: str) -> str:
        if value and value not in VALID_TIMEZONES:
            raise serializers.ValidationError(
                _("Enter a time zone such as Europe/Paris, or leave it out.")
            )
        return value


def _ticket_field(name):
    """A column of the complaint's ticket, reached through the complaint's own relation.

    The ticket is recovery's, a layer above, which this module must not
    import; its answer still carries the ticket's choices and labels.
    """
    return Complaint._meta.get_field("ticket").related_model._meta.get_field(name)


# The ticket a complaint just opened: where it stands and when we will call.
# (No docstring: it would become the schema's description.)
class FiledTicketSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=_ticket_field("status").choices, read_only=True)
    priority = serializers.ChoiceField(choices=Priority.choices, read_only=True)
    callback_due_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        label=capfirst(_ticket_field("callback_due_at").verbose_name),
    )


class ComplaintFiledSerializer(serializers.ModelSerializer):
    tracking_url = serializers.SerializerMethodField(
        help_text="The customer's private tracking page: send it to them, never publish it."
    )
    ticket = FiledTicketSerializer()

    class Meta:
        model = Complaint
        fields = ["reference", "submitted_at", "tracking_url", "ticket"]

    def get_tracking_url(self, complaint: Complaint) -> str:
        path = reverse("complaints:track", args=[complaint.tracking_token])
        return self.context["request"].build_absolute_uri(path)


def idempotency_key(request: Request, ip: str | None) -> str | None:
    """The stored key for this caller's Idempotency-Key header, or None without one."""
    raw = request.headers.get(KEY_HEADER, "")
    if not raw:
        return None
    if not KEY_RE.match(raw):
        raise serializers.ValidationError(
            {KEY_HEADER: [_("Use up to 255 visible ASCII characters, such as a UUID.")]}
        )
    caller = f"user:{request.user.pk}" if request.user.is_authenticated else f"ip:{ip}"
    # 64 characters fit the column; "api:" keeps these apart from the form's keys.
    return "api:" + hashlib.sha256(f"{caller}\n{raw}".encode()).hexdigest()[:60]


def fingerprint(data: Mapping[str, Any]) -> str:
    """A hash of the validated body: the same complaint, however its JSON was spelled.

    Files count by their names and sizes: a retry sends the same ones.
    """
    canonical = {k: (v.pk if isinstance(v, Category) else v) for k, v in data.items()}
    canonical["attachments"] = [[f.name, f.size] for f, _ext in data.get("attachments", ())]
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, default=str).encode()).hexdigest()


class ComplaintCreateView(APIView):
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, MultiPartParser]
    error_statuses = (422,)

    @extend_schema(
        operation_id="complaints_create",
        summary="File a complaint",
        description="Anonymous callers follow the public form's rules and rate limits "
        "(email and consent required); agents follow the phone intake's (an email or a "
        "phone number). Send JSON, or multipart/form-data with `attachments` (one part "
        "per file) to send photos or PDFs; a refused file answers 400 and nothing is filed.",
        parameters=[
            OpenApiParameter(
                KEY_HEADER,
                str,
                OpenApiParameter.HEADER,
                description="Any unique string (a UUID): a retry with the same key and body "
                "gets the first answer; with another body, 422.",
                pattern=KEY_RE.pattern,
            ),
            OpenApiParameter(
                REPLAYED_HEADER,
                str,
                OpenApiParameter.HEADER,
                description="`true` when this is the first answer again, for a retry "
                "with the same Idempotency-Key and body.",
                enum=["true"],
                response=[201],
            ),
            OpenApiParameter(
                DUPLICATE_HEADER,
                str,
                OpenApiParameter.HEADER,
                description="`true`: the same customer sent the same text moments ago "
                "(whatever the key), so nothing was filed and this is that complaint.",
                enum=["true"],
                response=[200],
            ),
        ],
        request=ComplaintInput,
        responses={
            201: ComplaintFiledSerializer,
            200: OpenApiResponse(
                ComplaintFiledSerializer,
                description="Already received: the complaint this one repeats.",
            ),
        },
    )
    def post(self, request: Request) -> Response:
        body = ComplaintInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        agent = is_agent(request.user)
        ip = client_ip(request)
        key = idempotency_key(request, ip)
        # Staff file API complaints unless they say otherwise; the public, web ones.
        data.setdefault("channel", Channel.API if agent else Channel.WEB)
        try:
            complaint, created = complaint_file(
                **intake_answers(data),
                channel=data["channel"],
                language=data.get("language") or get_language() or settings.LANGUAGE_CODE,
                timezone_name=data["timezone"],
                attachments=data["attachments"],
                idempotency_key=key,
                idempotency_fingerprint=fingerprint(data),
                # An agent is signed in (is_agent says so); the check tells mypy too.
                logged_by=request.user if agent and request.user.is_authenticated else None,
                ip_address=None if agent else ip,
            )
        except IntakeRateLimited:
            raise RateLimited() from None
        except IdempotencyKeyReused:
            raise KeyReused() from None
        if created:
            return self._answer(request, complaint)
        if key and complaint.idempotency_key == key:
            # A retry with its key and the same body: the first answer again.
            response = self._answer(request, complaint)
            response[REPLAYED_HEADER] = "true"
            return response
        # Found by the customer and the text, whatever the key: nothing was
        # created this time, hence 200 rather than the first answer's 201.
        response = self._answer(request, complaint, status=200)
        response[DUPLICATE_HEADER] = "true"
        return response

    def _answer(self, request: Request, complaint: Complaint, *, status: int = 201) -> Response:
        complaint = Complaint.objects.select_related("ticket").get(pk=complaint.pk)
        data = ComplaintFiledSerializer(complaint, context={"request": request}).data
        return Response(data, status=status)
