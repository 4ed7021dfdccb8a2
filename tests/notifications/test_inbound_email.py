"""Customers' replies by email reach their ticket; anything unproven waits for a person."""

import base64
import json
import uuid

import pytest

from complaints.models import Attachment
from notifications.inbound import reply_text
from notifications.models import InboundEmail, InboundStatus, NotificationKind
from notifications.services import notification_queue
from recovery.choices import EventKind, Status
from recovery.models import Ticket, TicketEvent
from tests.complaints.conftest import EXE_BYTES, PNG_BYTES
from tests.factories import received_email, ticket_in_status, ticketed_complaint
from tests.notifications.esps import RIGHT_AUTH, WRONG_AUTH

pytestmark = pytest.mark.django_db

QUOTED = (
    "The voucher code does not work.\n\n"
    "On Mon, 5 Jan 2026 at 10:00, Amends <care@amends.localhost> wrote:\n"
    "> Your complaint is resolved.\n"
)


@pytest.fixture(autouse=True)
def _postmark_inbound(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "amends:webhook-pass"}


def inbound(client, *, to, sender, subject="Re: your complaint", text=QUOTED, **extra):
    """Post an email as Postmark's inbound webhook delivers it."""
    attachments = [
        {
            "Name": name,
            "Content": base64.b64encode(content).decode(),
            "ContentType": content_type,
            "ContentLength": len(content),
        }
        for name, content, content_type in extra.pop("attachments", ())
    ]
    payload = {
        "FromName": "Ada Lovelace",
        "From": sender,
        "FromFull": {"Email": sender, "Name": "Ada Lovelace", "MailboxHash": ""},
        "To": to,
        "ToFull": [{"Email": to, "Name": "", "MailboxHash": to.split("@")[0].partition("+")[2]}],
        "Cc": "",
        "CcFull": [],
        "OriginalRecipient": to,
        "Subject": subject,
        "MessageID": str(uuid.uuid4()),
        "Date": "Mon, 5 Jan 2026 11:00:00 +0000",
        "TextBody": text,
        "HtmlBody": "",
        "StrippedTextReply": "",
        "Headers": [
            {"Name": "Message-ID", "Value": extra.pop("message_id", f"<{uuid.uuid4()}@mail.test>")},
            *({"Name": k, "Value": v} for k, v in extra.pop("headers", {}).items()),
        ],
        "Attachments": attachments,
    }
    response = client.post(
        "/anymail/postmark/inbound/",
        data=json.dumps(payload),
        content_type="application/json",
        **extra.pop("auth", RIGHT_AUTH),
    )
    assert not extra
    return response


def reply_address(notification):
    return f"replies+{notification.reply_token}@amends.localhost"


def messages(ticket):
    return TicketEvent.objects.filter(ticket=ticket, kind=EventKind.CUSTOMER_MESSAGE)


def customer_email(ticket):
    return received_email(ticket=ticket)


def test_a_reply_to_our_email_reaches_its_ticket_and_reopens_it_when_resolved(client):
    ticket = ticket_in_status(Status.RESOLVED)
    ours = customer_email(ticket)
    response = inbound(client, to=reply_address(ours), sender="someone-else@example.org")
    assert response.status_code == 200
    (message,) = messages(ticket)
    assert message.payload == {"text": "The voucher code does not work.", "source": "email"}
    assert Ticket.objects.get(pk=ticket.pk).status == Status.ACKNOWLEDGED
    stored = InboundEmail.objects.get()
    assert (stored.status, stored.ticket_id) == (InboundStatus.ATTACHED, ticket.pk)


def test_a_reply_naming_its_reference_from_the_customers_own_address_is_attached(client):
    complaint = ticketed_complaint()
    subject = f"Re: [{complaint.reference.lower()}] We have received your complaint"
    inbound(client, to="replies@amends.localhost", sender=complaint.customer.email, subject=subject)
    assert messages(complaint.ticket).count() == 1
    assert InboundEmail.objects.get().status == InboundStatus.ATTACHED


def test_the_right_reference_from_another_sender_is_kept_for_review(client):
    complaint = ticketed_complaint()
    subject = f"Re: [{complaint.reference}] We have received your complaint"
    inbound(client, to="replies@amends.localhost", sender="forger@example.org", subject=subject)
    assert not messages(complaint.ticket).exists()
    stored = InboundEmail.objects.get()
    assert (stored.status, stored.reason, stored.ticket) == (
        InboundStatus.REVIEW,
        "sender_is_not_the_customer",
        None,
    )


def test_an_unknown_reply_token_is_kept_for_review(client):
    complaint = ticketed_complaint()
    inbound(client, to="replies+madeUpToken123@amends.localhost", sender=complaint.customer.email)
    assert not messages(complaint.ticket).exists()
    stored = InboundEmail.objects.get()
    assert (stored.status, stored.reason) == (InboundStatus.REVIEW, "unknown_reply_address")


def test_the_customers_address_alone_never_matches_a_ticket_it_opens_a_new_complaint(client):
    complaint = ticketed_complaint()
    inbound(client, to="replies@amends.localhost", sender=complaint.customer.email)
    assert not messages(complaint.ticket).exists()
    stored = InboundEmail.objects.get()
    assert stored.status == InboundStatus.OPENED
    assert stored.complaint.customer_id == complaint.customer_id
    assert stored.complaint_id != complaint.pk


def test_a_staff_members_reply_to_an_alert_is_not_taken_for_the_customers(client):
    ticket = ticketed_complaint().ticket
    alert = notification_queue(
        ticket=ticket,
        event=ticket.events.get(kind=EventKind.OPENED),
        kind=NotificationKind.BREACH_ALERT,
        recipient="boss@amends.test",
        language="en",
    )
    inbound(client, to=reply_address(alert), sender="boss@amends.test")
    assert not messages(ticket).exists()
    assert InboundEmail.objects.get().reason == "reply_to_staff_alert"


def test_an_out_of_office_reply_does_not_reopen_a_resolved_ticket(client):
    ticket = ticket_in_status(Status.RESOLVED)
    to = reply_address(customer_email(ticket))
    inbound(client, to=to, sender="x@example.org", headers={"Auto-Submitted": "auto-replied"})
    assert Ticket.objects.get(pk=ticket.pk).status == Status.RESOLVED
    assert InboundEmail.objects.get().reason == "automatic_reply"


def test_a_photo_is_added_to_the_complaint_and_a_disguised_program_is_refused(client):
    ticket = ticketed_complaint().ticket
    files = [("vase.png", PNG_BYTES, "image/png"), ("photo.jpg", EXE_BYTES, "image/jpeg")]
    to = reply_address(customer_email(ticket))
    inbound(client, to=to, sender="ada@example.com", attachments=files)
    (kept,) = Attachment.objects.filter(complaint=ticket.complaint)
    assert (kept.original_name, kept.content_type) == ("vase.png", "image/png")
    assert kept.file.read() == PNG_BYTES
    stored = InboundEmail.objects.get()
    assert (stored.status, stored.attachment_names) == (InboundStatus.ATTACHED, ["photo.jpg"])
    assert messages(ticket).count() == 1


def test_the_same_email_posted_twice_is_attached_once(client):
    ticket = ticketed_complaint().ticket
    to = reply_address(customer_email(ticket))
    for _ in range(2):
        assert (
            inbound(client, to=to, sender="a@b.c", message_id="<once@mail.test>").status_code == 200
        )
    assert messages(ticket).count() == 1
    assert InboundEmail.objects.count() == 1


def test_a_post_without_the_webhook_secret_is_refused_and_stores_nothing(client):
    ticket = ticketed_complaint().ticket
    to = reply_address(customer_email(ticket))
    assert inbound(client, to=to, sender="a@b.c", auth=WRONG_AUTH).status_code == 400
    assert not InboundEmail.objects.exists()
    assert not messages(ticket).exists()


@pytest.mark.parametrize(
    "text",
    [
        "Still broken.\n\nOn Mon, 5 Jan 2026, Amends <care@amends.localhost> wrote:\n> Hello",
        "Still broken.\n\nLe lun. 5 janv. 2026 à 10:00, Amends <care@amends.localhost> a écrit :\n> Bonjour",
        "Still broken.\n> quoted line\n",
        "Still broken.\n-----Original Message-----\nFrom: Amends",
    ],
)
def test_only_the_customers_own_words_are_kept_from_a_reply(text):
    assert reply_text(text) == "Still broken."
