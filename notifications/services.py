"""Writes for the outbox: queueing emails, and publishing again those a lost message left behind.

Which emails an event owes is decided in ``notifications.owed``; the send
itself is ``notifications.sending``, run by ``notifications.tasks``.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from notifications.models import Notification, NotificationStatus
from notifications.sending import MAX_ATTEMPTS
from recovery.models import Ticket, TicketEvent
from shared.tasks import enqueue_on_commit

# The send tasks (notifications.tasks), queued by name: they call this app's services.
SEND = "notifications.send"
SEND_MANY = "notifications.send_many"
# How many sends one fan-out task publishes.
SEND_CHUNK = 100
# A pending row queued longer ago than this lost its message; each sweep
# requeues at most so many, oldest first.
REQUEUE_AFTER = timedelta(minutes=5)
# Well past the task's hard time limit: a row still "sending" then lost its worker.
STUCK_AFTER = timedelta(minutes=5)
REQUEUE_LIMIT = 5000


def notification_queue(
    *, ticket: Ticket, event: TicketEvent, kind: str, recipient: str, language: str
) -> Notification:
    """Write the outbox row for an email and publish its send after commit.

    The same event never makes two rows for the same recipient: a second call
    returns the first row.
    """
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                ticket=ticket, event=event, kind=kind, recipient=recipient, language=language
            )
    except IntegrityError:
        return Notification.objects.get(event=event, kind=kind, recipient=recipient)
    enqueue_on_commit(SEND, notification.pk)
    return notification


def notifications_queue_many(rows: Iterable[Notification]) -> list[Notification]:
    """Write many outbox rows at once; their sends are published after commit, in chunks.

    For the sweep's batches: one insert, and one task per chunk that fans the
    sends out on the email queue, instead of a broker round trip per email.
    The rows must be new (their events were written in this transaction), so
    the uniqueness rule cannot fire.
    """
    created = Notification.objects.bulk_create(rows)
    ids = [row.pk for row in created]
    for start in range(0, len(ids), SEND_CHUNK):
        enqueue_on_commit(SEND_MANY, ids[start : start + SEND_CHUNK])
    return created


def _release_stuck(now: datetime) -> None:
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


def notifications_requeue_stale(*, now: datetime) -> int:
    """Publish again the sends of rows still pending long after they were queued.

    A row stays pending when the broker was down as it was written, or its
    message was lost with a worker. The claim makes a duplicate publish
    harmless; ``queued_at`` keeps a long email backlog from being published
    again every minute. Rows the send task gave back for a retry are pending
    too, and their retry may be lost with the worker: they are requeued alike.
    """
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
        enqueue_on_commit(SEND_MANY, stale[start : start + SEND_CHUNK])
    return len(stale)
