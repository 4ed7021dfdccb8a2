"""Images are decoded and encoded again on upload: the pixels reach storage, nothing else does.

Through the public form, the API, an agent's message and an email alike
(``complaints.uploads.attachment_clean``, the one way in).
"""

import struct
import time
import zlib
from io import BytesIO

import pytest
from anymail.inbound import AnymailInboundMessage
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image, ImageFile
from PIL.PngImagePlugin import PngInfo
from rest_framework.test import APIClient

from complaints.models import Attachment, Complaint
from complaints.uploads import attachment_clean
from notifications.inbound.files import attachments_check
from recovery.choices import Status
from tests.factories import CustomerFactory, ticket_in_status

pytestmark = pytest.mark.django_db
FORM = reverse("complaints:new")
API = "/api/v1/complaints/"
HOME = "48 deg 51' 24\" N"  # what a phone writes in GPSLatitude, as text to look for


def photo(fmt="JPEG", size=(64, 48), *, orientation=None, **options):
    """A photo as a phone writes it: the camera, the time and where it was taken."""
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, size[0] // 2, size[1] // 2))  # a corner to find
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SpyPhone"
    exif[ExifTags.Base.ImageDescription] = HOME
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (48.0, 51.0, 24.0),
    }
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    out = BytesIO()
    image.save(out, fmt, exif=exif.tobytes(), **options)
    return out.getvalue()


def stored_image(attachment):
    with attachment.file.open("rb") as file:
        data = file.read()
    image = Image.open(BytesIO(data))
    image.load()
    return data, image


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def post_form(client, complaint_data, *files):
    return client.post(FORM, {**complaint_data(), "attachments": list(files)})


def png_header_only(width, height):
    """A PNG of ``width`` x ``height`` blank 1-bit pixels: a few kilobytes that unpack to gigabytes."""

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    row = b"\0" * (1 + (width + 7) // 8)
    rows = zlib.compressobj(9)
    idat = b"".join(rows.compress(row) for _ in range(height)) + rows.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def test_a_photos_exif_and_gps_position_are_gone_and_its_pixels_stay(client, complaint_data):
    original = photo()
    assert b"SpyPhone" in original and HOME.encode() in original  # there to remove

    assert post_form(client, complaint_data, upload("IMG_0042.jpg", original)).status_code == 302

    attachment = Attachment.objects.get()
    data, image = stored_image(attachment)
    assert b"SpyPhone" not in data and HOME.encode() not in data and b"Exif" not in data
    assert len(image.getexif()) == 0
    assert (image.format, image.size) == ("JPEG", (64, 48))
    assert image.getpixel((5, 5))[2] > 150 and image.getpixel((60, 40))[0] > 150  # same picture
    assert attachment.size == len(data) and attachment.content_type == "image/jpeg"


def test_a_photo_taken_sideways_is_stored_upright_since_its_orientation_tag_goes(
    client, complaint_data
):
    post_form(client, complaint_data, upload("side.jpg", photo(orientation=6)))
    _data, image = stored_image(Attachment.objects.get())
    assert image.size == (48, 64)


def test_a_pngs_text_chunks_and_exif_are_gone(client, complaint_data):
    info = PngInfo()
    info.add_text("Author", "Ana at 12 Rue des Lilas")
    original = photo("PNG", pnginfo=info)
    post_form(client, complaint_data, upload("screen.png", original, "image/png"))
    data, image = stored_image(Attachment.objects.get())
    assert b"Rue des Lilas" not in data and b"SpyPhone" not in data
    assert image.format == "PNG" and image.info == {}


def test_a_png_with_a_page_appended_comes_out_a_clean_png(client, complaint_data):
    """A polyglot: a valid PNG to the sniffer, an HTML page to whatever reads past its end."""
    page = b"<html><body><script>fetch('/api/v1/tickets/').then(steal)</script></body></html>"
    polyglot = photo("PNG") + page
    assert Image.open(BytesIO(polyglot)).format == "PNG"

    post_form(client, complaint_data, upload("receipt.png", polyglot, "image/png"))

    data, image = stored_image(Attachment.objects.get())
    assert b"<script" not in data and b"<html" not in data
    assert data.endswith(b"IEND\xaeB`\x82")
    assert image.size == (64, 48)


def test_an_iphone_heic_photo_is_stored_as_a_jpeg_without_its_position(client, complaint_data):
    original = photo("HEIF")
    assert HOME.encode() in original
    post_form(client, complaint_data, upload("IMG_0001.HEIC", original, "image/heic"))
    attachment = Attachment.objects.get()
    data, image = stored_image(attachment)
    assert (attachment.content_type, attachment.original_name) == ("image/jpeg", "IMG_0001.jpg")
    assert attachment.file.name.endswith(".jpg")
    assert image.format == "JPEG" and HOME.encode() not in data and b"SpyPhone" not in data


def test_an_animated_gif_keeps_its_frames(client, complaint_data):
    frames = [Image.new("RGB", (20, 20), colour) for colour in ("red", "green", "blue")]
    out = BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    out.write(b"<script>alert(1)</script>")
    post_form(client, complaint_data, upload("steps.gif", out.getvalue(), "image/gif"))
    data, image = stored_image(Attachment.objects.get())
    assert image.n_frames == 3 and b"<script" not in data


def test_a_decompression_bomb_is_refused_from_its_header_without_decoding_it(
    client, complaint_data, monkeypatch
):
    bomb = png_header_only(10_000, 10_000)  # 100 megapixels
    assert len(bomb) < 100_000
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: pytest.fail("decoded"))

    started = time.monotonic()
    response = post_form(client, complaint_data, upload("cat.png", bomb, "image/png"))

    assert time.monotonic() - started < 2
    assert response.status_code == 400
    assert "“cat.png” is too large a picture: send one of at most 50 megapixels." in response.text
    assert not Complaint.objects.exists() and not Attachment.objects.exists()


@pytest.mark.parametrize("megapixels", [51, 100, 200, 400])
def test_every_image_over_the_pixel_limit_is_refused_whatever_pillows_own_limit(megapixels):
    side = int((megapixels * 1_000_000) ** 0.5) + 1
    with pytest.raises(ValidationError) as refusal:
        attachment_clean(upload("big.png", png_header_only(side, side), "image/png"))
    assert refusal.value.code == "too_many_pixels"


def test_the_pixel_limit_is_a_setting(settings):
    settings.AMENDS = {**settings.AMENDS, "MAX_IMAGE_PIXELS": 1_000}
    with pytest.raises(ValidationError) as refusal:
        attachment_clean(upload("photo.jpg", photo()))
    assert refusal.value.code == "too_many_pixels"


def test_an_animation_of_too_many_frames_is_refused(settings):
    settings.AMENDS = {**settings.AMENDS, "MAX_IMAGE_PIXELS": 1_000_000}
    frames = [Image.new("L", (1000, 1000), shade) for shade in range(0, 60, 10)]
    out = BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    with pytest.raises(ValidationError) as refusal:
        attachment_clean(upload("long.gif", out.getvalue(), "image/gif"))
    assert refusal.value.code == "too_many_pixels"


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("half.jpg", photo(size=(400, 300))[:1500], "image/jpeg"),
        ("half.png", photo("PNG", size=(400, 300))[:900], "image/png"),
        ("noise.png", b"\x89PNG\r\n\x1a\n" + b"\x13\x37" * 400, "image/png"),
        ("noise.jpg", b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"\xab" * 900, "image/jpeg"),
    ],
)
def test_a_truncated_or_corrupt_image_is_refused_by_name(
    client, complaint_data, name, data, content_type
):
    response = post_form(client, complaint_data, upload(name, data, content_type))
    assert response.status_code == 400
    assert f"“{name}” could not be read as a picture" in response.text
    assert not Attachment.objects.exists()


def test_the_api_cleans_and_refuses_as_the_form_does(category):
    anonymous = APIClient()
    fields = {"name": "Ada", "email": "ada@example.com", "category": category.pk, "consent": True}

    def complaint_body(**files):
        return {**fields, "description": "The lid came off and the tea went everywhere.", **files}

    bomb = upload("cat.png", png_header_only(10_000, 10_000), "image/png")
    refused = anonymous.post(API, complaint_body(attachments=[bomb]), format="multipart")
    assert refused.status_code == 400
    assert "too large a picture" in refused.json()["error"]["fields"]["attachments"][0]

    body = complaint_body(attachments=[upload("IMG.jpg", photo())])
    assert anonymous.post(API, body, format="multipart").status_code == 201
    data, _image = stored_image(Attachment.objects.get())
    assert b"SpyPhone" not in data


def test_an_agents_photo_sent_with_a_message_is_cleaned_too(agent_client, agent):
    ticket = ticket_in_status(Status.ACKNOWLEDGED, actor=agent, customer=CustomerFactory())
    url = reverse("agent:ticket_message", args=[ticket.reference])
    body = {
        "message-text": "The parcel as we found it.",
        "message-attachments": [upload("p.jpg", photo())],
    }
    assert agent_client.post(url, body).status_code == 302
    data, _image = stored_image(Attachment.objects.get())
    assert b"SpyPhone" not in data and HOME.encode() not in data


def test_a_photo_in_an_email_is_cleaned_and_a_bomb_is_listed_as_refused():
    message = AnymailInboundMessage.construct(
        attachments=[
            AnymailInboundMessage.construct_attachment("image/jpeg", photo(), filename="v.jpg"),
            AnymailInboundMessage.construct_attachment(
                "image/png", png_header_only(10_000, 10_000), filename="cat.png"
            ),
        ]
    )
    accepted, refused = attachments_check(message.attachments)
    assert refused == ["cat.png"]
    ((kept, extension),) = accepted
    data = kept.read()
    assert extension == "jpg" and kept.content_type == "image/jpeg"
    assert Image.open(BytesIO(data)).format == "JPEG" and b"SpyPhone" not in data
