"""Choices more than one app stores: kept here so that a lower app can name them.

A complaint's category carries a default priority that its ticket takes; the
category belongs to ``complaints``, the ticket to ``recovery``, and the word
for both is one. An email's delivery status is the outbox's (``notifications``),
and the agents' queue (``recovery``) filters tickets whose emails went wrong.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Priority(models.TextChoices):
    HIGH = "high", _("High")
    STANDARD = "standard", _("Standard")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    BOUNCED = "bounced", _("Bounced")
    COMPLAINED = "complained", _("Marked as spam")
    FAILED = "failed", _("Failed")


# What the agents must see: the email did not reach the customer.
TROUBLE = (NotificationStatus.FAILED, NotificationStatus.BOUNCED, NotificationStatus.COMPLAINED)
