"""Files through the API: multipart on filing and on an agent's message, the form's rule for both."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import Attachment, Complaint
from notifications.models import Notification, NotificationKind
from recovery.choices import EventKind
from recovery.models import TicketEvent
from tests.api.conftest import error_of, ticket_url
from tests.complaints.conftest import EXE_BYTES, PDF_BYTES, PNG_BYTES
from tests.factories import ticketed_complaint

pytestmark = pytest.mark.django_db
URL = "/api/v1/complaints/"
MB = 1024 * 1024


def upload(name="photo.png", content=PNG_BYTES, content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- Filing -----------------------------------------------------------------------


def test_anonymous_caller_files_a_complaint_with_files_as_multipart(anonymous, complaint_body):
    body = complaint_body(
        attachments=[upload(), upload("receipt.pdf", PDF_BYTES, "application/pdf")]
    )

    response = anonymous.post(URL, body, format="multipart")

    assert response.status_code == 201, response.json()
    complaint = Complaint.objects.get()
    files = list(complaint.attachments.order_by("pk"))
    assert [(a.original_name, a.content_type) for a in files] == [
        ("photo.png", "image/png"),
        ("receipt.pdf", "application/pdf"),
    ]
    assert all(a.added_by is None and a.added_at is None for a in files)
    assert files[0].file.read() == PNG_BYTES


def test_the_type_stored_is_the_one_the_content_says_not_the_one_claimed(anonymous, complaint_body):
    body = complaint_body(attachments=[upload("scan.pdf", PNG_BYTES, "application/pdf")])

    assert anonymous.post(URL, body, format="multipart").status_code == 201

    assert Attachment.objects.get().content_type == "image/png"


def test_a_json_complaint_still_files_without_files(anonymous, complaint_body):
    assert anonymous.post(URL, complaint_body(), format="json").status_code == 201
    assert Attachment.objects.count() == 0


def _refused(response, *needles):
    assert response.status_code == 400
    error = error_of(response)
    assert list(error["fields"]) == ["attachments"]
    text = " ".join(error["fields"]["attachments"])
    for needle in needles:
        assert needle in text
    return error


def test_one_file_too_many_is_refused_and_nothing_is_filed(anonymous, complaint_body, settings):
    files = [upload(f"p{i}.png") for i in range(settings.AMENDS["MAX_ATTACHMENTS"] + 1)]

    response = anonymous.post(URL, complaint_body(attachments=files), format="multipart")

    _refused(response, f"at most {settings.AMENDS['MAX_ATTACHMENTS']} files")
    assert Complaint.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused_by_name(anonymous, complaint_body):
    big = upload("big.png", PNG_BYTES + b"\0" * (10 * MB))

    response = anonymous.post(URL, complaint_body(attachments=[big]), format="multipart")

    _refused(response, "“big.png” is larger than 10 MB.")
    assert Complaint.objects.count() == 0


def test_a_program_renamed_png_is_refused(anonymous, complaint_body):
    evil = upload("holiday.png", EXE_BYTES, "image/png")

    response = anonymous.post(URL, complaint_body(attachments=[upload(), evil]), format="multipart")

    _refused(response, "“holiday.png” is not an image or a PDF.")
    assert Complaint.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_an_empty_file_is_refused_by_name(anonymous, complaint_body):
    response = anonymous.post(
        URL, complaint_body(attachments=[upload("blank.png", b"")]), format="multipart"
    )

    _refused(response, "“blank.png” is empty.")
    assert Complaint.objects.count() == 0


def test_every_refused_file_is_named_at_once(anonymous, complaint_body):
    files = [upload("blank.png", b""), upload("setup.png", EXE_BYTES)]

    response = anonymous.post(URL, complaint_body(attachments=files), format="multipart")

    _refused(response, "“blank.png” is empty.", "“setup.png” is not an image")


def test_text_where_a_file_belongs_is_refused_on_the_field(anonymous, complaint_body):
    response = anonymous.post(URL, complaint_body(attachments=["nope"]), format="json")

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["attachments.0"]


def test_a_retry_with_the_same_key_and_files_gets_the_first_answer(anonymous, complaint_body):
    def send():
        return anonymous.post(
            URL,
            complaint_body(attachments=[upload()]),
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="files-1",
        )

    first, second = send(), send()

    assert (first.status_code, second.status_code) == (201, 201)
    assert second["Idempotent-Replayed"] == "true"
    assert Attachment.objects.count() == 1


# --- An agent's message ---------------------------------------------------------------


@pytest.fixture
def ticket(db):
    return ticketed_complaint().ticket


def test_agent_sends_a_message_with_files_as_multipart(agent_api, agent, ticket):
    body = {"text": "Here is the label.", "customer_visible": True, "attachments": [upload()]}

    response = agent_api.post(ticket_url(ticket, "notes/"), body, format="multipart")

    assert response.status_code == 201, response.json()
    attachment = Attachment.objects.get()
    assert attachment.complaint == ticket.complaint
    assert attachment.added_by == agent
    assert attachment.added_at is not None
    event = TicketEvent.objects.get(kind=EventKind.AGENT_MESSAGE)
    assert event.payload == {"text": "Here is the label.", "attachments": [attachment.pk]}
    listed = response.json()["complaint"]["attachments"]
    assert [(a["id"], a["added_by"]) for a in listed] == [(attachment.pk, agent.pk)]
    email = Notification.objects.get(kind=NotificationKind.AGENT_MESSAGE)
    assert email.event == event


def test_files_with_an_internal_note_are_refused(agent_api, ticket):
    body = {"text": "For us only.", "customer_visible": False, "attachments": [upload()]}

    response = agent_api.post(ticket_url(ticket, "notes/"), body, format="multipart")

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["attachments"]
    assert Attachment.objects.count() == 0
    assert not TicketEvent.objects.filter(kind=EventKind.NOTE).exists()


@pytest.mark.parametrize(
    ("files", "needle"),
    [
        ([upload("blank.png", b"")], "“blank.png” is empty."),
        ([upload("tool.png", EXE_BYTES)], "“tool.png” is not an image or a PDF."),
        ([upload("huge.png", PNG_BYTES + b"\0" * (10 * MB))], "“huge.png” is larger than 10 MB."),
        ([upload(f"p{i}.png") for i in range(6)], "at most 5 files"),
    ],
    ids=["empty", "program", "too-large", "too-many"],
)
def test_a_refused_file_on_a_message_sends_nothing(agent_api, ticket, files, needle):
    body = {"text": "See attached.", "customer_visible": True, "attachments": files}

    response = agent_api.post(ticket_url(ticket, "notes/"), body, format="multipart")

    _refused(response, needle)
    assert Attachment.objects.count() == 0
    assert not TicketEvent.objects.filter(kind=EventKind.AGENT_MESSAGE).exists()
    assert not Notification.objects.filter(kind=NotificationKind.AGENT_MESSAGE).exists()


def test_a_message_without_text_keeps_its_files_out(agent_api, ticket):
    body = {"text": "", "customer_visible": True, "attachments": [upload()]}

    response = agent_api.post(ticket_url(ticket, "notes/"), body, format="multipart")

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["text"]
    assert Attachment.objects.count() == 0


def test_other_steps_still_take_json_only(agent_api, ticket):
    response = agent_api.post(
        ticket_url(ticket, "apologize/"), {"text": "Sorry."}, format="multipart"
    )

    assert response.status_code == 415
