"""Writes for the outbox: queueing an email, and sending one exactly once."""

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from notifications import digest, emails, failures
from notifications.models import STAFF_KINDS, Notification, NotificationKind, NotificationStatus
from notifications.staff import staff_recipients, staff_recipients_by_user
from recovery.choices import EventKind
from shared.tasks import enqueue_on_commit

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
# Staff alerts for one person created this close together go out as one email
# (a sweep writes them in one go); a digest lists at most so many.
DIGEST_WINDOW = timedelta(minutes=5)
DIGEST_LIMIT = 50


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
    """Move a pending row to sending; return the ids claimed, empty for every other caller.

    The row is claimed by a conditional update, so of two workers (or a
    redelivered task) exactly one goes on. A staff alert takes with it the
    same person's other pending staff alerts from the last few minutes, to go
    out as one email. Those are locked in id order, skipping any another
    worker holds, so overlapping digests never wait on each other (no
    deadlock) and no row is claimed twice.
    """
    now = timezone.now()
    claim = {"status": NotificationStatus.SENDING, "attempts": F("attempts") + 1, "claimed_at": now}
    with transaction.atomic():
        pending = Notification.objects.filter(status=NotificationStatus.PENDING)
        if pending.filter(pk=notification_id).update(**claim) != 1:
            return []
        own = Notification.objects.values("kind", "recipient").get(pk=notification_id)
        if own["kind"] not in STAFF_KINDS:
            return [notification_id]
        others = list(
            pending.filter(
                kind__in=STAFF_KINDS,
                recipient=own["recipient"],
                created_at__gte=now - DIGEST_WINDOW,
            )
            .order_by("pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[: DIGEST_LIMIT - 1]
        )
        pending.filter(pk__in=others).update(**claim)
    return [notification_id, *others]


def notification_send(*, notification_id):
    """Send one outbox email if it is still pending; return the row's new status.

    Only the caller whose claim succeeded sends. Several staff alerts claimed
    together go out as one digest, and share its outcome. A failure the
    provider may get over (5xx, timeout) puts the rows back to pending and
    raises ``SendDeferred`` for the task to retry, until the attempts column
    (in the row, so a poisonous task cannot loop) says failed; one it will
    not (4xx, a refused address) fails them at once. An email that cannot be
    rendered fails and raises: a broken template is a bug to see, not retry.
    """
    claimed = notification_claim(notification_id)
    if not claimed:
        return None
    rows = list(
        Notification.objects.select_related(
            "ticket__complaint__customer", "ticket__complaint__category"
        ).filter(pk__in=claimed)
    )
    notification = next(row for row in rows if row.pk == notification_id)
    try:
        subject, message = emails.build(notification) if len(rows) == 1 else digest.build(rows)
    except Exception as exc:
        _record_failure(claimed, exc, permanent=True)
        logger.exception("Notification %s cannot be rendered; marked failed.", notification_id)
        raise
    try:
        message.send()
    except Exception as exc:
        return _record_failure(claimed, exc, permanent=failures.is_permanent(exc), own=notification)
    if notification.recipient.lower() in {a.lower() for a in failures.refused_recipients(message)}:
        # The provider took the request but will not deliver to this address.
        error = f"The provider refused {notification.recipient}: {message.anymail_status!r}"
        return _record_failure(claimed, RuntimeError(error), permanent=True)
    Notification.objects.filter(pk__in=claimed, status=NotificationStatus.SENDING).update(
        status=NotificationStatus.SENT,
        subject=subject[:255],
        sent_at=timezone.now(),
        last_error="",
        provider_message_id=_provider_message_id(message, notification.recipient)[:255],
    )
    return NotificationStatus.SENT


def _provider_message_id(message, recipient):
    """The provider's id for this email, which its tracking webhook quotes back; "" without one."""
    status = getattr(message, "anymail_status", None)
    if status is None:
        return ""
    own = (status.recipients or {}).get(recipient)
    message_id = own.message_id if own is not None else status.message_id
    return message_id if isinstance(message_id, str) else ""


def _record_failure(ids, exc, *, permanent, own=None):
    """Write down a failed send of the rows ``ids``: failed, or pending for another attempt.

    Returns FAILED when the rows are given up on; raises ``SendDeferred``
    (caused by ``exc``) when ``own`` is to be tried again.
    """
    # str(): anymail's errors carry the provider's answer there, not in repr().
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if failures.maybe_sent(exc):
        error = "The provider did not answer in time; it may have sent it. " + error
    sending = Notification.objects.filter(pk__in=ids, status=NotificationStatus.SENDING)
    if permanent:
        sending.update(status=NotificationStatus.FAILED, last_error=error)
        logger.error("Notifications %s failed for good: %s", ids, error)
        return NotificationStatus.FAILED
    sending.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=NotificationStatus.FAILED, last_error=error
    )
    # queued_at: the task's own retry comes within REQUEUE_AFTER; the sweep
    # requeues the rows only if that retry is lost.
    sending.update(status=NotificationStatus.PENDING, last_error=error, queued_at=timezone.now())
    logger.warning("Sending notifications %s failed, will retry: %s", ids, error)
    if own.attempts >= MAX_ATTEMPTS:
        return NotificationStatus.FAILED
    raise failures.SendDeferred(error) from exc


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


def notifications_queue_breaches(events):
    """The emails missed callbacks owe: an apology to each customer, an alert to each manager."""
    from recovery.models import Ticket
    from shared.roles import MANAGERS

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
    managers = staff_recipients(MANAGERS)
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
                language=language,
            )
            for email, language in managers
        )
    return notifications_queue_many(rows)


def notifications_queue_reminders(events, *, now):
    """A reminder to each ticket's assignee, or to every agent while nobody has it."""
    from shared.roles import AGENTS

    if not events:
        return []
    assignees = staff_recipients_by_user({event.payload["assignee"] for event in events})
    agents = None
    rows = []
    for event in events:
        assignee = event.payload["assignee"]
        if assignee is not None:
            recipients = [assignees[assignee]] if assignee in assignees else []
        else:
            agents = staff_recipients(AGENTS) if agents is None else agents
            recipients = agents
        rows.extend(
            Notification(
                ticket_id=event.ticket_id,
                event=event,
                kind=NotificationKind.CALLBACK_REMINDER,
                recipient=email,
                language=language,
            )
            for email, language in recipients
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
