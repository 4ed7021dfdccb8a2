"""Checking attachments by what they contain, not by what they are called.

A file named ``invoice.pdf`` that starts like a Windows executable is refused.
We accept the image formats browsers show and PDF, sniffed from the first
bytes with ``filetype``.
"""

import secrets

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ALLOWED_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/heic": "heic",
    "application/pdf": "pdf",
}


def check_attachment(upload):
    """Return (content_type, extension) for an acceptable file, else raise."""
    limit = settings.AMENDS["MAX_ATTACHMENT_BYTES"]
    name = upload.name or "?"
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s.")
            % {"name": name, "limit": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationError(
            _(
                "“%(name)s” is not an image or a PDF. Send photos (JPEG, PNG, GIF, WebP, HEIC) or PDF files."
            )
            % {"name": name},
            code="bad_type",
        )
    return kind.mime, ALLOWED_TYPES[kind.mime]


def stored_name(extension):
    return f"{secrets.token_hex(16)}.{extension}"
