"""Files are served only to who may see them, always as downloads that cannot run as a page of ours.

Both ways in, the agents' link and the customer's tracking link, answer with
``complaints.downloads.attachment_response``.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from complaints.models import Attachment
from tests.complaints.conftest import PDF_BYTES, PNG_BYTES
from tests.factories import ticketed_complaint

pytestmark = pytest.mark.django_db


def attach(complaint, *, name="photo.png", content_type="image/png", data=PNG_BYTES):
    attachment = Attachment(
        complaint=complaint,
        stored_name=f"{complaint.pk}-{abs(hash(name)) % 10**8}.bin",
        original_name=name,
        content_type=content_type,
        size=len(data),
    )
    attachment.file.save(attachment.stored_name, ContentFile(data), save=False)
    attachment.save()
    return attachment


def agent_url(attachment):
    return reverse("agent:attachment", args=[attachment.pk])


def track_url(attachment, token=None):
    token = token or attachment.complaint.tracking_token
    return reverse("complaints:track_attachment", args=[token, attachment.pk])


def assert_served_safely(response, *, content_type, filename):
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


@pytest.fixture
def complaint(db):
    return ticketed_complaint()


def test_an_agent_downloads_an_image_as_a_file_never_shown_inline(agent_client, complaint):
    response = agent_client.get(agent_url(attach(complaint)))
    assert_served_safely(response, content_type="image/png", filename="photo.png")
    assert b"".join(response.streaming_content) == PNG_BYTES


def test_the_customer_downloads_through_their_link_with_the_same_headers(client, complaint):
    attachment = attach(
        complaint, name="receipt.pdf", content_type="application/pdf", data=PDF_BYTES
    )
    response = client.get(track_url(attachment))
    assert_served_safely(response, content_type="application/pdf", filename="receipt.pdf")
    assert response["Referrer-Policy"] == "same-origin"


def test_nobody_but_staff_gets_a_file_through_the_agents_link(client, complaint, django_user_model):
    url = agent_url(attach(complaint))
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    client.force_login(django_user_model.objects.create_user("customer", password="x" * 12))
    assert client.get(url).status_code == 403


def test_a_tracking_link_serves_its_own_complaints_files_only(client, complaint):
    mine = attach(complaint)
    theirs = attach(ticketed_complaint(), name="theirs.png")
    assert client.get(track_url(theirs, token=complaint.tracking_token)).status_code == 404
    assert client.get(track_url(mine, token="x" * 43)).status_code == 404
    assert client.get(track_url(mine)).status_code == 200


@pytest.mark.parametrize(
    ("content_type", "served", "filename"),
    [
        ("image/jpeg", "image/jpeg", "photo.jpg"),
        ("image/gif", "application/octet-stream", "photo.gif"),
        ("image/webp", "application/octet-stream", "photo.webp"),
        ("image/heic", "application/octet-stream", "photo.heic"),
        ("text/html", "application/octet-stream", "photo.bin"),  # a row from before any check
    ],
)
def test_only_jpeg_png_and_pdf_are_named_to_the_browser_the_rest_are_bytes(
    agent_client, complaint, content_type, served, filename
):
    attachment = attach(complaint, name="photo.png", content_type=content_type)
    assert_served_safely(
        agent_client.get(agent_url(attachment)), content_type=served, filename=filename
    )


@pytest.mark.parametrize(
    ("name", "filename"),
    [
        ('../../etc/"passwd"; x=y.png', "passwd_ x=y.png"),
        ("C:\\Users\\ana\\invoice.html", "invoice.png"),  # the name ends as the content is
        (".htaccess", "htaccess.png"),
        ("line\r\nSet-Cookie: a=b.png", "line_Set-Cookie_ a=b.png"),
        ("", "attachment.png"),
        ("x" * 200 + ".png", "x" * 120 + ".png"),
    ],
)
def test_the_download_name_is_made_safe(agent_client, complaint, name, filename):
    attachment = attach(complaint, name=name)
    assert_served_safely(
        agent_client.get(agent_url(attachment)), content_type="image/png", filename=filename
    )


def test_a_name_in_another_alphabet_is_sent_encoded(agent_client, complaint):
    attachment = attach(complaint, name="reçu d’été.pdf", content_type="application/pdf")
    disposition = agent_client.get(agent_url(attachment))["Content-Disposition"]
    assert disposition == "attachment; filename*=utf-8''re%C3%A7u%20d%E2%80%99%C3%A9t%C3%A9.pdf"


def test_a_file_gone_from_storage_is_a_404_not_an_error(agent_client, client, complaint):
    attachment = attach(complaint)
    attachment.file.delete(save=False)
    assert agent_client.get(agent_url(attachment)).status_code == 404
    assert client.get(track_url(attachment)).status_code == 404


def test_the_agents_link_only_reads(agent_client, complaint):
    assert agent_client.post(agent_url(attach(complaint))).status_code == 405
