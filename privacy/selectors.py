"""What we hold about one customer: the customer's page and the export read it from here.

The export's rule for the timeline: a customer gets the events they saw
(customer-visible: apologies, messages to them, status moves they were shown)
and the ones they wrote (their messages, their survey answers). Internal
notes and the agents' own bookkeeping (assignments, reminders, breaches) are
left out: they are the team's working notes, and what they say about the
customer (the complaint, the ledger, the calls made) is exported from its own
table. Of a visible event only ``payload["text"]`` is the customer's to see
(``recovery.models.TicketEvent``); the other keys are agents' only.
"""

from typing import Any

from django.db.models import Q, QuerySet

from complaints.models import Attachment, Complaint, Customer
from notifications.models import STAFF_KINDS, InboundEmail, Notification
from recovery.choices import EventKind
from recovery.models import CallbackAttempt, Compensation, Survey, TicketEvent

# Events the customer wrote, whether or not the timeline shows them.
CUSTOMER_AUTHORED = (EventKind.CUSTOMER_MESSAGE, EventKind.SURVEY_ANSWERED)


def customer_complaints(*, customer: Customer) -> QuerySet[Complaint]:
    """Their complaints, newest first, with ticket and category for the page's list."""
    return customer.complaints.select_related("ticket", "category").order_by("-submitted_at")


def customer_ticket_ids(*, customer: Customer) -> list[int]:
    return list(
        Complaint.objects.filter(customer=customer, ticket__isnull=False).values_list(
            "ticket__id", flat=True
        )
    )


def customer_inbound(*, customer: Customer) -> QuerySet[InboundEmail]:
    """Emails they sent us: threaded into their tickets, opening their complaints, or unmatched from their address."""
    ticket_ids = customer_ticket_ids(customer=customer)
    match = Q(ticket_id__in=ticket_ids) | Q(complaint__customer=customer)
    if customer.email:
        match |= sent_from(customer.email)
    return InboundEmail.objects.filter(match).order_by("received_at", "pk")


def sent_from(address: str) -> Q:
    """Inbound emails from ``address``: the intake stores the whole From header, "Name <address>" or the address."""
    return Q(from_email__iexact=address) | Q(from_email__iendswith=f"<{address}>")


def customer_outbox(*, customer: Customer) -> QuerySet[Notification]:
    """The emails written to them (not the staff alerts about their tickets)."""
    return (
        Notification.objects.filter(ticket__complaint__customer=customer)
        .exclude(kind__in=STAFF_KINDS)
        .order_by("created_at", "pk")
    )


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def attachment_archive_name(attachment: Attachment, reference: str) -> str:
    """Where an attachment's file sits in the export: by complaint, named as the customer sent it."""
    name = attachment.original_name.replace("/", "_").replace("\\", "_").strip() or "file"
    return f"attachments/{reference}/{attachment.pk}-{name}"


def _event(event: TicketEvent) -> dict[str, Any]:
    row: dict[str, Any] = {
        "kind": event.kind,
        "at": _iso(event.created_at),
        "from_status": event.from_status,
        "to_status": event.to_status,
    }
    if event.kind == EventKind.SURVEY_ANSWERED:
        keys = ("csat", "nps", "solved", "comment")
        row["answer"] = {k: event.payload.get(k) for k in keys}
    elif "text" in event.payload:
        row["text"] = event.payload["text"]
    return row


def _complaint(complaint: Complaint) -> dict[str, Any]:
    ticket = getattr(complaint, "ticket", None)
    events = (
        ticket.events.filter(Q(customer_visible=True) | Q(kind__in=CUSTOMER_AUTHORED))
        if ticket
        else TicketEvent.objects.none()
    )
    return {
        "reference": complaint.reference,
        "category": complaint.category.name_en,
        "channel": complaint.channel,
        "submitted_at": _iso(complaint.submitted_at),
        "description": complaint.description,
        "remedy_sought": complaint.remedy_sought,
        "order_reference": complaint.order_reference,
        "nps_at_intake": complaint.nps_at_intake,
        "consent_to_contact": complaint.consent_to_contact,
        "language": complaint.language,
        "ip_address": complaint.ip_address,
        "status": ticket.status if ticket else None,
        "resolved_at": _iso(ticket.resolved_at) if ticket else None,
        "attachments": [
            {
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "file": attachment_archive_name(a, complaint.reference),
            }
            for a in complaint.attachments.all()
        ],
        "timeline": [_event(e) for e in events],
        "callback_attempts": [
            {"at": _iso(c.created_at), "number_called": c.number_called, "outcome": c.outcome}
            for c in CallbackAttempt.objects.filter(ticket=ticket)
        ],
        "compensations": [
            {
                "kind": c.kind,
                "amount": str(c.amount) if c.amount is not None else None,
                "currency": c.currency,
                "status": c.status,
                "remedy_sought": c.remedy_sought,
                "description": c.description,
                "code": c.code,
                "redeem_instructions": c.redeem_instructions,
                "proposed_at": _iso(c.proposed_at),
                "fulfilled_at": _iso(c.fulfilled_at),
            }
            for c in Compensation.objects.filter(ticket=ticket)
        ],
        "surveys": [
            {
                "sent_at": _iso(s.sent_at),
                "answered_at": _iso(s.answered_at),
                "csat": s.csat,
                "nps": s.nps,
                "solved": s.solved,
                "comment": s.comment,
            }
            for s in Survey.objects.filter(ticket=ticket)
        ],
    }


def customer_held(*, customer: Customer) -> dict[str, Any]:
    """Everything held about one customer, as JSON-ready data (the export's ``customer.json``)."""
    complaints = customer_complaints(customer=customer).prefetch_related("attachments")
    return {
        "customer": {
            "id": customer.pk,
            "name": customer.name,
            "email": customer.email,
            "phone": customer.phone,
            "language": customer.language,
            "timezone": customer.timezone,
            "created_at": _iso(customer.created_at),
            "erased_at": _iso(customer.erased_at),
        },
        "complaints": [_complaint(c) for c in complaints],
        "emails_sent": [
            {
                "kind": n.kind,
                "recipient": n.recipient,
                "subject": n.subject,
                "status": n.status,
                "created_at": _iso(n.created_at),
                "sent_at": _iso(n.sent_at),
                "delivered_at": _iso(n.delivered_at),
                "opened_at": _iso(n.opened_at),
            }
            for n in customer_outbox(customer=customer)
        ],
        "emails_received": [
            {
                "from": m.from_email,
                "to": m.to,
                "subject": m.subject,
                "text": m.text,
                "attachment_names": m.attachment_names,
                "received_at": _iso(m.received_at),
                "status": m.status,
            }
            for m in customer_inbound(customer=customer)
        ],
    }


def customer_attachments(*, customer: Customer) -> QuerySet[Attachment]:
    return Attachment.objects.filter(complaint__customer=customer).select_related("complaint")
