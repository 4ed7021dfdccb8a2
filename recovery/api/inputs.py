"""What the API reads: the body of each step on a ticket, and the queue's filters.

Like the pages' forms (``recovery.forms``) these only parse; the rules (a
reason for "none", an amount to the cent, a number that dials) live in the
services, whose ValidationError comes back keyed by the same names. Text
fields are not required here for that reason: a missing apology gets the
service's message, in the agent's words, not a generic "required".

``version`` is optional everywhere: the ticket version the caller last read.
Given, a step on a ticket changed since is refused (409 ``stale_ticket``).
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from complaints.models import Channel
from recovery.choices import (
    AcknowledgeMethod,
    CallbackOutcome,
    CompensationKind,
    Priority,
    Status,
)

# PostgreSQL's integer: a larger id or version can only be wrong.
MAX_INT = 2**31 - 1
TEXT_MAX = 5000


def _text(**kwargs):
    return serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX, default="", **kwargs
    )


class StepInput(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_INT,
        help_text="The ticket version you acted on; a step on a changed ticket answers 409.",
    )


class AcknowledgeInput(StepInput):
    method = serializers.ChoiceField(choices=AcknowledgeMethod.choices)
    number_called = _text(help_text="For `phone`: the number that reached the customer.")
    message = _text(help_text="For `message`: what you wrote to the customer (they see it).")
    note = _text(help_text="Internal note on the call.")


class CallbackAttemptInput(StepInput):
    number_called = _text()
    outcome = serializers.ChoiceField(choices=CallbackOutcome.choices)
    note = _text()


class ApologyInput(StepInput):
    text = _text(help_text="The apology, in the words the customer will see.")


class CompensationInput(StepInput):
    kind = serializers.ChoiceField(choices=CompensationKind.choices)
    # Text, never a float: money keeps its exact cents (the ledger parses it).
    amount = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=20,
        default=None,
        help_text='A decimal in a string, such as "25.00"; none for a replacement or "none".',
    )
    currency = serializers.CharField(
        required=False, allow_blank=True, max_length=3, default="", help_text="ISO 4217, e.g. EUR."
    )
    description = _text()
    reason = _text(help_text="Required for `none`: why nothing is due.")


class FulfilInput(StepInput):
    code = _text(
        help_text="Required for a voucher or discount: the code the customer redeems (they see it)."
    )
    redeem_instructions = _text(
        help_text="Required for a voucher or discount: how and until when to use the code."
    )


class ReasonInput(StepInput):
    reason = _text()


class ResolveInput(StepInput):
    note = _text(help_text="Internal: how the follow-up went.")


class PriorityInput(StepInput):
    priority = serializers.ChoiceField(choices=Priority.choices)


class AssignInput(StepInput):
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        allow_null=True,
        help_text="The agent's user id, or null to unassign.",
    )


class NoteInput(serializers.Serializer):
    text = _text()
    customer_visible = serializers.BooleanField(
        required=False,
        default=False,
        help_text="True: a message the customer sees on their tracking page.",
    )


def _user_filter(value):
    if value in ("me", "none") or (
        value.isascii() and value.isdigit() and 0 < int(value) <= MAX_INT
    ):
        return value
    raise serializers.ValidationError(_("Give a user id, “me” or “none”."))


class QueueQuery(serializers.Serializer):
    """The queue's filters; without ``status``, the open tickets."""

    status = serializers.ChoiceField(choices=Status.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    category = serializers.IntegerField(min_value=1, max_value=MAX_INT, required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    assignee = serializers.CharField(
        required=False,
        validators=[_user_filter],
        help_text="A user id, `me`, or `none` for the unassigned.",
    )
    breached = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Only tickets whose callback promise is broken (overdue or marked).",
    )


class BreachQuery(serializers.Serializer):
    """The breach report's filters; ``from`` is inclusive, ``to`` exclusive, on ``breached_at``."""

    to = serializers.DateTimeField(
        required=False, input_formats=["iso-8601", "%Y-%m-%d"], help_text="Breached before."
    )
    assignee = serializers.IntegerField(min_value=1, max_value=MAX_INT, required=False)
    category = serializers.IntegerField(min_value=1, max_value=MAX_INT, required=False)

    def get_fields(self):
        # "from" is a Python keyword, so it cannot be a class attribute.
        fields = super().get_fields()
        fields["from"] = serializers.DateTimeField(
            required=False,
            input_formats=["iso-8601", "%Y-%m-%d"],
            help_text="Breached at or after.",
        )
        return fields
