"""Writes for the outbox: queueing an email, and sending one exactly once."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from config.celery import enqueue_on_commit
from notifications import emails
from notifications.models import Notification, NotificationKind, NotificationStatus
from recovery.choices import EventKind

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# How many sends one fan-out task publishes.
SEND_CHUNK = 100
# A pending row queued longer ago than this lost its message; each sweep
# requeues at most so many, oldest first.
REQUEUE_AFTER = timedelta(minutes=5)
# Well past the task's hard time limit: a row still "sending" then lost its worker.
STUCK_AFTER = timedelta(minutes=5)
REQUEUE_LIMIT = 5000


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
            status=NotificationStatus.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
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
        # queued_at: the task's own retry comes within REQUEUE_AFTER; the sweep
        # requeues the row only if that retry is lost.
        Notification.objects.filter(pk=notification_id).update(
            status=status, last_error=repr(exc)[:2000], queued_at=timezone.now()
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


def notifications_queue_many(rows):
    """Write many outbox rows at once; their sends are published after commit, in chunks.

    For the sweep's batches: one insert, and one task per chunk that fans the
    sends out on the email queue, instead of a broker round trip per email.
    The rows must be new (their events were written in this transaction), so
    the uniqueness rule cannot fire.
    """
    from notifications.tasks import send_notifications

    created = Notification.objects.bulk_create(rows)
    ids = [row.pk for row in created]
    for start in range(0, len(ids), SEND_CHUNK):
        enqueue_on_commit(send_notifications, ids[start : start + SEND_CHUNK])
    return created


def _staff_emails(group):
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=group)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def notifications_queue_breaches(events):
    """The emails missed callbacks owe: an apology to each customer, an alert to each manager."""
    from config.roles import MANAGERS
    from recovery.models import Ticket

    if not events:
        return []
    customers = dict(
        Ticket.objects.filter(pk__in=[event.ticket_id for event in events])
        .exclude(complaint__customer__email="")
        .values_list("pk", "complaint__customer__email")
    )
    languages = dict(
        Ticket.objects.filter(pk__in=customers).values_list("pk", "complaint__language")
    )
    managers = _staff_emails(MANAGERS)
    rows = []
    for event in events:
        if event.ticket_id in customers:
            rows.append(
                Notification(
                    ticket_id=event.ticket_id,
                    event=event,
                    kind=NotificationKind.DEADLINE_MISSED,
                    recipient=customers[event.ticket_id],
                    language=languages[event.ticket_id],
                )
            )
        rows.extend(
            Notification(
                ticket_id=event.ticket_id,
                event=event,
                kind=NotificationKind.BREACH_ALERT,
                recipient=email,
                language=settings.LANGUAGE_CODE,
            )
            for email in managers
        )
    return notifications_queue_many(rows)


def notifications_queue_reminders(events, *, now):
    """A reminder to each ticket's assignee, or to every agent while nobody has it."""
    from config.roles import AGENTS

    if not events:
        return []
    assignees = dict(
        get_user_model()
        .objects.filter(pk__in={event.payload["assignee"] for event in events}, is_active=True)
        .exclude(email="")
        .values_list("pk", "email")
    )
    agents = None
    rows = []
    for event in events:
        assignee = event.payload["assignee"]
        if assignee is not None:
            recipients = [assignees[assignee]] if assignee in assignees else []
        else:
            agents = _staff_emails(AGENTS) if agents is None else agents
            recipients = agents
        rows.extend(
            Notification(
                ticket_id=event.ticket_id,
                event=event,
                kind=NotificationKind.CALLBACK_REMINDER,
                recipient=email,
                language=settings.LANGUAGE_CODE,
            )
            for email in recipients
        )
    return notifications_queue_many(rows)


def _release_stuck(now):
    """Put back rows claimed by a worker that died mid-send; the attempt still counts.

    The provider may have accepted the email before the worker died, so the
    row says so: a second send is possible, and visible, never silent. Rows
    out of attempts fail instead of looping.
    """
    stuck = Notification.objects.filter(
        status=NotificationStatus.SENDING, claimed_at__lte=now - STUCK_AFTER
    )
    note = "The worker stopped while sending; it may have gone out once already."
    stuck.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=NotificationStatus.FAILED, last_error=note
    )
    stuck.update(status=NotificationStatus.PENDING, last_error=note, queued_at=now - REQUEUE_AFTER)


def notifications_requeue_stale(*, now):
    """Publish again the sends of rows still pending long after they were queued.

    A row stays pending when the broker was down as it was written, or its
    message was lost with a worker. The claim makes a duplicate publish
    harmless; ``queued_at`` keeps a long email backlog from being published
    again every minute. Rows the send task gave back for a retry are pending
    too, and their retry may be lost with the worker: they are requeued alike.
    """
    from notifications.tasks import send_notifications

    _release_stuck(now)
    stale = list(
        Notification.objects.filter(
            status=NotificationStatus.PENDING, queued_at__lte=now - REQUEUE_AFTER
        )
        .order_by("queued_at")
        .values_list("pk", flat=True)[:REQUEUE_LIMIT]
    )
    if not stale:
        return 0
    Notification.objects.filter(pk__in=stale, status=NotificationStatus.PENDING).update(
        queued_at=now
    )
    for start in range(0, len(stale), SEND_CHUNK):
        enqueue_on_commit(send_notifications, stale[start : start + SEND_CHUNK])
    return len(stale)
