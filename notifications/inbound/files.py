"""The files an email carries, checked as the public form checks them.

A file the form would refuse (a program, whatever its name says; a file
over the size limit; one too many) is not saved: its name is listed on the
InboundEmail, for the reviewer and the customer's agent to see.
"""

import logging
from collections.abc import Sequence

from anymail.inbound import AnymailInboundMessage
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import Attachment, Complaint
from complaints.uploads import attachment_clean, stored_name

logger = logging.getLogger(__name__)

# (the file, its sniffed extension): what complaint_submit takes.
Checked = tuple[SimpleUploadedFile, str]


def attachment_name(part: AnymailInboundMessage) -> str:
    """The file's name as the sender gave it, or "attachment"."""
    try:
        return (part.get_filename() or "attachment")[:255]
    except (ValueError, TypeError, LookupError):  # a name in a charset nobody knows
        return "attachment"


def attachments_check(parts: Sequence[AnymailInboundMessage]) -> tuple[list[Checked], list[str]]:
    """``(accepted, refused names)``: the files the form would take, with their sniffed type."""
    accepted: list[Checked] = []
    refused: list[str] = []
    for part in parts:
        name = attachment_name(part)
        try:
            upload = part.as_uploaded_file()
        except (ValueError, TypeError, LookupError):  # a multipart "attachment", a bad encoding
            upload = None
        if upload is None or len(accepted) >= settings.AMENDS["MAX_ATTACHMENTS"]:
            refused.append(name)
            continue
        upload.name = name
        try:
            # The form's check, and an image's pixels alone, re-encoded.
            cleaned, extension = attachment_clean(upload)
        except ValidationError as exc:
            logger.info("Refused attachment %r from an email: %s", name, exc.code)
            refused.append(name)
            continue
        # The type we sniffed, not the one the sender claimed.
        content_type = cleaned.sniffed_type  # type: ignore[attr-defined]
        content = SimpleUploadedFile(
            cleaned.name or name, cleaned.read(), content_type=content_type
        )
        accepted.append((content, extension))
    return accepted, refused


def attachments_store(*, complaint: Complaint, files: Sequence[Checked]) -> list[str]:
    """Add checked files to an existing complaint (a reply's); return their names."""
    for upload, extension in files:
        attachment = Attachment(
            complaint=complaint,
            stored_name=stored_name(extension),
            original_name=upload.name or "attachment",
            content_type=upload.content_type or "",
            size=upload.size or 0,
        )
        attachment.file.save(attachment.stored_name, upload, save=False)
        attachment.save()
    return [upload.name or "attachment" for upload, _extension in files]
