"""The next-reply promise: the one writer of a ticket's reply clock.

Once a ticket is acknowledged, each message the customer sends owes an
answer within the reply window of its priority (``SlaSettings.reply_hours_for``,
counted like the callback by ``recovery.sla``). The clock lives in five
columns: ``reply_due_at`` (what the sweep and the queue read),
``reply_reminder_due_at``, ``reply_breached_at`` (the once-guard of the
current window's breach), and, while the agent waits on the customer,
``awaiting_customer_since`` with ``reply_remaining``, what the window had left
when it was paused.

- A customer's message starts the clock, unless one is already running: the
  oldest unanswered message sets the deadline, a second one does not push it
  back. A message that ends a wait on the customer starts a fresh window.
- An answer stops it (``answers``): a message the customer sees, the apology
  (written to them, in their timeline and email) or a call that reached them.
  A status move or a ledger email is not an answer to what they asked.
- Closing a ticket (resolved, invalid, merged) stops it too:
  ``recovery.workflow.columns`` clears the columns with the status.

These writes change no step's legality, so they leave the version alone
(``quiet``): the customer cannot make an agent's step fail as stale, and an
agent's note never does. Each one rides on the event that caused it (the
customer's message, the agent's answer); pausing and resuming have their own
(``recovery.workflow.waiting``).
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from recovery.choices import CallbackOutcome, EventKind
from recovery.models import SlaSettings, Ticket, TicketEvent
from recovery.sla import clock_between, reply_columns
from recovery.workflow.columns import tickets_write

# The step actions whose event is written to the customer in the agent's words.
_ANSWERING_ACTIONS = frozenset({"apologize"})


def answers(event: TicketEvent) -> bool:
    """True if ``event`` answers the customer: it stops the reply clock.

    A message they see (``AGENT_MESSAGE``, which a second attempt's callback
    met by message also is), the apology, and a call that reached them
    (logged, or the acknowledging call). Not an internal note, a missed call,
    a status move or a ledger change: the customer is still waiting for what
    they asked.
    """
    if event.kind == EventKind.AGENT_MESSAGE:
        return True
    if event.kind == EventKind.STATUS:
        return event.payload.get("action") in _ANSWERING_ACTIONS
    if event.kind == EventKind.CALLBACK_ATTEMPT:
        return event.payload.get("outcome") == CallbackOutcome.REACHED
    return False


def reply_owed_columns(
    *, ticket: Ticket, at: datetime, sla: SlaSettings | None = None
) -> dict[str, Any]:
    """What a customer's message at ``at`` writes to the reply clock of ``ticket``; {} for nothing.

    Before the first contact the callback promise is what is owed, and a
    closed ticket owes nothing (a resolved one is reopened first by the
    message). A running clock stays as it is.
    """
    if not ticket.is_open or ticket.acknowledged_at is None:
        return {}
    if ticket.reply_due_at is not None and ticket.awaiting_customer_since is None:
        return {}
    return {
        **reply_columns(start=at, priority=ticket.priority, sla=sla),
        # A fresh window: its breach has not happened yet.
        "reply_breached_at": None,
        "awaiting_customer_since": None,
        "reply_remaining": None,
    }


def _write(ticket: Ticket, columns: Mapping[str, Any], *, at: datetime) -> None:
    if columns:
        tickets_write(
            Ticket.objects.filter(pk=ticket.pk), columns, at=at, quiet=True, ticket=ticket
        )


def ticket_reply_owed(*, ticket: Ticket, at: datetime) -> None:
    """Start the reply clock for the customer's message of ``at`` (its event is already written).

    Called with the row locked by ``ticket_customer_message``.
    """
    _write(ticket, reply_owed_columns(ticket=ticket, at=at), at=at)


def ticket_reply_answered(*, ticket: Ticket, event: TicketEvent) -> None:
    """Stop the reply clock if ``event`` answers the customer (``answers``); else nothing.

    Costs no query when no reply is owed. A wait on the customer goes on: the
    agent may well be chasing the answer they wait for.
    """
    if not answers(event):
        return
    if ticket.reply_due_at is None and ticket.reply_reminder_due_at is None:
        return
    _write(ticket, {"reply_due_at": None}, at=event.created_at)


def reply_pause_columns(*, ticket: Ticket, at: datetime, sla: SlaSettings) -> dict[str, Any]:
    """The clock paused at ``at``: what it had left is kept, the deadline and reminder cleared."""
    remaining = None
    if ticket.reply_due_at is not None:
        remaining = clock_between(start=at, end=ticket.reply_due_at, sla=sla)
    return {
        "awaiting_customer_since": at,
        "reply_remaining": remaining,
        "reply_due_at": None,
    }


def reply_resume_columns(*, ticket: Ticket, at: datetime, sla: SlaSettings) -> dict[str, Any]:
    """The wait ended by the agent at ``at``: a paused deadline runs again with what it had left.

    A reply owed but already late when paused resumes due at once, and the
    breach already recorded for it is not recorded again.
    """
    columns: dict[str, Any] = {"awaiting_customer_since": None, "reply_remaining": None}
    remaining: timedelta | None = ticket.reply_remaining
    if remaining is not None:
        columns |= reply_columns(start=at, priority=ticket.priority, remaining=remaining, sla=sla)
    return columns
