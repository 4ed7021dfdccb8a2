"""What the API shows of a ticket: a queue row, the whole ticket, an SLA breach.

Read-only. The whole ticket is rendered from ``recovery.selectors.ticket_for_api``,
which loads every list below in one query each, so the cost of a ticket does not
grow with its timeline. Emails and phone numbers are plain strings: a customer
who gave only a phone number has an empty email, which no "email" format allows.
"""

from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from complaints.models import Attachment, Category, Complaint, Customer
from recovery.models import CallbackAttempt, Compensation, RootCause, Ticket, TicketEvent
from recovery.queue import due_state
from recovery.selectors import ticket_next_step
from recovery.workflow.moves import ticket_stage
from shared.people import person_name


class OutputSerializer(serializers.ModelSerializer):
    """Every model field read-only: this is what we show, and its input bounds (an
    integer column's range, which differs between PostgreSQL and SQLite) would
    otherwise end up in the schema."""

    def get_extra_kwargs(self):
        extra = super().get_extra_kwargs()
        for name in self.Meta.fields:
            extra.setdefault(name, {})["read_only"] = True
        return extra


class PersonSerializer(OutputSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "name"]

    def get_name(self, user) -> str:
        return person_name(user)


class CategorySerializer(OutputSerializer):
    # In the language of the request (Accept-Language), like the pages.
    name = serializers.CharField()

    class Meta:
        model = Category
        fields = ["id", "name"]


class RootCauseSerializer(OutputSerializer):
    name = serializers.CharField()

    class Meta:
        model = RootCause
        fields = ["id", "name"]


class CustomerSerializer(OutputSerializer):
    email = serializers.CharField()

    class Meta:
        model = Customer
        fields = ["id", "name", "email", "phone", "language", "timezone"]


# ``added_by``: the agent who sent the file with a message (its event lists
# the id in ``payload.attachments``); null for the customer's own files.
class AttachmentSerializer(OutputSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "added_by", "added_at"]


class ComplaintSerializer(OutputSerializer):
    category = CategorySerializer()
    logged_by = PersonSerializer(allow_null=True)
    attachments = AttachmentSerializer(many=True)

    class Meta:
        model = Complaint
        fields = [
            "reference",
            "channel",
            "category",
            "description",
            "remedy_sought",
            "order_reference",
            "nps_at_intake",
            "consent_to_contact",
            "language",
            "timezone",
            "submitted_at",
            "logged_by",
            "attachments",
        ]


class CompensationSerializer(OutputSerializer):
    proposed_by = PersonSerializer(allow_null=True)
    approved_by = PersonSerializer(allow_null=True)
    fulfilled_by = PersonSerializer(allow_null=True)
    declined_by = PersonSerializer(allow_null=True)
    approvable = serializers.SerializerMethodField(
        help_text="Whether you may approve this line now (proposed, and within your authority)."
    )

    class Meta:
        model = Compensation
        fields = [
            "id",
            "kind",
            "amount",
            "currency",
            "status",
            "remedy_sought",
            "description",
            "reason",
            "decline_reason",
            "code",
            "redeem_instructions",
            "proposed_by",
            "proposed_at",
            "approved_by",
            "approved_at",
            "fulfilled_by",
            "fulfilled_at",
            "declined_by",
            "declined_at",
            "approvable",
        ]

    def get_approvable(self, compensation) -> bool:
        return compensation.pk in self.context.get("approvable", ())


class CallbackAttemptSerializer(OutputSerializer):
    agent = PersonSerializer(allow_null=True)

    class Meta:
        model = CallbackAttempt
        fields = ["id", "agent", "number_called", "outcome", "note", "created_at"]


class EventSerializer(OutputSerializer):
    actor = PersonSerializer(allow_null=True)

    class Meta:
        model = TicketEvent
        fields = [
            "id",
            "kind",
            "actor",
            "created_at",
            "from_status",
            "to_status",
            "customer_visible",
            "payload",
        ]


def _email_choices(name):
    # The outbox's own choices, read off the reverse relation: recovery sits
    # below notifications and may not import it.
    return Ticket._meta.get_field("notifications").related_model._meta.get_field(name).choices


class NotificationSerializer(serializers.Serializer):
    """An email owed because of an event, and what became of it (the outbox row)."""

    id = serializers.IntegerField(read_only=True)
    event = serializers.IntegerField(source="event_id", read_only=True)
    kind = serializers.ChoiceField(choices=_email_choices("kind"), read_only=True)
    recipient = serializers.CharField()
    language = serializers.CharField(read_only=True)
    subject = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=_email_choices("status"), read_only=True)
    attempts = serializers.IntegerField(read_only=True)
    last_error = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    sent_at = serializers.DateTimeField(read_only=True, allow_null=True)
    delivered_at = serializers.DateTimeField(read_only=True, allow_null=True)
    opened_at = serializers.DateTimeField(read_only=True, allow_null=True)


TICKET_FIELDS = [
    "reference",
    "status",
    "priority",
    "version",
    "assignee",
    "opened_at",
    "updated_at",
    "due_at",
    "callback_due_at",
    "callback_promised_at",
    "acknowledged_at",
    "follow_up_due_at",
    "resolved_at",
    "breached_at",
    "escalated_at",
    # The next-reply promise (recovery.workflow.reply): the answer owed to the
    # customer's message, when it was last missed, and the wait on the customer.
    "reply_due_at",
    "reply_breached_at",
    "awaiting_customer_since",
]


STAGE_HELP = (
    "What to call the ticket: its `status`, except `awaiting_approval` for a compensated "
    "ticket with a ledger line still proposed."
)


class TicketRowSerializer(OutputSerializer):
    """One line of the queue."""

    reference = serializers.CharField(source="complaint.reference")
    assignee = PersonSerializer(allow_null=True)
    channel = serializers.CharField(source="complaint.channel")
    category = CategorySerializer(source="complaint.category")
    customer_name = serializers.CharField(source="complaint.customer.name")
    due_state = serializers.SerializerMethodField(
        help_text="`breached`, `soon` (under a quarter of the callback window left) or empty."
    )
    stage = serializers.SerializerMethodField(help_text=STAGE_HELP)

    class Meta:
        model = Ticket
        fields = [*TICKET_FIELDS, "stage", "due_state", "channel", "category", "customer_name"]

    def get_stage(self, ticket) -> str:
        return ticket_stage(ticket)

    def get_due_state(self, ticket) -> str:
        return due_state(ticket, self.context.get("now") or timezone.now())


class NextStepSerializer(serializers.Serializer):
    step = serializers.CharField()
    # A field named like Field.label: the stubs type that attribute as a string.
    label = serializers.CharField()  # type: ignore[assignment]
    due = serializers.DateTimeField(allow_null=True)
    compensation = serializers.IntegerField(allow_null=True)


class TicketSerializer(OutputSerializer):
    """The whole ticket: what the agents' ticket page shows."""

    reference = serializers.CharField(source="complaint.reference")
    assignee = PersonSerializer(allow_null=True)
    next_step = serializers.SerializerMethodField()
    # Not a redirect: a merge can be undone for 7 days, and a client that
    # followed a 301 would keep the survivor's address for good.
    merged_into = serializers.CharField(
        source="merged_into_reference",
        allow_null=True,
        default=None,
        help_text="For a ticket merged into another complaint of the customer (status "
        "`merged`): the survivor's reference, whose ticket shows this one's history. "
        "Null otherwise.",
    )
    stage = serializers.SerializerMethodField(help_text=STAGE_HELP)
    complaint = ComplaintSerializer()
    category = serializers.SerializerMethodField(
        help_text="The category the ticket counts under: the agent's correction, else the "
        "customer's pick (`complaint.category`, which never changes)."
    )
    root_cause = RootCauseSerializer(allow_null=True)
    customer = CustomerSerializer(source="complaint.customer")
    compensations = CompensationSerializer(many=True)
    callback_attempts = CallbackAttemptSerializer(many=True)
    events = EventSerializer(many=True)
    notifications = NotificationSerializer(many=True)

    class Meta:
        model = Ticket
        fields = [
            *TICKET_FIELDS,
            "merged_into",
            "stage",
            "next_step",
            "complaint",
            "category",
            "root_cause",
            "customer",
            "compensations",
            "callback_attempts",
            "events",
            "notifications",
        ]

    def get_stage(self, ticket) -> str:
        return ticket_stage(ticket)

    @extend_schema_field(CategorySerializer)
    def get_category(self, ticket):
        return CategorySerializer(ticket.category or ticket.complaint.category).data

    @extend_schema_field(NextStepSerializer(allow_null=True))
    def get_next_step(self, ticket):
        step = ticket_next_step(ticket)
        if step is None:
            return None
        return {
            "step": step["step"],
            "label": str(step["label"]),
            "due": step["due"],
            "compensation": step["compensation"].pk if step["compensation"] else None,
        }


class BreachSerializer(OutputSerializer):
    """A broken callback promise and how late the callback came (or still is)."""

    reference = serializers.CharField(source="complaint.reference")
    category = serializers.SerializerMethodField(
        help_text="The category the ticket counts under: the agent's correction, else the "
        "customer's pick (`customer_category`)."
    )
    customer_category = CategorySerializer(source="complaint.category")
    assignee = PersonSerializer(allow_null=True)
    late_seconds = serializers.SerializerMethodField(
        help_text="From the promised time to the first contact, or to now while it is still owed."
    )
    still_owed = serializers.SerializerMethodField(
        help_text="True while nobody has reached the customer yet."
    )

    class Meta:
        model = Ticket
        fields = [
            "reference",
            "status",
            "priority",
            "category",
            "customer_category",
            "assignee",
            "callback_promised_at",
            "breached_at",
            "acknowledged_at",
            "late_seconds",
            "still_owed",
        ]

    @extend_schema_field(CategorySerializer)
    def get_category(self, ticket):
        return CategorySerializer(ticket.category or ticket.complaint.category).data

    def get_late_seconds(self, ticket) -> int | None:
        if ticket.callback_promised_at is None:
            return None
        end = ticket.acknowledged_at or self.context.get("now") or timezone.now()
        return max(0, round((end - ticket.callback_promised_at).total_seconds()))

    def get_still_owed(self, ticket) -> bool:
        return ticket.acknowledged_at is None and ticket.is_open
