"""The one writer of a ticket's status, priority and deadline columns.

Everything that changes those columns goes through a function here, and every
such change writes a TicketEvent in the same transaction. The callback promise
(24 hours for high priority, 48 for standard, counted from the moment the
customer submitted) is computed here and nowhere else.
"""

from datetime import UTC, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from recovery.choices import EventKind, Priority, Status
from recovery.models import SlaSettings, Ticket, TicketEvent


def callback_due_at(*, submitted_at, priority, sla=None):
    """When the customer must have been called back by, for this priority.

    Counted in UTC: Python adds a timedelta to a zoned datetime in wall-clock
    time, which would make a 48-hour promise 47 real hours across a DST change.
    """
    sla = sla or SlaSettings.current()
    return submitted_at.astimezone(UTC) + timedelta(hours=sla.hours_for(priority))


def priority_for_complaint(*, complaint):
    """The category's default priority, raised to high for a repeat complainant.

    Somebody who complained again within the last 90 days was let down twice:
    their callback is the more urgent one.
    """
    from complaints.models import Complaint

    if complaint.category.default_priority == Priority.HIGH:
        return Priority.HIGH
    window = timedelta(days=settings.AMENDS["REPEAT_COMPLAINANT_DAYS"])
    earlier = (
        Complaint.objects.filter(
            customer_id=complaint.customer_id,
            submitted_at__gte=complaint.submitted_at - window,
            submitted_at__lte=complaint.submitted_at,
        )
        .exclude(pk=complaint.pk)
        .exists()
    )
    return Priority.HIGH if earlier else Priority.STANDARD


def event_record(*, ticket, kind, actor=None, customer_visible=False, payload=None,
                 from_status="", to_status="", at=None):
    """Append one event to a ticket's timeline."""
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        customer_visible=customer_visible,
        payload=payload or {},
        from_status=from_status,
        to_status=to_status,
        created_at=at or timezone.now(),
    )


@transaction.atomic
def ticket_open(*, complaint, actor=None):
    """Open the recovery ticket for a new complaint, with its callback deadline."""
    priority = priority_for_complaint(complaint=complaint)
    ticket = Ticket.objects.create(
        complaint=complaint,
        status=Status.NEW,
        priority=priority,
        callback_due_at=callback_due_at(submitted_at=complaint.submitted_at, priority=priority),
        opened_at=complaint.submitted_at,
    )
    event_record(
        ticket=ticket,
        kind=EventKind.OPENED,
        actor=actor,
        customer_visible=True,
        to_status=Status.NEW,
        payload={"channel": complaint.channel, "priority": priority},
        at=complaint.submitted_at,
    )
    return ticket


@transaction.atomic
def ticket_customer_message(*, ticket, text, source="tracking_page"):
    """Record a message the customer sent us about their complaint."""
    return event_record(
        ticket=ticket,
        kind=EventKind.CUSTOMER_MESSAGE,
        customer_visible=True,
        payload={"text": text, "source": source},
    )
