"""Files an agent sends with a message to the customer: the step's field, and where they show.

The files are the complaint's attachments (``complaints.Attachment``) with
``added_by`` set to the agent; the message's event keeps their ids in
``payload["attachments"]``, so the timeline (the agent's and the customer's)
lists each file under the message it came with, and the email links them.
They are checked by the public form's rule (``complaints.uploads``): the same
count, size and content checks, the same words.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from complaints.api import AttachmentsField
from complaints.forms import MultipleFileField
from complaints.models import Attachment
from complaints.services import attachments_store
from complaints.uploads import Checked, format_size
from recovery.forms import Words
from recovery.models import Ticket, TicketEvent
from shared.roles import Actor


def _files_help() -> str:
    return gettext(
        "Photos or PDF files, up to %(count)d of %(size)s each: the customer gets them "
        "with your message."
    ) % {
        "count": settings.AMENDS["MAX_ATTACHMENTS"],
        "size": format_size(settings.AMENDS["MAX_ATTACHMENT_BYTES"]),
    }


# In the reader's language, with the form's limits, whenever it is shown.
files_help = lazy(_files_help, str)


@dataclass(frozen=True)
class Files:
    """Files sent with a step: the public form's file input on the page, multipart in the API.

    Both sides clean to ``[(file, extension)]``, checked, which
    ``complaints.services.attachments_store`` saves.
    """

    name: str
    label: Words | None = None
    help: Words = field(default_factory=files_help)
    api_help: str = ""
    on_page = True

    def form_field(self) -> MultipleFileField:
        return MultipleFileField(label=self.label, required=False, help_text=self.help)

    def api_field(self) -> AttachmentsField:
        kwargs = {"help_text": self.api_help} if self.api_help else {}
        return AttachmentsField(**kwargs)


def event_file_ids(event: TicketEvent) -> list[int]:
    ids = event.payload.get("attachments") or []
    return [i for i in ids if isinstance(i, int)]


def events_files(events: Iterable[TicketEvent], attachments: Iterable[Attachment]) -> None:
    """Give each event ``files``: the attachments its message came with, in the order sent.

    ``attachments`` is the complaint's, already loaded (the pages prefetch
    them): no query. A file erased or merged away since is simply not listed.
    """
    by_id = {a.pk: a for a in attachments}
    for event in events:
        event.files = [by_id[i] for i in event_file_ids(event) if i in by_id]  # type: ignore[attr-defined]


def message_files_store(
    *, ticket: Ticket, actor: Actor, files: Sequence[Checked], customer_visible: bool
) -> list[int]:
    """Save the files of a message to the customer as the complaint's attachments; their ids.

    Only a message the customer sees carries files: they are the customer's
    to download from the tracking page. The caller records the event with
    the ids, in the same transaction, so a refusal leaves no file behind.
    """
    if not customer_visible:
        raise ValidationError(
            {
                "attachments": _(
                    "Files go with a message to the customer, not with an internal note."
                )
            },
            code="internal_note",
        )
    agent = actor if isinstance(actor, User) else None
    stored = attachments_store(complaint=ticket.complaint, files=files, added_by=agent)
    return [a.pk for a in stored]
