"""The one writer of a ticket row: what ``transition()`` and the sweep's bulk writes go through.

Every write of a ticket's workflow columns passes here, one ticket or a
thousand, so three columns are never set by hand: ``due_at`` (what the queue
sorts by) follows from the deadlines, ``updated_at`` is the write's moment, and
``version`` (what an agent's page holds to detect a colleague's write) moves on
unless the write is one no page needs to reload for (a reminder sent, a survey
sent). ``tests/recovery/test_single_writer.py`` fails on a ticket write
anywhere else.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db.models import DateTimeField, F, QuerySet, Value
from django.db.models.functions import Coalesce

from recovery.choices import CLOSED_STATUSES
from recovery.models import Ticket

# What the queue sorts by: the first of these deadlines still set. The callback
# while it is owed, then the answer owed to a customer's message
# (recovery.workflow.reply), then the follow-up's next moment (its survey, its
# window's end).
DUE_SOURCES = ("callback_due_at", "reply_due_at", "follow_up_due_at")

# The next-reply clock (recovery.workflow.reply), stopped when the ticket closes.
REPLY_CLOCK = (
    "reply_due_at",
    "reply_reminder_due_at",
    "awaiting_customer_since",
    "reply_remaining",
)


def due_at_for(
    columns: Mapping[str, Any], *, ticket: Ticket | None = None
) -> datetime | Coalesce | None:
    """``due_at`` after writing ``columns``: a value from ``ticket`` in memory, else SQL.

    With ``ticket``, the deadlines not in ``columns`` are read from it (the
    caller holds its current version); without, from the row being updated.
    """
    if ticket is not None:
        values = (columns.get(name, getattr(ticket, name)) for name in DUE_SOURCES)
        return next((value for value in values if value is not None), None)
    return Coalesce(
        *(
            Value(columns[name], output_field=DateTimeField()) if name in columns else F(name)
            for name in DUE_SOURCES
        ),
        output_field=DateTimeField(),
    )


def _derived(
    columns: Mapping[str, Any], *, at: datetime, quiet: bool, ticket: Ticket | None = None
) -> dict[str, Any]:
    columns = dict(columns)
    if columns.get("status") in CLOSED_STATUSES:
        # A closed ticket owes no reply, nor waits on the customer.
        columns |= dict.fromkeys(REPLY_CLOCK)
    if "callback_due_at" in columns and columns["callback_due_at"] is None:
        # A callback no longer owed needs no reminder.
        columns["reminder_due_at"] = None
    if "reply_due_at" in columns and columns["reply_due_at"] is None:
        # Nor does a reply no longer owed.
        columns["reply_reminder_due_at"] = None
    if set(DUE_SOURCES) & set(columns):
        columns["due_at"] = due_at_for(columns, ticket=ticket)
    if not quiet:
        columns["version"] = F("version") + 1
    columns["updated_at"] = at
    return columns


def tickets_write(
    tickets: QuerySet[Ticket],
    columns: Mapping[str, Any],
    *,
    at: datetime,
    quiet: bool = False,
    ticket: Ticket | None = None,
) -> int:
    """Write ``columns`` to every row of the queryset ``tickets``; returns how many it wrote.

    ``ticket``: the one ticket written, in memory, to compute ``due_at`` from
    and to update in place once written. ``quiet``: the version stays.
    """
    columns = _derived(columns, at=at, quiet=quiet, ticket=ticket)
    updated = tickets.update(**columns)
    if ticket is not None and updated:
        for name, value in columns.items():
            if name != "version":
                setattr(ticket, name, value)
    return updated


def tickets_write_each(
    rows: Mapping[int, Mapping[str, Any]], *, at: datetime, quiet: bool = False
) -> int:
    """Write each row's own values: ``rows`` maps a ticket id to its columns (the same names each).

    One statement per hundred rows (a CASE per column, whose cost grows with
    the square of its size); ``due_at`` is derived per row, in SQL.
    """
    if not rows:
        return 0
    tickets = []
    fields: list[str] = []
    for pk, columns in rows.items():
        columns = _derived(columns, at=at, quiet=quiet)
        fields = fields or list(columns)
        tickets.append(Ticket(pk=pk, **columns))
    return Ticket.objects.bulk_update(tickets, fields, batch_size=100)
