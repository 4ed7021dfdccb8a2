"""What the API reads besides a step's body: the queue's and the breach report's filters.

A step's body is built from its line in ``recovery.steps.STEPS`` (its fields
are in ``recovery.forms``), from the same declaration as the page's form.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from complaints.models import Channel
from recovery.choices import Priority, Status
from recovery.forms import MAX_INT


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
