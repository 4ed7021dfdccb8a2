"""The vocabulary of recovery: ticket statuses, priorities and event kinds.

Kept apart from ``workflow.py`` so that models can name them without importing
the code that moves tickets (which itself needs the models).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    APOLOGIZED = "apologized", _("Apologized")
    COMPENSATED = "compensated", _("Compensated")
    FOLLOW_UP = "follow_up", _("Follow-up")
    RESOLVED = "resolved", _("Resolved")
    CLOSED_INVALID = "closed_invalid", _("Closed (invalid)")


CLOSED_STATUSES = (Status.RESOLVED, Status.CLOSED_INVALID)
OPEN_STATUSES = tuple(s for s in Status if s not in CLOSED_STATUSES)


class Priority(models.TextChoices):
    HIGH = "high", _("High")
    STANDARD = "standard", _("Standard")


class EventKind(models.TextChoices):
    OPENED = "opened", _("Complaint received")
    STATUS = "status", _("Status changed")
    CUSTOMER_MESSAGE = "customer_message", _("Message from the customer")
    AGENT_MESSAGE = "agent_message", _("Message to the customer")
    NOTE = "note", _("Internal note")
    ASSIGNED = "assigned", _("Assigned")
    PRIORITY = "priority", _("Priority changed")
