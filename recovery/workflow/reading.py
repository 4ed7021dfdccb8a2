"""The unread marker: the one writer of ``customer_message_at`` and ``assignee_read_at``.

A ticket is unread when the customer wrote since its assignee last opened it
(``recovery.models.tickets.unread_q``, the queue's marker and filter). Three
moments move it:

- a customer's message (the tracking page, an email reply: every one goes
  through ``ticket_customer_message``) sets ``customer_message_at``;
- the assignee opening the ticket page sets ``assignee_read_at``; a colleague
  looking at it does not, since the marker tells the assignee what is waiting;
- the ticket changing hands clears ``assignee_read_at`` (``transition()`` adds
  ``HANDOVER_COLUMNS`` to an assignee change): the new assignee has read nothing.

The first two change no step's legality, so they leave the version alone
(``quiet``): a customer's message or a glance at the page never makes an
agent's step fail as stale. They write no event either: reading is not a
change of the record, and the message has its own event.
"""

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone

from recovery.models import Ticket
from recovery.models.tickets import unread_q
from recovery.workflow.columns import tickets_write

# Written with every change of assignee (recovery.workflow.moves.transition).
HANDOVER_COLUMNS: dict[str, Any] = {"assignee_read_at": None}


def ticket_unread(ticket: Ticket) -> bool:
    """``unread_q`` on a ticket in memory: the customer wrote since the assignee last read it."""
    message_at = ticket.customer_message_at
    if message_at is None:
        return False
    return ticket.assignee_read_at is None or ticket.assignee_read_at < message_at


def ticket_customer_message_mark(*, ticket: Ticket, at: datetime) -> None:
    """Mark ``ticket`` unread for its assignee: the customer wrote at ``at``.

    Called by ``ticket_customer_message`` with the row locked, after the
    message's event is written.
    """
    tickets_write(
        Ticket.objects.filter(pk=ticket.pk),
        {"customer_message_at": at},
        at=at,
        quiet=True,
        ticket=ticket,
    )


def ticket_read_mark(
    *, ticket: Ticket, reader: AbstractBaseUser | AnonymousUser, at: datetime | None = None
) -> bool:
    """The assignee opened ``ticket``: its customer's messages are read. True if it wrote.

    Costs no query unless the reader is the assignee and a message is unread,
    so the ticket page's query count stays as it was on every other visit.
    The write is conditional on the row still being theirs and unread, so a
    handover at the same moment is not undone.
    """
    if ticket.assignee_id is None or ticket.assignee_id != reader.pk or not ticket_unread(ticket):
        return False
    at = at or timezone.now()
    written = tickets_write(
        Ticket.objects.filter(unread_q(), pk=ticket.pk, assignee_id=reader.pk),
        {"assignee_read_at": at},
        at=at,
        quiet=True,
        ticket=ticket,
    )
    return written == 1
