"""A customer whose every field that can carry text carries one marker, through the real services."""

from dataclasses import dataclass

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile

from complaints.models import Attachment, Complaint, Customer
from notifications.models import DeliveryEvent, InboundEmail, InboundStatus, Notification
from recovery import services
from recovery.choices import AcknowledgeMethod, CompensationKind, Status
from recovery.compensation import compensation_approve, compensation_fulfil, compensation_propose
from recovery.contact import ticket_acknowledge
from recovery.deadlines import send_due_surveys
from recovery.models import Survey, Ticket
from recovery.survey import survey_answer
from recovery.workflow import ticket_customer_message
from tests.factories import AgentFactory, CustomerFactory, ManagerFactory, ticketed_complaint

MARKER = "ZZQX-MARKER-7781"
# Phones are normalised to E.164, so the marker there is a number nobody else has.
PHONE = "+33699977781"
IP = "203.0.113.77"
# Written on the ticket as an internal note: kept out of the export.
INTERNAL = "internal-only-4411"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Planted:
    customer: Customer
    complaint: Complaint
    ticket: Ticket
    agent: object
    manager: object


def plant(*, marker: str = MARKER, phone: str = PHONE, ip: str = IP) -> Planted:
    """A resolved complaint whose customer wrote, was written to, called, compensated and surveyed."""
    agent, manager = AgentFactory(), ManagerFactory()
    email = f"{marker.lower()}@example.com"
    customer = CustomerFactory(name=f"Ana {marker}", email=email, phone=phone)
    complaint = ticketed_complaint(
        customer=customer,
        description=f"The vase {marker} arrived broken.",
        remedy_sought=f"A new vase {marker}",
        order_reference=f"ORD-{marker}",
        ip_address=ip,
        idempotency_fingerprint=marker,
    )
    Attachment.objects.create(
        complaint=complaint,
        file=ContentFile(b"%PDF-1.4 " + marker.encode(), name="upload.pdf"),
        stored_name=f"{complaint.pk}-a1b2c3.pdf",
        original_name=f"photo {marker}.pdf",
        content_type="application/pdf",
        size=30,
    )
    ticket = complaint.ticket
    ticket_acknowledge(
        ticket=ticket,
        actor=agent,
        method=AcknowledgeMethod.PHONE,
        number_called=phone,
        note=f"called {marker}",
    )
    services.ticket_add_note(ticket=ticket, actor=agent, text=f"{INTERNAL} {marker}")
    services.ticket_add_note(
        ticket=ticket, actor=agent, text=f"To you {marker}", customer_visible=True
    )
    ticket_customer_message(ticket=ticket, text=f"From me {marker}")
    ticket.refresh_from_db()
    services.ticket_apologize(ticket=ticket, actor=agent, text=f"Sorry {marker}")
    line = compensation_propose(
        ticket=ticket,
        actor=agent,
        kind=CompensationKind.VOUCHER,
        amount="20.00",
        currency="EUR",
        description=f"Voucher {marker}",
    )
    compensation_approve(compensation=line, actor=manager)
    compensation_fulfil(
        compensation=line, actor=agent, code=marker, redeem_instructions=f"Use {marker}"
    )
    ticket.refresh_from_db()
    services.ticket_start_follow_up(ticket=ticket, actor=agent)
    ticket.refresh_from_db()
    send_due_surveys(now=ticket.follow_up_due_at)
    survey = Survey.objects.get(ticket=ticket)
    survey_answer(survey=survey, csat=4, nps=9, solved="yes", comment=f"Fine {marker}")
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED

    outbox = Notification.objects.filter(ticket=ticket)
    outbox.update(subject=f"About {marker}", last_error=f"bounced {email}")
    DeliveryEvent.objects.create(
        notification=outbox.first(),
        esp="test",
        event_id=f"ev-{complaint.pk}",
        event_type="bounced",
        recipient=email,
        description=f"mailbox {marker} full",
        occurred_at=complaint.submitted_at,
    )
    InboundEmail.objects.create(
        ticket=ticket,
        status=InboundStatus.ATTACHED,
        esp="test",
        message_id=f"<m1-{complaint.pk}@example.net>",
        from_email=email,
        to=f"complaints {marker} <complaints@amends.localhost>",
        subject=f"Re: {marker}",
        text=f"Hello {marker}",
        attachment_names=[f"{marker}.jpg"],
    )
    InboundEmail.objects.create(
        status=InboundStatus.REVIEW,
        reason="No reference",
        esp="test",
        message_id=f"<m2-{complaint.pk}@example.net>",
        # As the intake stores it: the whole From header, display name and all.
        from_email=f'"Ana {marker}" <{email.upper()}>',
        subject=f"Another {marker}",
        text=f"From my other thread {marker}",
    )
    LogEntry.objects.create(
        user=manager,
        content_type=ContentType.objects.get_for_model(Customer),
        object_id=str(customer.pk),
        object_repr=str(customer),
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Name"]}}]',
    )
    return Planted(customer, complaint, ticket, agent, manager)


@pytest.fixture
def planted(db):
    return plant()
