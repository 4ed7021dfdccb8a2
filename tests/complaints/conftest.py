import pytest

from tests.conftest import form_token


@pytest.fixture
def complaint_data(category):
    """A valid public form submission; tests change one thing at a time."""

    def make(**overrides):
        data = {
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "phone": "",
            "category": str(category.pk),
            "order_reference": "",
            "description": "My order never arrived and nobody answers the phone.",
            "remedy_sought": "",
            "nps": "",
            "consent": "on",
            "timezone": "Europe/London",
            "form_token": form_token(),
            "website": "",
        }
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    return make


# A real 1x1 red PNG, as Pillow writes it: images are decoded and encoded again on
# upload (complaints.images), and these bytes come out of that unchanged.
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture
def png_file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    def make(name="photo.png", content=PNG_BYTES, content_type="image/png"):
        return SimpleUploadedFile(name, content, content_type=content_type)

    return make
