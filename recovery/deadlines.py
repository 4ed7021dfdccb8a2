"""The deadline sweep: the database is the clock, Celery is the hand.

Every callback deadline lives in ``Ticket.callback_due_at`` (indexed over open
tickets by ``ticket_open_due_idx``). A beat task runs ``deadlines_sweep`` every
minute: it asks the index for what is already due and breaches it, whatever
was missed while the broker or the worker was down, then schedules a short ETA
task for each deadline falling before its next run, so a breach is recorded
within seconds. Deadlines are never kept only in a broker message: with Redis,
an ETA hours away is redelivered every visibility timeout, and ETA tasks held
in a worker's memory have been lost on restarts.

Both paths call ``ticket_breach``, which is idempotent: any number of calls,
concurrent or not, give one breach and one event.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from notifications.services import notification_queue_breach
from recovery.choices import EventKind, Priority, Status
from recovery.models import Ticket
from recovery.workflow import transition

logger = logging.getLogger(__name__)

# The sweep runs every minute; it schedules what falls due before the next
# run, with a margin for a late beat. No ETA is ever longer than this.
SWEEP_INTERVAL = timedelta(seconds=60)
LOOKAHEAD = timedelta(seconds=90)


def awaiting_callback():
    """Open tickets nobody has called back yet and not already breached: what the sweep watches."""
    return Ticket.objects.filter(status=Status.NEW, breached_at__isnull=True)


def ticket_breach(*, ticket_id, now=None):
    """Record that ``ticket_id`` missed its callback promise, once; True if this call did it.

    Writes the breach event and, with it, the outbox rows: an apology to the
    customer and an alert to the managers.

    The row is locked and re-read: a ticket acknowledged, closed or already
    breached meanwhile is left alone. The breach raises the priority to high
    (a manager is now on it) but keeps the deadline: the call is still owed,
    and the queue keeps it at the top as overdue.
    """
    now = now or timezone.now()
    with transaction.atomic():
        ticket = (
            awaiting_callback()
            .select_for_update()
            .filter(pk=ticket_id, callback_due_at__lte=now)
            .first()
        )
        if ticket is None:
            return False
        lateness = (now - ticket.callback_due_at).total_seconds()
        event = transition(
            ticket=ticket,
            actor=None,
            changes={"breached_at": now, "priority": Priority.HIGH},
            kind=EventKind.BREACHED,
            payload={
                "due_at": ticket.callback_due_at.isoformat(),
                "late_seconds": round(lateness, 3),
                "priority_was": ticket.priority,
            },
            at=now,
        )
        # In the same transaction: the breach and the emails it owes stand or fall together.
        notification_queue_breach(ticket=ticket, event=event)
    logger.info("Ticket %s breached its callback promise (%.1f s late).", ticket_id, lateness)
    return True


def due_ticket_ids(*, now):
    """Open, unacknowledged, not yet breached tickets whose callback is due: an index range."""
    return list(
        awaiting_callback()
        .filter(callback_due_at__lte=now)
        .order_by("callback_due_at", "id")
        .values_list("id", flat=True)
    )


def upcoming_deadlines(*, now, until):
    """(id, due) of tickets falling due after ``now`` and up to ``until``, soonest first."""
    return list(
        awaiting_callback()
        .filter(callback_due_at__gt=now, callback_due_at__lte=until)
        .order_by("callback_due_at", "id")
        .values_list("id", "callback_due_at")
    )


def deadlines_sweep(*, now=None, schedule=None):
    """Breach everything already due, and hand what falls due soon to ``schedule(id, due)``.

    Returns ``{"breached": n, "already_handled": n, "scheduled": n}``. Its cost
    grows with what is due, not with the number of tickets; there is no cap on
    how many a run handles.
    """
    now = now or timezone.now()
    counts = {"breached": 0, "already_handled": 0, "scheduled": 0}
    for ticket_id in due_ticket_ids(now=now):
        if ticket_breach(ticket_id=ticket_id, now=now):
            counts["breached"] += 1
        else:
            counts["already_handled"] += 1
    if schedule is not None:
        for ticket_id, due in upcoming_deadlines(now=now, until=now + LOOKAHEAD):
            schedule(ticket_id, due)
            counts["scheduled"] += 1
    return counts
