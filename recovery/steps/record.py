"""The lines of the step table that change no workflow column: fixing the record, and notes.

None is stale by version nor makes a colleague's step stale (``versioned=False``):
the corrected category and root cause (``recovery.workflow.record``) and a note
or a message to the customer. ``recovery.steps.table`` ends its ``STEPS`` with these.
"""

from django.utils.translation import gettext_lazy as _

from complaints.models import Category
from recovery.forms import Flag, Pick, Text, textarea
from recovery.message_files import Files
from recovery.models import RootCause
from recovery.steps import adapters
from recovery.steps.step import Page, Step

RECORD_STEPS = (
    # Fixing the record (recovery.workflow.record): no workflow column, so
    # never stale by version, nor making a colleague's step stale.
    Step(
        "category",
        "category/",
        adapters.category_correct,
        "Correct the category (the customer's pick stays on the complaint); "
        "the customer's own category, or null, undoes the correction",
        body="CategoryInput",
        versioned=False,
        fields=(
            Pick(
                "category",
                Category,
                label=_("Category"),
                blank=_("As the customer chose"),
                api_help="A category's id (active ones only), or null for the customer's pick.",
            ),
        ),
        pages=(
            Page(
                "ticket_category",
                "category",
                _("Category corrected."),
                initial=lambda ticket: {"category": ticket.category_id},
            ),
        ),
    ),
    Step(
        "root_cause",
        "root-cause/",
        adapters.root_cause_record,
        "Record the root cause, from the list the managers keep; null takes it back",
        body="RootCauseInput",
        versioned=False,
        fields=(
            Pick(
                "root_cause",
                RootCause,
                label=_("Root cause"),
                blank=_("Not recorded yet"),
                api_help="A root cause's id (active ones only), or null for none.",
            ),
        ),
        pages=(
            Page(
                "ticket_root_cause",
                "root_cause",
                _("Root cause recorded."),
                initial=lambda ticket: {"root_cause": ticket.root_cause_id},
            ),
        ),
    ),
    Step(
        "notes",
        "notes/",
        adapters.note_add,
        "Add an internal note, or a message the customer sees",
        body="NoteInput",
        creates=True,
        # A note changes no workflow column: it is never stale, nor makes a step stale.
        versioned=False,
        fields=(
            Text("text", widget=textarea(3)),
            Flag(
                "customer_visible",
                api_help="True: a message the customer sees on their tracking page.",
            ),
            Files(
                "attachments",
                label=_("Files for the customer"),
                api_help="Photos or PDF files sent with a message to the customer "
                "(`customer_visible` true), as multipart/form-data: this name once per file.",
            ),
        ),
        pages=(
            Page(
                "ticket_note",
                "note",
                _("Internal note added."),
                route="note/",
                asks=("text",),
                fields=(
                    Text(
                        "text",
                        label=_("Internal note"),
                        help=_("Only agents see this."),
                        widget=textarea(3),
                    ),
                ),
                preset=lambda actor: {"customer_visible": False},
            ),
            Page(
                "ticket_message",
                "message",
                _("Message added: the customer sees it on their tracking page."),
                route="message/",
                fields=(
                    Text(
                        "text",
                        label=_("Message to the customer"),
                        help=_("The customer will see this, on their tracking page."),
                        widget=textarea(3),
                    ),
                ),
                preset=lambda actor: {"customer_visible": True},
            ),
        ),
    ),
)
