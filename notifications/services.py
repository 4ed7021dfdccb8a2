"""Writes for the outbox: queueing an email, and sending one exactly once."""

import logging

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from config.celery import enqueue_on_commit
from notifications import emails
from notifications.models import Notification, NotificationKind, NotificationStatus
from recovery.choices import EventKind

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def notification_queue(*, ticket, event, kind, recipient, language):
    """Write the outbox row for an email and publish its send after commit.

    The same event never makes two rows for the same recipient: a second call
    returns the first row.
    """
    from notifications.tasks import send_notification

    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                ticket=ticket, event=event, kind=kind, recipient=recipient, language=language
            )
    except IntegrityError:
        return Notification.objects.get(event=event, kind=kind, recipient=recipient)
    enqueue_on_commit(send_notification, notification.pk)
    return notification


def notification_queue_complaint_received(*, ticket):
    complaint = ticket.complaint
    opened = ticket.events.get(kind=EventKind.OPENED)
    return notification_queue(
        ticket=ticket,
        event=opened,
        kind=NotificationKind.COMPLAINT_RECEIVED,
        recipient=complaint.customer.email,
        language=complaint.language,
    )


def notification_claim(notification_id):
    """Move a pending row to sending; True only for the one caller that did it."""
    return (
        Notification.objects.filter(pk=notification_id, status=NotificationStatus.PENDING).update(
            status=NotificationStatus.SENDING, attempts=F("attempts") + 1
        )
        == 1
    )


def notification_send(*, notification_id):
    """Send one outbox email if it is still pending; return the row's new status.

    The conditional claim makes a second worker (or a redelivered task) a
    no-op. A failure puts the row back to pending for another attempt, or to
    failed once the attempts are used up.
    """
    if not notification_claim(notification_id):
        return None
    notification = Notification.objects.select_related(
        "ticket__complaint__customer", "ticket__complaint__category"
    ).get(pk=notification_id)
    try:
        subject, message = emails.build(notification)
        message.send()
    except Exception as exc:
        status = (
            NotificationStatus.FAILED
            if notification.attempts >= MAX_ATTEMPTS
            else NotificationStatus.PENDING
        )
        Notification.objects.filter(pk=notification_id).update(
            status=status, last_error=repr(exc)[:2000]
        )
        logger.warning("Sending notification %s failed: %r", notification_id, exc)
        if status == NotificationStatus.PENDING:
            raise
        return status
    anymail_status = getattr(message, "anymail_status", None)
    Notification.objects.filter(pk=notification_id).update(
        status=NotificationStatus.SENT,
        subject=subject[:255],
        sent_at=timezone.now(),
        last_error="",
        provider_message_id=(getattr(anymail_status, "message_id", None) or "")[:255],
    )
    return NotificationStatus.SENT


def notification_queue_breach(*, ticket, event):
    """The outbox rows a missed callback owes: an apology to the customer, an alert to each manager."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from config.roles import MANAGERS

    complaint = ticket.complaint
    rows = []
    if complaint.customer.email:
        rows.append(
            notification_queue(
                ticket=ticket,
                event=event,
                kind=NotificationKind.DEADLINE_MISSED,
                recipient=complaint.customer.email,
                language=complaint.language,
            )
        )
    managers = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=MANAGERS)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    for email in managers:
        rows.append(
            notification_queue(
                ticket=ticket,
                event=event,
                kind=NotificationKind.BREACH_ALERT,
                recipient=email,
                language=settings.LANGUAGE_CODE,
            )
        )
    return rows
