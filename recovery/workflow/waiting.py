"""Waiting on the customer: the agent pauses the next-reply clock, and ends the pause.

The agent asked the customer for something (a photo, an order number) and
cannot answer before it comes: the reply owed is not late while they wait, as
osTicket's "awaiting customer" status keeps it. The customer's next message
ends the wait by itself and starts a fresh window (``recovery.workflow.reply``);
the agent may end it too, and then the paused deadline runs again with what it
had left. Either way one AWAITING_CUSTOMER event says so on the timeline.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recovery.choices import EventKind
from recovery.errors import IllegalTransition, StaleTicket
from recovery.models import SlaSettings, Ticket, TicketEvent
from recovery.workflow.moves import transition
from recovery.workflow.reply import reply_pause_columns, reply_resume_columns
from shared.roles import Actor


@transaction.atomic
def ticket_await_customer(
    *, ticket: Ticket, actor: Actor, waiting: bool, expected_version: int | None = None
) -> TicketEvent | None:
    """Start (``waiting``) or end a wait on the customer; None when it already was so.

    Only an open ticket past its first contact waits: before it, the callback
    is owed whatever the customer does. Pausing keeps what the reply window
    had left (``reply_remaining``, in the SLA clock's own hours); ending the
    wait resumes it. The event is internal: the customer sees the agent's
    message asking them, not our bookkeeping.
    """
    if not ticket.is_open or ticket.acknowledged_at is None:
        raise IllegalTransition(_("Only an acknowledged open ticket can wait on the customer."))
    if waiting == (ticket.awaiting_customer_since is not None):
        if expected_version is not None and expected_version != ticket.version:
            raise StaleTicket()
        return None
    at = timezone.now()
    sla = SlaSettings.current()
    if waiting:
        changes = reply_pause_columns(ticket=ticket, at=at, sla=sla)
        remaining = changes["reply_remaining"]
        payload = {
            "waiting": True,
            "remaining_seconds": None if remaining is None else remaining.total_seconds(),
        }
    else:
        changes = reply_resume_columns(ticket=ticket, at=at, sla=sla)
        due = changes.get("reply_due_at")
        payload = {"waiting": False, "reply_due_at": due.isoformat() if due else None}
    return transition(
        ticket=ticket,
        actor=actor,
        expected_version=expected_version,
        changes=changes,
        kind=EventKind.AWAITING_CUSTOMER,
        payload=payload,
        at=at,
    )
