"""The outbox: one row per email we owe somebody.

A Notification is written in the same transaction as the event that causes it,
so an email can never be promised and then forgotten. The task that sends it
only moves the row along (pending → sending → sent, or failed); a row left
pending because the broker was down is found again by the sweep.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    COMPLAINT_RECEIVED = "complaint_received", _("Complaint received")
    DEADLINE_MISSED = "deadline_missed", _("Apology for a missed callback")
    BREACH_ALERT = "breach_alert", _("Missed callback alert (managers)")
    CALLBACK_REMINDER = "callback_reminder", _("Callback reminder (agents)")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


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
            )
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient}"
