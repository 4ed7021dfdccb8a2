"""Checking attachments by what they contain, not by what they are called.

A file named ``invoice.pdf`` that starts like a Windows executable is refused.
We accept the image formats browsers show and PDF, sniffed from the first
bytes with ``filetype``.
"""

import mimetypes
import secrets

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


def too_large_message(name: str) -> str:
    limit = format_size(settings.AMENDS["MAX_ATTACHMENT_BYTES"])
    return _("“%(name)s” is larger than %(limit)s.") % {"name": name, "limit": limit}


def bad_type_message(name: str) -> str:
    return _(
        "“%(name)s” is not an image or a PDF. Send photos (JPEG, PNG, GIF, WebP, HEIC) or PDF files."
    ) % {"name": name}


def empty_message(name: str) -> str:
    return _("“%(name)s” is empty.") % {"name": name}


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


def stored_name(extension: str) -> str:
    return f"{secrets.token_hex(16)}.{extension}"
