"""The customer's own way in through the API: a message (with files) on their complaint.

The customer has no account: their tracking link's token is the key, as on
the tracking page (``recovery.views.tracking``), with the same rules. A dead
or unknown token is a 404 that says nothing more; the message is recorded by
``recovery.workflow.ticket_customer_message`` as the page records it (the
agent is told, a resolved ticket reopens, a merged one passes it on), with
``source`` "api". Files come as multipart/form-data under ``attachments``,
checked by the form's rule; they stay the customer's (no ``added_by``).
No session or token is read, so no CSRF check applies; the per-IP throttle does.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints.api import AttachmentsField
from complaints.models import Attachment
from recovery.models import TicketEvent
from recovery.tracking import complaint_for_tracking
from recovery.workflow import ticket_customer_message

TOKEN_PARAMETER = OpenApiParameter(
    "token",
    location=OpenApiParameter.PATH,
    description="The token of the customer's tracking link (the last part of `tracking_url`).",
    pattern=r"^[A-Za-z0-9_-]{43}$",
)


class CustomerMessageInput(serializers.Serializer):
    text = serializers.CharField(
        max_length=5000,
        error_messages={
            "required": _("Write your message before sending it."),
            "blank": _("Write your message before sending it."),
        },
    )
    attachments = AttachmentsField()


class SentFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size"]
        read_only_fields = fields


# The message as recorded on the complaint's timeline.
class CustomerMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    text = serializers.CharField(read_only=True)
    attachments = SentFileSerializer(many=True, read_only=True)


class CustomerMessageView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        operation_id="track_message_create",
        summary="Send a message, with files, as the customer",
        description="For the holder of the tracking link: the same as the tracking page's "
        "message box. JSON, or multipart/form-data with `attachments` (one part per file); "
        "a refused file answers 400 and nothing is sent. A resolved complaint reopens.",
        parameters=[TOKEN_PARAMETER],
        request=CustomerMessageInput,
        responses={201: CustomerMessageSerializer},
        tags=["tracking"],
    )
    def post(self, request: Request, token: str) -> Response:
        complaint = complaint_for_tracking(token)
        if getattr(complaint, "ticket", None) is None:
            raise NotFound()
        body = CustomerMessageInput(data=request.data)
        body.is_valid(raise_exception=True)
        event = ticket_customer_message(
            ticket=complaint.ticket,
            text=body.validated_data["text"],
            source="api",
            attachments=body.validated_data["attachments"],
        )
        return Response(CustomerMessageSerializer(_sent(event)).data, status=201)


def _sent(event: TicketEvent) -> dict[str, object]:
    ids = event.payload.get("attachments") or []
    return {
        "id": event.pk,
        "created_at": event.created_at,
        "text": event.payload["text"],
        "attachments": list(Attachment.objects.filter(pk__in=ids)),
    }
