"""An agent's files with a message: the ticket page's form, the timelines, the tracking page, the email."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.models import Attachment
from notifications.emails import build
from notifications.models import Notification, NotificationKind
from recovery.choices import EventKind, Status
from tests.complaints.conftest import EXE_BYTES, PDF_BYTES, PNG_BYTES
from tests.factories import CustomerFactory, ticket_in_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(agent):
    return ticket_in_status(Status.ACKNOWLEDGED, actor=agent, customer=CustomerFactory())


def send(client, ticket, *files, text="Here is your return label.", form="message"):
    url = reverse(f"agent:ticket_{form}", args=[ticket.reference])
    return client.post(url, {f"{form}-text": text, f"{form}-attachments": list(files)})


def label(name="label.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_message_with_files_stores_them_as_the_agents_and_lists_them_under_it(
    agent_client, agent, ticket
):
    response = send(agent_client, ticket, label(), label("photo.png", PNG_BYTES))

    assert response.status_code == 302
    files = list(Attachment.objects.order_by("pk"))
    assert [(f.original_name, f.content_type, f.added_by) for f in files] == [
        ("label.pdf", "application/pdf", agent),
        ("photo.png", "image/png", agent),
    ]
    assert all(f.added_at for f in files)
    event = ticket.events.get(kind=EventKind.AGENT_MESSAGE)
    assert event.payload["attachments"] == [f.pk for f in files]
    page = agent_client.get(reverse("agent:ticket", args=[ticket.reference])).text
    entry = page[page.index("Here is your return label.") :]
    assert reverse("agent:attachment", args=[files[0].pk]) in entry
    assert "sent to the customer with a message" in page


def test_the_customer_sees_the_agents_files_under_the_message_and_downloads_them(
    agent_client, client, ticket
):
    send(agent_client, ticket, label())
    attachment = Attachment.objects.get()
    token = ticket.complaint.tracking_token

    page = client.get(reverse("complaints:track", args=[token])).text

    link = reverse("complaints:track_attachment", args=[token, attachment.pk])
    assert link in page
    assert page.index("Message from our team") < page.index(link)
    assert "Files you sent" not in page  # theirs only; ours sit under the message
    download = client.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES


def test_the_message_email_links_each_file_behind_the_tracking_link(agent_client, ticket):
    send(agent_client, ticket, label())
    attachment = Attachment.objects.get()
    email = Notification.objects.get(kind=NotificationKind.AGENT_MESSAGE)

    _subject, message = build(email)

    link = reverse(
        "complaints:track_attachment", args=[ticket.complaint.tracking_token, attachment.pk]
    )
    assert "label.pdf: http://" in message.body and link in message.body
    html = message.alternatives[0][0]
    assert link in html and "Files sent with this message" in html


def test_a_message_without_files_emails_no_file_list(agent_client, ticket):
    send(agent_client, ticket)
    _subject, message = build(Notification.objects.get(kind=NotificationKind.AGENT_MESSAGE))
    assert "Files sent with this message" not in message.body


@pytest.mark.parametrize(
    ("upload", "needle"),
    [
        (label("setup.png", EXE_BYTES), "“setup.png” is not an image or a PDF."),
        (label("blank.pdf", b""), "“blank.pdf” is empty."),
    ],
    ids=["program", "empty"],
)
def test_a_refused_file_is_shown_beside_the_field_and_nothing_is_sent(
    agent_client, ticket, upload, needle
):
    response = send(agent_client, ticket, upload)

    assert response.status_code == 400
    assert 'id="id_message-attachments_error"' in response.text
    assert needle in response.text
    assert not ticket.events.filter(kind=EventKind.AGENT_MESSAGE).exists()
    assert Attachment.objects.count() == 0


def test_one_file_too_many_is_refused(agent_client, ticket, settings):
    files = [label(f"l{i}.pdf") for i in range(settings.AMENDS["MAX_ATTACHMENTS"] + 1)]
    response = send(agent_client, ticket, *files)
    assert response.status_code == 400
    assert "Attach at most" in response.text
    assert Attachment.objects.count() == 0


def test_the_internal_note_form_takes_no_files(agent_client, ticket):
    page = agent_client.get(reverse("agent:ticket", args=[ticket.reference])).text
    assert 'name="message-attachments"' in page
    assert 'name="note-attachments"' not in page

    send(agent_client, ticket, label(), text="For us only.", form="note")

    assert ticket.events.get(kind=EventKind.NOTE).payload == {"text": "For us only."}
    assert Attachment.objects.count() == 0


def test_the_customers_own_files_stay_theirs_on_the_tracking_page(client, ticket):
    complaint = ticket.complaint
    Attachment.objects.create(
        complaint=complaint,
        file=SimpleUploadedFile("mine.png", PNG_BYTES),
        stored_name="x.png",
        original_name="mine.png",
        content_type="image/png",
        size=len(PNG_BYTES),
    )
    page = client.get(reverse("complaints:track", args=[complaint.tracking_token])).text
    assert "Files you sent" in page and "mine.png" in page
