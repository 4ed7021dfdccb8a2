"""Checking attachments by what they contain, not by what they are called.

A file named ``invoice.pdf`` that starts like a Windows executable is refused.
We accept the image formats browsers show and PDF, sniffed from the first
bytes with ``filetype``.
"""

import mimetypes
import secrets
from collections.abc import Sequence

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from complaints.images import OUTPUTS, ImageRefused, image_reencode

ALLOWED_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/heic": "heic",
    "application/pdf": "pdf",
}
# What the names of such files end with, for the browser's check before sending
# (a phone's HEIC photo often has no type the browser knows, only its name).
# The most pixels one image may decode to (its width times its height): a 48 MP
# phone photo passes, a decompression bomb (a small file of huge blank pixels) does not.
MAX_IMAGE_PIXELS = 50_000_000
ALLOWED_EXTENSIONS = sorted(
    {ext for ext in ALLOWED_TYPES.values()}
    | {e.lstrip(".") for mime in ALLOWED_TYPES for e in mimetypes.guess_all_extensions(mime)}
)


def format_size(size: int) -> str:
    """A file size as people write it in the active language: "10 MB", "10 Mo", "1.5 MB".

    The one way sizes are written, for the form's help text, the server's error and
    (through the words the page gives it) the browser's check before sending.
    Django's ``filesizeformat`` would write "10.0 MB" / "10,0 Mo" beside a "10 MB".
    """
    units = size_units()
    for factor, pattern in (units["mb"], units["kb"]):
        if size >= factor:
            value = round(size / factor, 1)
            return pattern % number_format(value, decimal_pos=0 if value == int(value) else 1)
    return ngettext("%(size)d byte", "%(size)d bytes", size) % {"size": size}


def size_units() -> dict[str, tuple[int, str]]:
    """Bytes per unit and how a number of them is written, in the active language."""
    return {
        "mb": (1024 * 1024, _("%s MB")),
        "kb": (1024, _("%s KB")),
        "b": (1, ngettext("%(size)d byte", "%(size)d bytes", 2).replace("%(size)d", "%s")),
    }


def too_many_message() -> str:
    limit = settings.AMENDS["MAX_ATTACHMENTS"]
    return _("Attach at most %(limit)d files.") % {"limit": limit}


def too_large_message(name: str) -> str:
    limit = format_size(settings.AMENDS["MAX_ATTACHMENT_BYTES"])
    return _("“%(name)s” is larger than %(limit)s.") % {"name": name, "limit": limit}


def bad_type_message(name: str) -> str:
    return _(
        "“%(name)s” is not an image or a PDF. Send photos (JPEG, PNG, GIF, WebP, HEIC) or PDF files."
    ) % {"name": name}


def empty_message(name: str) -> str:
    return _("“%(name)s” is empty.") % {"name": name}


def too_many_pixels_message(name: str) -> str:
    limit = max_image_pixels() // 1_000_000
    return _("“%(name)s” is too large a picture: send one of at most %(limit)d megapixels.") % {
        "name": name,
        "limit": limit,
    }


def unreadable_message(name: str) -> str:
    return _("“%(name)s” could not be read as a picture: it may be damaged or incomplete.") % {
        "name": name
    }


def max_image_pixels() -> int:
    return int(settings.AMENDS.get("MAX_IMAGE_PIXELS", MAX_IMAGE_PIXELS))


def check_attachment(upload: File) -> tuple[str, str]:
    """Return (content_type, extension) for an acceptable file, else raise."""
    limit = settings.AMENDS["MAX_ATTACHMENT_BYTES"]
    name = upload.name or "?"
    if upload.size == 0:
        raise ValidationError(empty_message(name), code="empty")
    if upload.size > limit:
        raise ValidationError(too_large_message(name), code="too_large")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationError(bad_type_message(name), code="bad_type")
    return kind.mime, ALLOWED_TYPES[kind.mime]


# A file that passed, with the extension its content says: what complaint_file takes.
Checked = tuple[File, str]


def attachment_clean(upload: File) -> Checked:
    """``check_attachment``, then an image's pixels alone, re-encoded (``complaints.images``).

    The one way into storage for every file, from the form, the API, an
    agent's message and an email: what comes back is what is saved. An image
    is a new in-memory file of its re-encoded bytes under the sender's name
    (its extension changed when the format did: a HEIC photo becomes a JPEG);
    a PDF is the upload itself. Either carries ``sniffed_type``, the type
    that gets stored. Raises ValidationError in the style of the checks.
    """
    mime, extension = check_attachment(upload)
    name = upload.name or "?"
    if mime in OUTPUTS:
        try:
            image = image_reencode(upload, content_type=mime, max_pixels=max_image_pixels())
        except ImageRefused as refusal:
            if refusal.code == "too_many_pixels":
                raise ValidationError(too_many_pixels_message(name), code=refusal.code) from None
            raise ValidationError(unreadable_message(name), code=refusal.code) from None
        if image.extension != extension:
            name = f"{name.rsplit('.', 1)[0]}.{image.extension}"
        upload = SimpleUploadedFile(name, image.data, content_type=image.content_type)
        mime, extension = image.content_type, image.extension
    upload.seek(0)
    upload.sniffed_type = mime  # type: ignore[attr-defined]
    return upload, extension


def uploads_count_check(files: Sequence[File]) -> None:
    """Refuse one file too many before reading any of them."""
    if len(files) > settings.AMENDS["MAX_ATTACHMENTS"]:
        raise ValidationError(too_many_message(), code="too_many")


def uploads_check(files: Sequence[File]) -> list[Checked]:
    """The one rule for the files sent together (the form's, the API's, an agent's message).

    At most ``MAX_ATTACHMENTS``, each checked and cleaned by
    ``attachment_clean``; every refused file is named in the one
    ValidationError, so the sender fixes them all at once. Each file that
    passes carries its sniffed type (``sniffed_type``), which is what gets
    stored, not the type the sender claimed; an image is its re-encoded copy.
    """
    uploads_count_check(files)
    errors: list[ValidationError] = []
    checked: list[Checked] = []
    for upload in files:
        try:
            checked.append(attachment_clean(upload))
        except ValidationError as error:
            errors.extend(error.error_list)
    if errors:
        raise ValidationError(errors)
    return checked


def stored_name(extension: str) -> str:
    return f"{secrets.token_hex(16)}.{extension}"
