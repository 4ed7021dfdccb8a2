"""Mail no person wrote, and mail we cannot read: kept for review with a reason, never answered."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import Complaint
from notifications import inbound
from notifications.models import InboundEmail, InboundStatus, Notification
from recovery.choices import Status
from recovery.models import Ticket
from tests.factories import CategoryFactory, received_email, ticket_in_status
from tests.notifications.esps import RIGHT_AUTH, Mailgun
from tests.notifications.inbound_mail import PROVIDERS, PostmarkRaw, raw_email

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _category():
    CategoryFactory()


@pytest.fixture(params=PROVIDERS, ids=lambda provider: provider.name)
def provider(request, settings):
    request.param.configure(settings)
    return request.param


def kept_for_review(reason):
    """The one email stored, in review for ``reason``; no complaint opened, nothing sent."""
    stored = InboundEmail.objects.get()
    assert (stored.status, stored.reason, stored.complaint) == (InboundStatus.REVIEW, reason, None)
    assert not Complaint.objects.exists()
    assert not Notification.objects.exists()
    return stored


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Auto-Submitted": "auto-generated"},
        {"X-Autoreply": "yes"},
        {"X-Autorespond": "Out of office"},
        {"Precedence": "bulk"},
        {"Precedence": "junk"},
        {"Precedence": "list"},
        {"List-Id": "<deals.shop.example>"},
        {"List-Unsubscribe": "<mailto:leave@shop.example>"},
    ],
    ids=lambda headers: "-".join(f"{k}:{v}" for k, v in headers.items()),
)
def test_an_automatic_email_opens_no_complaint_and_is_not_answered(client, provider, headers):
    assert provider.post(client, raw_email(headers=headers)).status_code == 200
    kept_for_review(inbound.AUTOMATIC_REPLY)


def test_auto_submitted_no_is_a_person_writing(client, provider):
    provider.post(client, raw_email(headers={"Auto-Submitted": "no"}))
    assert InboundEmail.objects.get().status == InboundStatus.OPENED


@pytest.mark.parametrize(
    "sender",
    ["MAILER-DAEMON@mx.mail.test", "postmaster@mail.test", "Mail System <mailer-daemon@x.test>"],
)
def test_a_bounce_from_a_mail_system_opens_no_complaint(client, provider, sender):
    provider.post(client, raw_email(sender=sender, subject="Undelivered Mail Returned to Sender"))
    kept_for_review(inbound.BOUNCE)


def delivery_report():
    """An RFC 3464 bounce, as a server that is not called MAILER-DAEMON sends it."""
    return (
        b"From: Mail Delivery <bounces@mx.shop.example>\r\n"
        b"To: replies@amends.localhost\r\n"
        b"Subject: Delivery Status Notification (Failure)\r\n"
        b"Message-ID: <report-1@mx.shop.example>\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered to anyone.\r\n"
        b"--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.shop.example\r\n\r\nFinal-Recipient: rfc822; ada@example.com\r\n"
        b"Action: failed\r\nStatus: 5.1.1\r\n"
        b"--B--\r\n"
    )


def test_a_delivery_status_report_opens_no_complaint(client, provider):
    provider.post(client, delivery_report())
    kept_for_review(inbound.BOUNCE)


@pytest.mark.parametrize(
    "sender",
    ["Amends <care@amends.localhost>", "replies+abc@amends.localhost", "x@AMENDS.localhost"],
)
def test_our_own_mail_coming_back_opens_no_complaint(client, provider, sender):
    provider.post(client, raw_email(sender=sender))
    kept_for_review(inbound.OWN_MAIL)


def test_a_bounce_to_a_reply_address_does_not_reach_the_ticket(client, provider):
    ticket = ticket_in_status(Status.RESOLVED)
    to = f"replies+{received_email(ticket=ticket).reply_token}@amends.localhost"
    raw = raw_email(sender="MAILER-DAEMON@mx.mail.test", to=to)
    provider.post(client, raw, to=to)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.RESOLVED
    assert InboundEmail.objects.get().reason == inbound.BOUNCE


def test_an_email_without_a_sender_is_kept_for_review(client, provider):
    assert provider.post(client, raw_email(sender=None)).status_code == 200
    kept_for_review(inbound.NO_SENDER)


BROKEN_TREE = (
    b"From: Ada <ada@example.com>\r\nTo: replies@amends.localhost\r\nSubject: Broken\r\n"
    b"Message-ID: <broken@mail.test>\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="never-used"\r\n\r\n'
    b"--other\r\nContent-Type: text/plain\r\n\r\nThe vase is broken, and so is this email.\r\n"
)
UNKNOWN_CHARSET = (
    b"From: Ada <ada@example.com>\r\nTo: replies@amends.localhost\r\nSubject: Charset\r\n"
    b"Message-ID: <charset@mail.test>\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=x-no-such-charset\r\n\r\nThe vase is broken.\r\n"
)


@pytest.mark.parametrize("raw", [BROKEN_TREE, UNKNOWN_CHARSET], ids=["no-boundary", "charset"])
def test_a_malformed_mime_email_is_kept_for_review_without_crashing(client, provider, raw):
    assert provider.post(client, raw).status_code == 200
    kept_for_review(inbound.MALFORMED)


def test_a_30_mb_email_is_kept_for_review_without_its_body_or_files(client, settings):
    PostmarkRaw().configure(settings)
    photo = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * (30 * 4096)  # 30 MB
    raw = raw_email(attachments=[("huge.png", photo, "image/png")])
    assert len(raw) > 30 * 1024 * 1024
    assert PostmarkRaw().post(client, raw).status_code == 200
    stored = kept_for_review(inbound.TOO_LARGE)
    assert (stored.text, stored.attachment_names) == ("", [])
    assert stored.from_email == "Ada Lovelace <ada@example.com>"


def test_a_30_mb_email_posted_with_its_files_apart_is_kept_for_review(client, settings):
    """Mailgun's fully parsed posting: the files come as uploads, the text as fields."""
    settings.EMAIL_BACKEND = Mailgun.settings["EMAIL_BACKEND"]
    settings.ANYMAIL = dict(Mailgun.settings["ANYMAIL"])
    photo = SimpleUploadedFile("huge.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (30 * 1024 * 1024))
    headers = [
        ["From", "Ada Lovelace <ada@example.com>"],
        ["To", "replies@amends.localhost"],
        ["Subject", "Photo of the broken vase"],
        ["Message-Id", "<big@mail.test>"],
    ]
    data = {
        "recipient": "replies@amends.localhost",
        "sender": "ada@example.com",
        "body-plain": "Here is the photo of the broken vase.",
        "message-headers": json.dumps(headers),
        "attachment-count": "1",
        "attachment-1": photo,
        **Mailgun().signature("tok" * 10, "1767610000"),
    }
    response = client.post("/anymail/mailgun/inbound/", data=data, **RIGHT_AUTH)
    assert response.status_code == 200
    assert kept_for_review(inbound.TOO_LARGE).text == ""
