"""The outbox: one row per email we owe somebody, and what became of it.

A Notification is written in the same transaction as the event that causes it,
so an email can never be promised and then forgotten. The task that sends it
only moves the row along (pending → sending → sent, or failed); the
provider's tracking webhook then says delivered, bounced or complained. A row
left pending because the broker was down is found again by the sweep.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shared.choices import TROUBLE, NotificationStatus


class NotificationKind(models.TextChoices):
    COMPLAINT_RECEIVED = "complaint_received", _("Complaint received")
    DEADLINE_MISSED = "deadline_missed", _("Apology for a missed callback")
    BREACH_ALERT = "breach_alert", _("Missed callback alert (managers)")
    CALLBACK_REMINDER = "callback_reminder", _("Callback reminder (agents)")
    ACKNOWLEDGED = "acknowledged", _("We reached you")
    APOLOGY = "apology", _("Apology")
    COMPENSATION_OFFERED = "compensation_offered", _("Compensation offered")
    COMPENSATION_FULFILLED = "compensation_fulfilled", _("Compensation given")
    FOLLOW_UP = "follow_up", _("Follow-up")
    RESOLVED = "resolved", _("Complaint resolved")
    AGENT_MESSAGE = "agent_message", _("Message from an agent")
    APPROVAL_NEEDED = "approval_needed", _("Compensation awaiting approval (managers)")
    CUSTOMER_REPLIED = "customer_replied", _("Customer replied (assignee)")
    SURVEY_DETRACTOR = "survey_detractor", _("Unhappy follow-up answer (managers)")
    APPROVAL_DECIDED = "approval_decided", _("Compensation approved or declined (proposer)")
    SECOND_ATTEMPT = "second_attempt", _("Second attempt owed (assignee)")
    REPLY_REMINDER = "reply_reminder", _("Reply reminder (agents)")
    REPLY_BREACH_ALERT = "reply_breach_alert", _("Missed reply alert (managers)")


# Emails to staff: several firing at once for one person go out as one email.
STAFF_KINDS = frozenset(
    {
        NotificationKind.BREACH_ALERT,
        NotificationKind.CALLBACK_REMINDER,
        NotificationKind.APPROVAL_NEEDED,
        NotificationKind.CUSTOMER_REPLIED,
        NotificationKind.SURVEY_DETRACTOR,
        NotificationKind.APPROVAL_DECIDED,
        NotificationKind.SECOND_ATTEMPT,
        NotificationKind.REPLY_REMINDER,
        NotificationKind.REPLY_BREACH_ALERT,
    }
)


def reply_token():
    return secrets.token_urlsafe(16)


class Notification(models.Model):
    ticket = models.ForeignKey(
        "recovery.Ticket", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    # What caused it: the same cause never makes a second email.
    event = models.ForeignKey("recovery.TicketEvent", on_delete=models.CASCADE, related_name="+")
    recipient = models.EmailField()
    language = models.CharField(max_length=8, default="en")
    subject = models.CharField(max_length=255, blank=True, default="")
    status = models.CharField(
        max_length=16, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    provider_message_id = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    # When its send task was last published; the sweep publishes again a row
    # still pending long after (the broker was down, the message was lost).
    queued_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When a worker claimed it: a row stuck in "sending" long after (the
    # worker died mid-send) is put back by the sweep.
    claimed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    # The local part of this email's Reply-To address: a reply names its
    # ticket without trusting the sender's address.
    reply_token = models.CharField(max_length=32, unique=True, default=reply_token)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "kind", "recipient"],
                name="notification_once_per_event",
            )
        ]
        indexes = [
            models.Index(
                fields=["queued_at"],
                name="notification_pending_idx",
                condition=models.Q(status="pending"),
            ),
            models.Index(
                fields=["claimed_at"],
                name="notification_sending_idx",
                condition=models.Q(status="sending"),
            ),
            # The agents' "failed emails" list and the provider's webhook look-up.
            models.Index(
                fields=["status", "ticket"],
                name="notification_trouble_idx",
                condition=models.Q(status__in=TROUBLE),
            ),
            models.Index(fields=["provider_message_id"], name="notification_message_id_idx"),
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient}"

    @property
    def in_trouble(self):
        """True when the email did not reach its recipient: what a ticket page warns about."""
        return self.status in TROUBLE


class DeliveryEvent(models.Model):
    """One tracking event the provider told us about (delivered, bounced, opened...).

    Unique on the provider's event id: a webhook delivered twice is handled once.
    """

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, null=True, related_name="delivery_events"
    )
    esp = models.CharField(max_length=32)
    event_id = models.CharField(max_length=255)
    event_type = models.CharField(max_length=32)
    message_id = models.CharField(max_length=255, blank=True, default="")
    recipient = models.CharField(max_length=254, blank=True, default="")
    description = models.TextField(blank=True, default="")
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "pk"]
        verbose_name = _("delivery event")
        verbose_name_plural = _("delivery events")
        constraints = [
            models.UniqueConstraint(fields=["esp", "event_id"], name="delivery_event_once")
        ]

    def __str__(self):
        return f"{self.esp} {self.event_type} {self.message_id}"


class InboundStatus(models.TextChoices):
    ATTACHED = "attached", _("Added to its ticket")
    OPENED = "opened", _("Opened a complaint")
    REVIEW = "review", _("Waiting for staff review")
    DISMISSED = "dismissed", _("Dismissed")


class InboundEmail(models.Model):
    """An email a customer sent us, matched to its ticket or kept for staff review.

    A reply is matched by its Reply-To token or the reference in its subject,
    never by the sender's address alone; anything else waits for a person.
    """

    ticket = models.ForeignKey(
        "recovery.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=16, choices=InboundStatus.choices)
    # Why it was not attached, for the reviewer.
    reason = models.CharField(max_length=255, blank=True, default="")
    esp = models.CharField(max_length=32)
    # The provider's id, or the Message-ID header: a webhook retried is stored once.
    message_id = models.CharField(max_length=255, unique=True)
    from_email = models.CharField(max_length=254)
    to = models.TextField(blank=True, default="")
    subject = models.CharField(max_length=255, blank=True, default="")
    text = models.TextField(blank=True, default="")
    attachment_names = models.JSONField(default=list, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    # The complaint this email opened (a new sender, no reference), if any.
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who dealt with it from the unmatched mail page, and when.
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("inbound email")
        verbose_name_plural = _("inbound emails")
        indexes = [
            models.Index(
                fields=["received_at"],
                name="inbound_review_idx",
                condition=models.Q(status="review"),
            )
        ]

    def __str__(self):
        return f"{self.from_email}: {self.subject}"


class StaffProfile(models.Model):
    """What the emails to one staff member need beyond the user row: their language.

    Staff alerts go out in the recipient's language, not the site's default.
    Set when they switch the interface language (``notifications.views``),
    editable in the admin on the user; a user with no profile gets
    ``settings.LANGUAGE_CODE``.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    language = models.CharField(
        _("email language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return f"{self.user} ({self.language})"
