"""POST /api/v1/track/<token>/messages/: the customer's message, with files, by their tracking link."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import Attachment
from recovery.choices import EventKind, Status
from recovery.models import TicketEvent
from tests.api.conftest import error_of
from tests.complaints.conftest import EXE_BYTES, PNG_BYTES
from tests.factories import ticket_in_status, ticketed_complaint

pytestmark = pytest.mark.django_db


def url(complaint):
    return f"/api/v1/track/{complaint.tracking_token}/messages/"


def photo(name="scratch.png", content=PNG_BYTES):
    return SimpleUploadedFile(name, content, content_type="image/png")


def test_the_customer_sends_a_message_with_a_photo_by_their_tracking_link(anonymous):
    complaint = ticketed_complaint()

    response = anonymous.post(
        url(complaint), {"text": "Another scratch.", "attachments": [photo()]}, format="multipart"
    )

    assert response.status_code == 201, response.json()
    attachment = Attachment.objects.get()
    assert (attachment.complaint, attachment.added_by, attachment.added_at) == (
        complaint,
        None,
        None,
    )
    event = TicketEvent.objects.get(kind=EventKind.CUSTOMER_MESSAGE)
    assert event.payload == {
        "text": "Another scratch.",
        "source": "api",
        "attachments": [attachment.pk],
    }
    body = response.json()
    assert body["id"] == event.pk and body["text"] == "Another scratch."
    assert [a["original_name"] for a in body["attachments"]] == ["scratch.png"]


def test_a_json_message_needs_no_files(anonymous):
    complaint = ticketed_complaint()
    response = anonymous.post(url(complaint), {"text": "Call me after 6."}, format="json")
    assert response.status_code == 201
    assert response.json()["attachments"] == []


def test_a_message_reopens_a_resolved_complaint(anonymous):
    ticket = ticket_in_status(Status.RESOLVED)
    response = anonymous.post(url(ticket.complaint), {"text": "It broke again."}, format="json")
    assert response.status_code == 201
    ticket.refresh_from_db()
    assert ticket.status == Status.ACKNOWLEDGED


@pytest.mark.parametrize(
    ("files", "needle"),
    [
        ([photo("setup.png", EXE_BYTES)], "“setup.png” is not an image or a PDF."),
        ([photo("blank.png", b"")], "“blank.png” is empty."),
        ([photo(f"p{i}.png") for i in range(6)], "at most 5 files"),
    ],
    ids=["program", "empty", "too-many"],
)
def test_a_refused_file_sends_nothing(anonymous, files, needle):
    complaint = ticketed_complaint()

    response = anonymous.post(
        url(complaint), {"text": "See this.", "attachments": files}, format="multipart"
    )

    assert response.status_code == 400
    error = error_of(response)
    assert list(error["fields"]) == ["attachments"]
    assert needle in " ".join(error["fields"]["attachments"])
    assert not TicketEvent.objects.filter(kind=EventKind.CUSTOMER_MESSAGE).exists()
    assert Attachment.objects.count() == 0


def test_an_empty_message_is_refused_on_its_field(anonymous):
    complaint = ticketed_complaint()
    response = anonymous.post(url(complaint), {"text": ""}, format="json")
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["text"]


def test_an_unknown_or_expired_link_is_a_404_that_says_nothing_more(anonymous, settings):
    unknown = anonymous.post("/api/v1/track/" + "x" * 43 + "/messages/", {"text": "Hi"})
    assert unknown.status_code == 404
    old = ticketed_complaint(
        submitted_at=ticketed_complaint().submitted_at
        - timedelta(days=settings.AMENDS["TRACKING_LINK_DAYS"] + 1)
    )
    expired = anonymous.post(url(old), {"text": "Hi"}, format="json")
    assert expired.status_code == 404
    assert error_of(expired)["code"] == "not_found"
    assert not TicketEvent.objects.filter(kind=EventKind.CUSTOMER_MESSAGE).exists()
