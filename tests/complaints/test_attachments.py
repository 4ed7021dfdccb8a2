"""Attachments are checked by what they contain, not by their names."""

import pytest
from django.urls import reverse

from complaints.models import Attachment, Complaint
from tests.complaints.conftest import EXE_BYTES, PDF_BYTES

pytestmark = pytest.mark.django_db
URL = reverse("complaints:new")


def test_image_and_pdf_are_accepted_and_stored_under_our_own_names(
    client, complaint_data, png_file
):
    files = [png_file("photo.png"), png_file("../../etc/passwd.pdf", PDF_BYTES, "application/pdf")]
    response = client.post(URL, {**complaint_data(), "attachments": files})
    assert response.status_code == 302
    png, pdf = Attachment.objects.order_by("pk")
    assert (png.content_type, png.original_name) == ("image/png", "photo.png")
    assert pdf.content_type == "application/pdf"
    assert ".." not in pdf.file.name and "passwd" not in pdf.file.name
    assert pdf.file.read() == PDF_BYTES


def test_renamed_executable_is_refused(client, complaint_data, png_file):
    evil = png_file("invoice.pdf", EXE_BYTES, "application/pdf")
    response = client.post(URL, {**complaint_data(), "attachments": [evil]})
    assert response.status_code == 400
    assert "“invoice.pdf” is not an image or a PDF" in response.text
    assert not Complaint.objects.exists()


def test_text_file_dressed_as_an_image_is_refused(client, complaint_data, png_file):
    fake = png_file("cat.jpg", b"<script>alert(1)</script>" * 10, "image/jpeg")
    response = client.post(URL, {**complaint_data(), "attachments": [fake]})
    assert response.status_code == 400
    assert not Attachment.objects.exists()


def test_more_than_five_attachments_are_refused(client, complaint_data, png_file):
    files = [png_file(f"p{i}.png") for i in range(6)]
    response = client.post(URL, {**complaint_data(), "attachments": files})
    assert response.status_code == 400
    assert "Attach at most 5 files." in response.text


def test_file_over_10_mb_is_refused(client, complaint_data, png_file, settings):
    from tests.complaints.conftest import PNG_BYTES

    big = png_file("big.png", PNG_BYTES + b"\0" * (10 * 1024 * 1024))
    response = client.post(URL, {**complaint_data(), "attachments": [big]})
    assert response.status_code == 400
    assert "“big.png” is larger than 10 MB." in response.text


def test_sizes_read_the_same_in_the_help_the_page_script_and_the_error_in_french(
    client, complaint_data, png_file
):
    from tests.complaints.conftest import PNG_BYTES

    big = png_file("gros.png", PNG_BYTES + b"\0" * (10 * 1024 * 1024))
    headers = {"accept-language": "fr"}
    page = client.get(URL, headers=headers).content.decode()
    assert "Jusqu’à 5 images ou fichiers PDF, 10\u00a0Mo chacun." in page
    assert 'data-max-bytes="10485760"' in page and 'data-max-files="5"' in page
    assert (
        "«\u00a0{name}\u00a0» dépasse 10\u00a0Mo." in page
    )  # the script's message, from the server's words
    response = client.post(URL, {**complaint_data(), "attachments": [big]}, headers=headers)
    assert "«\u00a0gros.png\u00a0» dépasse 10\u00a0Mo." in response.text
    assert "Mio" not in response.text and "10,0" not in response.text


def test_the_page_tells_the_browser_the_types_the_server_accepts(client):
    from complaints.uploads import ALLOWED_TYPES

    page = client.get(URL).content.decode()
    for mime in ALLOWED_TYPES:
        assert mime in page.split('data-types="')[1].split('"')[0]
    assert "Up to 5 images or PDF files, 10 MB each." in page


def test_empty_file_is_refused(client, complaint_data, png_file):
    response = client.post(URL, {**complaint_data(), "attachments": [png_file("e.png", b"")]})
    assert response.status_code == 400


def test_attachment_is_served_only_to_agents_and_never_as_a_page(
    client, agent, complaint_data, png_file
):
    client.post(URL, {**complaint_data(), "attachments": [png_file("photo.png")]})
    attachment = Attachment.objects.get()
    url = reverse("agent:attachment", args=[attachment.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(agent)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"]
