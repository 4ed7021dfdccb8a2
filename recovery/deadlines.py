"""The deadline sweep: the database is the clock, Celery is the hand.

Every callback deadline lives in ``Ticket.callback_due_at``, every reminder in
``Ticket.reminder_due_at`` and every follow-up's next moment in
``Ticket.follow_up_due_at`` (the survey to send, then its window's end), each
indexed over open tickets, and every survey's window in ``Survey.expires_at``,
indexed over those still waiting for an answer. A beat task runs ``deadlines_sweep`` every minute: it
asks the indexes for what is already due and acts on it, whatever was missed
while the broker or the worker was down, then schedules a short ETA task for
each deadline falling before its next run, so a breach is recorded within
seconds. Deadlines are never kept
only in a broker message: with Redis, an ETA hours away is redelivered every
visibility timeout, and ETA tasks held in a worker's memory have been lost on
restarts.

Both paths call ``breach_due``, which is idempotent: any number of calls,
concurrent or not, give one breach, one event and one set of emails.

The next-reply promise (``Ticket.reply_due_at`` and ``reply_reminder_due_at``,
``recovery.workflow.reply``) is swept by the same run, with no ETA task: a
missed reply is recorded within a minute of its deadline, once per window.
"""

import logging
import time
from collections.abc import Callable, Collection, Iterable
from datetime import datetime, timedelta
from typing import cast

from django.utils import timezone

from recovery.signals import sweep_finished
from recovery.workflow import tickets_breach, tickets_remind
from recovery.workflow.bulk import awaiting_callback, surveys_close_unanswered, surveys_send_due
from recovery.workflow.reply_sweep import tickets_reply_breach, tickets_reply_remind

logger = logging.getLogger(__name__)

# The sweep runs every minute; it schedules what falls due before the next
# run, with a margin for a late beat. No ETA is ever longer than this.
SWEEP_INTERVAL = timedelta(seconds=60)
LOOKAHEAD = timedelta(seconds=90)
# A sweep finding more than this (an outage's backlog) works in batches, each
# its own transaction, so one run never holds thousands of row locks at once.
BATCH = 500


def breach_due(*, now: datetime | None = None, ids: Iterable[int] | None = None) -> int:
    """Breach the tickets due by ``now`` (or those of ``ids`` that are), with their emails.

    The breach and the emails it owes (an apology to the customer, an alert
    to the managers: ``notifications.owed``) commit together. Returns how many
    this call breached.
    """
    now = now or timezone.now()
    events = tickets_breach(now=now, ids=ids)
    if events:
        # One line per batch: an outage's backlog would otherwise flood the log.
        logger.info(
            "%d ticket(s) breached their callback promise (up to %.1f s late): %s",
            len(events),
            max(event.payload["late_seconds"] for event in events),
            ", ".join(str(event.ticket_id) for event in events[:20]),
        )
    return len(events)


def ticket_breach(*, ticket_id: int, now: datetime | None = None) -> bool:
    """Breach one ticket if its deadline has passed; True if this call did it."""
    return breach_due(now=now, ids=[ticket_id]) == 1


def remind_due(*, now: datetime | None = None) -> int:
    """Send the reminders due by ``now``, a batch at a time; returns how many tickets."""
    now = now or timezone.now()
    reminded = 0
    while True:
        events = tickets_remind(now=now, limit=BATCH)
        reminded += len(events)
        if len(events) < BATCH:
            return reminded


def reply_breach_due(*, now: datetime | None = None) -> int:
    """Mark the replies due by ``now`` as missed, a batch at a time; returns how many.

    No ETA task: the every-minute sweep records a missed reply within a
    minute of its deadline, which is all the next-reply promise needs (the
    callback's ETA makes its apology to the customer prompt).
    """
    now = now or timezone.now()
    breached = 0
    while True:
        events = tickets_reply_breach(now=now, limit=BATCH)
        breached += len(events)
        if events:
            logger.info(
                "%d ticket(s) missed their next-reply deadline: %s",
                len(events),
                ", ".join(str(event.ticket_id) for event in events[:20]),
            )
        if len(events) < BATCH:
            return breached


def reply_remind_due(*, now: datetime | None = None) -> int:
    """Send the reply reminders due by ``now``, a batch at a time; returns how many tickets."""
    now = now or timezone.now()
    reminded = 0
    while True:
        events = tickets_reply_remind(now=now, limit=BATCH)
        reminded += len(events)
        if len(events) < BATCH:
            return reminded


def close_unanswered_surveys(*, now: datetime | None = None) -> int:
    """Close the surveys whose window ended unanswered, a batch at a time; returns how many.

    Their tickets still in follow-up resolve with "no answer" recorded, and
    the customer is owed the same email as when an agent resolves
    (``notifications.owed`` decides), queued with the batch.
    """
    now = now or timezone.now()
    closed = 0
    while True:
        expired, _resolved = surveys_close_unanswered(now=now, limit=BATCH)
        closed += len(expired)
        if len(expired) < BATCH:
            return closed


def send_due_surveys(*, now: datetime | None = None) -> int:
    """Send the follow-up surveys due by ``now``, a batch at a time; returns how many.

    Each survey's follow-up email (its link) is queued with the batch: the
    email goes when the survey does, not when the follow-up started.
    """
    now = now or timezone.now()
    sent = 0
    while True:
        events = surveys_send_due(now=now, limit=BATCH)
        sent += len(events)
        if len(events) < BATCH:
            return sent


def due_ticket_ids(
    *, now: datetime, limit: int | None = None, exclude: Collection[int] = ()
) -> list[int]:
    """Open tickets owed a callback, not yet breached for it, whose callback is due: an index range."""
    ids = (
        awaiting_callback()
        .filter(callback_due_at__lte=now)
        .exclude(pk__in=exclude)
        .order_by("callback_due_at", "id")
        .values_list("id", flat=True)
    )
    return list(ids[:limit] if limit else ids)


def upcoming_deadlines(*, now: datetime, until: datetime) -> list[tuple[int, datetime]]:
    """(id, due) of tickets falling due after ``now`` and up to ``until``, soonest first."""
    rows = (
        awaiting_callback()
        .filter(callback_due_at__gt=now, callback_due_at__lte=until)
        .order_by("callback_due_at", "id")
        .values_list("id", "callback_due_at")
    )
    # The range leaves out a null callback_due_at: every due is a datetime.
    return cast(list[tuple[int, datetime]], list(rows))


def _breach_backlog(now: datetime, counts: dict[str, int]) -> None:
    """Breach everything due, a batch at a time; a batch that fails goes one by one.

    A ticket whose breach raises (a poisonous row) must not hold up all the
    others: it is logged, skipped for the rest of this run, and retried by
    the next sweep.
    """
    skip: set[int] = set()
    while ids := due_ticket_ids(now=now, limit=BATCH, exclude=skip):
        try:
            counts["breached"] += breach_due(now=now, ids=ids)
            continue
        except Exception:
            logger.exception("Breaching a batch of %d tickets failed; trying one by one.", len(ids))
        for ticket_id in ids:
            try:
                counts["breached"] += breach_due(now=now, ids=[ticket_id])
            except Exception:
                skip.add(ticket_id)
                logger.exception("Breaching ticket %s failed; the next sweep retries.", ticket_id)
    counts["failed"] = len(skip)


def deadlines_sweep(
    *,
    now: datetime | None = None,
    schedule: Callable[[int, datetime], object] | None = None,
) -> dict[str, int]:
    """Act on everything due, and hand what falls due soon to ``schedule(id, due)``.

    Breaches what is due, sends the reminders due, closes the follow-up
    surveys nobody answered in time and sends the surveys now due (the emails
    a down broker left pending are ``notifications``' own minute task). Returns the counts of each. Its cost grows with what
    is due, not with the number of tickets; there is no cap on how many a run
    handles.
    """
    now = now or timezone.now()
    started = time.monotonic()
    counts = {
        "breached": 0,
        "failed": 0,
        "reminded": 0,
        "surveys_closed": 0,
        "surveys_sent": 0,
        "scheduled": 0,
        "replies_missed": 0,
        "replies_reminded": 0,
    }
    _breach_backlog(now, counts)
    counts["reminded"] = remind_due(now=now)
    # The next-reply promise (recovery.workflow.reply): the missed ones first,
    # so a reminder is never sent for a reply already late.
    counts["replies_missed"] = reply_breach_due(now=now)
    counts["replies_reminded"] = reply_remind_due(now=now)
    counts["surveys_closed"] = close_unanswered_surveys(now=now)
    counts["surveys_sent"] = send_due_surveys(now=now)
    if schedule is not None:
        for ticket_id, due in upcoming_deadlines(now=now, until=now + LOOKAHEAD):
            schedule(ticket_id, due)
            counts["scheduled"] += 1
    sweep_finished.send(sender="recovery", at=now, seconds=time.monotonic() - started)
    return counts
