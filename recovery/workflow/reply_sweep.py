"""What the deadline sweep writes for the next-reply promise: its reminders and its breach.

The reply clock's counterpart of ``recovery.workflow.bulk``, with its habits:
the due rows are locked in id order, written in one statement, their events
appended in one insert and announced as one batch (the emails they owe:
``notifications.owed``). The conditions are re-checked under the locks, so
two sweeps at once write each reminder and each breach once.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet

from recovery.choices import OPEN_STATUSES, EventKind
from recovery.models import SlaSettings, Ticket, TicketEvent
from recovery.sla import reply_reminder_after
from recovery.workflow.bulk import _locked, _locked_write, _recorded, escalated_if_nobodys
from recovery.workflow.columns import tickets_write_each


def awaiting_reply() -> QuerySet[Ticket]:
    """Open tickets owing a customer an answer whose window is not yet marked missed.

    ``reply_breached_at`` is the once-guard of the window now running: a new
    window (the customer's next message after an answer) clears it.
    """
    return Ticket.objects.filter(
        status__in=OPEN_STATUSES, reply_due_at__isnull=False, reply_breached_at__isnull=True
    )


def reply_due_ids(*, now: datetime, limit: int) -> list[int]:
    """Ids of the tickets whose reply is due by ``now``: a range of ``ticket_reply_due_idx``."""
    ids = (
        awaiting_reply()
        .filter(reply_due_at__lte=now)
        .order_by("reply_due_at", "id")
        .values_list("id", flat=True)
    )
    return list(ids[:limit])


@transaction.atomic
def tickets_reply_breach(*, now: datetime, limit: int = 500) -> list[TicketEvent]:
    """Mark up to ``limit`` replies due by ``now`` as missed, once each; return their events.

    As a missed callback does, a missed reply puts a ticket nobody had on the
    escalation list (``escalated_at``) and alerts the managers; the deadline
    stays, so the queue keeps showing the answer as overdue until it is
    given. The priority is left alone: it sets the callback window, and a
    late answer is not a reason to shorten a later one.
    """
    ids = reply_due_ids(now=now, limit=limit)
    if not ids:
        return []
    rows = _locked(
        awaiting_reply().filter(pk__in=ids, reply_due_at__lte=now),
        "reply_due_at",
        "assignee_id",
        "priority",
    )
    if not rows:
        return []
    _locked_write(
        awaiting_reply(),
        rows,
        {
            "reply_breached_at": now,
            # Past the deadline a reminder is moot: the alert replaces it.
            "reply_reminder_due_at": None,
            "escalated_at": escalated_if_nobodys(now),
        },
        at=now,
    )
    return _recorded(
        TicketEvent(
            ticket_id=row["id"],
            kind=EventKind.REPLY_BREACHED,
            created_at=now,
            payload={
                "due_at": row["reply_due_at"].isoformat(),
                "late_seconds": round((now - row["reply_due_at"]).total_seconds(), 3),
                "priority": row["priority"],
                "escalated": row["assignee_id"] is None,
            },
        )
        for row in rows
    )


@transaction.atomic
def tickets_reply_remind(*, now: datetime, limit: int = 500) -> list[TicketEvent]:
    """Send up to ``limit`` reply reminders due by ``now``; return their events.

    Each ticket's next reminder moves to the next share of the window still
    ahead (``recovery.sla.reply_reminder_after``), or to none: a sweep that
    comes late sends one reminder, not a burst. Quiet, as the callback's
    reminders: an agent with the ticket open is not told to reload.
    """
    rows = _locked(
        awaiting_reply().filter(reply_reminder_due_at__lte=now),
        "reply_due_at",
        "priority",
        "assignee_id",
        limit=limit,
    )
    if not rows:
        return []
    sla = SlaSettings.current()
    columns, events = {}, []
    for row in rows:
        columns[row["id"]] = {
            "reply_reminder_due_at": reply_reminder_after(
                due=row["reply_due_at"], priority=row["priority"], after=now, sla=sla
            )
        }
        events.append(
            TicketEvent(
                ticket_id=row["id"],
                kind=EventKind.REPLY_REMINDED,
                created_at=now,
                payload={"due_at": row["reply_due_at"].isoformat(), "assignee": row["assignee_id"]},
            )
        )
    tickets_write_each(columns, at=now, quiet=True)
    return _recorded(events)
