"""The vocabulary of recovery: ticket statuses, priorities and event kinds.

Kept apart from ``recovery.workflow`` so that models can name them without importing
the code that moves tickets (which itself needs the models).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from shared import choices as shared_choices


class Status(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    APOLOGIZED = "apologized", _("Apologized")
    COMPENSATED = "compensated", _("Compensated")
    FOLLOW_UP = "follow_up", _("Follow-up")
    RESOLVED = "resolved", _("Resolved")
    CLOSED_INVALID = "closed_invalid", _("Closed (invalid)")
    # Joined to another complaint of the same customer (recovery.models.TicketMerge).
    MERGED = "merged", _("Merged")


CLOSED_STATUSES = (Status.RESOLVED, Status.CLOSED_INVALID, Status.MERGED)
OPEN_STATUSES = tuple(s for s in Status if s not in CLOSED_STATUSES)


# Stored by complaints too (a category's default), so defined below both apps.
Priority = shared_choices.Priority


class EventKind(models.TextChoices):
    OPENED = "opened", _("Complaint received")
    STATUS = "status", _("Status changed")
    CUSTOMER_MESSAGE = "customer_message", _("Message from the customer")
    AGENT_MESSAGE = "agent_message", _("Message to the customer")
    NOTE = "note", _("Internal note")
    ASSIGNED = "assigned", _("Assigned")
    PRIORITY = "priority", _("Priority changed")
    CALLBACK_ATTEMPT = "callback_attempt", _("Callback attempt")
    COMPENSATION = "compensation", _("Compensation")
    REMINDED = "reminded", _("Callback reminder")
    BREACHED = "breached", _("Callback promise missed")
    SURVEY_SENT = "survey_sent", _("Follow-up survey sent")
    SURVEY_ANSWERED = "survey_answered", _("Follow-up survey answered")
    SURVEY_EXPIRED = "survey_expired", _("Follow-up survey not answered")
    CATEGORY = "category", _("Category corrected")
    ROOT_CAUSE = "root_cause", _("Root cause recorded")
    MERGED = "merged", _("Merged")
    UNMERGED = "unmerged", _("Merge undone")
    AWAITING_CUSTOMER = "awaiting_customer", _("Waiting on the customer")
    REPLY_REMINDED = "reply_reminded", _("Reply reminder")
    REPLY_BREACHED = "reply_breached", _("Reply deadline missed")


class AcknowledgeMethod(models.TextChoices):
    """How the first human contact was made: what the callback promise asks for."""

    PHONE = "phone", _("Phone call, customer reached")
    MESSAGE = "message", _("Personal email or message")


class CallbackOutcome(models.TextChoices):
    REACHED = "reached", _("Reached the customer")
    VOICEMAIL = "voicemail", _("Left a voicemail")
    NO_ANSWER = "no_answer", _("No answer")
    WRONG_NUMBER = "wrong_number", _("Wrong number")


class CompensationKind(models.TextChoices):
    REFUND = "refund", _("Refund")
    VOUCHER = "voucher", _("Voucher")
    REPLACEMENT = "replacement", _("Replacement")
    DISCOUNT = "discount", _("Discount")
    GIFT = "gift", _("Gift")
    GOODWILL = "goodwill", _("Goodwill gesture")
    NONE = "none", _("No compensation")


# Money is the point of a refund, voucher or discount: they need an amount. A
# gift or goodwill gesture may carry its value (for the cost statistics); a
# replacement or "none" never does.
AMOUNT_REQUIRED_KINDS = (
    CompensationKind.REFUND,
    CompensationKind.VOUCHER,
    CompensationKind.DISCOUNT,
)
AMOUNT_OPTIONAL_KINDS = (CompensationKind.GIFT, CompensationKind.GOODWILL)
NO_AMOUNT_KINDS = (CompensationKind.REPLACEMENT, CompensationKind.NONE)


class CompensationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    FULFILLED = "fulfilled", _("Fulfilled")
    DECLINED = "declined", _("Declined")


# Waiting for somebody to act; the ticket cannot move on to follow-up meanwhile.
PENDING_COMPENSATION_STATUSES = (CompensationStatus.PROPOSED, CompensationStatus.APPROVED)
SETTLED_COMPENSATION_STATUSES = (CompensationStatus.FULFILLED, CompensationStatus.DECLINED)


class NpsClass(models.TextChoices):
    """The NPS method's three groups; the managers' review counts answers by them."""

    PROMOTER = "promoter", _("Promoter")
    PASSIVE = "passive", _("Passive")
    DETRACTOR = "detractor", _("Detractor")
