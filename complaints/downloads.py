"""How a stored attachment is handed out: always as a download, never as a page of ours.

The file is the customer's (or an agent's) upload, checked by content and
re-encoded if an image, but served from our origin under our cookies: if a
browser ever rendered it, anything it held would run as us. So both ways in,
the agents' link (``complaints.agent_views.attachment_download``) and the
customer's tracking link (``recovery.views.tracking``), answer with this one
response: ``Content-Disposition: attachment`` under a name made safe, a type
from a short list (anything else is ``application/octet-stream``), no
sniffing, a sandboxing policy, kept out of shared caches, and not for other
sites to embed. Who may have the file is the caller's check.
"""

import re
import unicodedata

from django.http import FileResponse, Http404

from complaints.models import Attachment
from complaints.uploads import ALLOWED_TYPES

# The types a browser is told; a GIF, a WebP or a HEIC is just bytes to save.
SERVED_TYPES = frozenset({"image/jpeg", "image/png", "application/pdf"})
OCTET_STREAM = "application/octet-stream"
# Path separators, quotes and the characters headers and shells read specially.
UNSAFE = re.compile(r'[\\/:*?"<>|;,%\x00-\x1f\x7f]+')
NAME_LENGTH = 120


def served_type(content_type: str) -> str:
    return content_type if content_type in SERVED_TYPES else OCTET_STREAM


def download_name(attachment: Attachment) -> str:
    """The sender's name for the file, safe in a header and on a disk, ending as its content is.

    The last path part only, without control characters, separators or
    quotes, no leading dot (a hidden file), at most ``NAME_LENGTH``
    characters, and the extension of the stored type: an image named
    ``invoice.html`` downloads as ``invoice.png``.
    """
    name = (attachment.original_name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name).lstrip(". ")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = UNSAFE.sub("_", stem).strip(" ._")[:NAME_LENGTH] or "attachment"
    extension = ALLOWED_TYPES.get(attachment.content_type, "bin")
    return f"{stem}.{extension}"


def attachment_response(attachment: Attachment) -> FileResponse:
    """The file as a download with every header that keeps it from running; 404 if it is gone."""
    try:
        content = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as missing:  # erased, or never stored
        raise Http404 from missing
    response = FileResponse(
        content,
        content_type=served_type(attachment.content_type),
        as_attachment=True,
        filename=download_name(attachment),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    # The tracking link's token is in the URL: never send it on.
    response["Referrer-Policy"] = "same-origin"
    return response
