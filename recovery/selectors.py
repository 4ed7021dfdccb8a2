"""Reads for the agents' pages."""

from django.db.models import Prefetch

from recovery.choices import OPEN_STATUSES
from recovery.models import Ticket, TicketEvent


def ticket_queue(*, limit=50):
    """Open tickets, the one due first on top (no deadline, i.e. met, last)."""
    return list(
        Ticket.objects.filter(status__in=OPEN_STATUSES)
        .select_related("complaint__customer", "complaint__category", "assignee")
        .order_by("callback_due_at", "id")[:limit]
    )


def ticket_for_agent(reference):
    return (
        Ticket.objects.select_related("complaint__customer", "complaint__category", "assignee")
        .prefetch_related(
            "complaint__attachments",
            Prefetch("events", queryset=TicketEvent.objects.select_related("actor")),
        )
        .filter(complaint__reference=reference)
        .first()
    )
