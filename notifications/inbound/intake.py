"""An email that is nobody's reply opens a complaint, as the public form would.

The complaints address is an intake like the form: a person who writes to
it without a reply token or a reference is filing a complaint, through the
intake's one entry, ``complaints.services.complaint_file``, with the form's
rules in the form's order: its refusals (ten characters of description), a
repeat answered with the complaint it repeats (the same Message-ID, or the
same words moments ago), then the rate limits per address the form shares.
The complaint is announced, recovery opens its ticket, and the OPENED event
owes the "complaint received" email with the reference and the tracking
link (``notifications.owed``), which is the answer: nothing is sent from
here.

**A known customer's address without a token** opens a *new* complaint for
that customer (found by email, as the form finds them); it is never added
to one of their open tickets, because a From header is trivially forged.
A forger gains nothing: the acknowledgement, with its tracking link, goes
to the customer's real address, not to the forger, and the customer
learns that somebody wrote in their name. Writing to us is consent to be
answered about it: ``consent_to_contact`` is set.
"""

import hashlib

from anymail.inbound import AnymailInboundMessage
from django.conf import settings
from django.core.exceptions import ValidationError

from complaints.models import Category, Channel
from complaints.selectors import customer_find
from complaints.services import IntakeRateLimited, complaint_file
from notifications.inbound.files import Checked
from notifications.inbound.matching import sender_name
from notifications.inbound.text import language_guess, order_reference_in
from notifications.models import InboundEmail, InboundStatus
from recovery.models import Ticket

NO_SENDER = "no_sender"
TOO_SHORT = "too_short"
RATE_LIMITED = "rate_limited"
NO_CATEGORY = "no_category"
REPEAT = "repeats_an_earlier_complaint"

MAX_DESCRIPTION = 10_000


def intake_description(*, subject: str, text: str) -> tuple[str, str]:
    """``(description, order_reference)``: the subject is the first line, or the order number."""
    order_reference = order_reference_in(subject)
    first_line = "" if order_reference else subject
    description = "\n\n".join(part for part in (first_line, text.strip()) if part)
    return description[:MAX_DESCRIPTION], order_reference[:100]


def _category() -> Category | None:
    """The category an email complaint starts in: the managers' first one on the form.

    An email names no category; the first in the managers' order (put a
    catch-all first) is where the agent who takes it up starts.
    """
    return Category.objects.filter(active=True).first() or Category.objects.first()


def email_language(*, sender: str, text: str) -> str:
    """The language to answer an email in: its words', else the sender's earlier complaints', else the site's.

    The one rule for the complaints address and for an agent opening a
    complaint from the unmatched mail: what the customer wrote now says
    most about how to answer them.
    """
    if guessed := language_guess(text):
        return guessed
    customer = customer_find(email=sender) if sender else None
    if customer is not None and customer.language in dict(settings.LANGUAGES):
        return customer.language
    return settings.LANGUAGE_CODE


def complaint_from_email(
    *,
    inbound: InboundEmail,
    message: AnymailInboundMessage,
    sender: str,
    subject: str,
    text: str,
    files: list[Checked],
    refused: list[str],
) -> InboundEmail:
    """Open a complaint from ``inbound`` (stored, matching no ticket), or say on it why not.

    On success the row is OPENED with ``complaint`` and ``ticket`` set and
    ``attachment_names`` listing the refused files; otherwise it stays in
    review with a reason code (no sender, too short, rate limited, no
    category). Called inside the transaction that stored ``inbound``.
    """
    if not sender:
        return _review(inbound, NO_SENDER)
    description, order_reference = intake_description(subject=subject, text=text)
    category = _category()
    if category is None:
        return _review(inbound, NO_CATEGORY)
    try:
        complaint, created = complaint_file(
            name=sender_name(message)[:200] or sender,
            email=sender,
            category=category,
            description=description,
            channel=Channel.EMAIL,
            channel_by_intake=True,
            consent_to_contact=True,
            order_reference=order_reference,
            language=email_language(sender=sender, text=description),
            attachments=files,
            # The same email delivered twice (a webhook retry, a poll) files once.
            idempotency_key="inbound:"
            + hashlib.sha256(inbound.message_id.encode()).hexdigest()[:40],
        )
    except ValidationError:
        return _review(inbound, TOO_SHORT)
    except IntakeRateLimited:
        return _review(inbound, RATE_LIMITED)
    return _opened(
        inbound, complaint_id=complaint.pk, refused=refused, reason="" if created else REPEAT
    )


def _review(inbound: InboundEmail, reason: str) -> InboundEmail:
    inbound.reason = reason
    inbound.save(update_fields=["reason"])
    return inbound


def _opened(
    inbound: InboundEmail, *, complaint_id: int, refused: list[str], reason: str
) -> InboundEmail:
    inbound.status = InboundStatus.OPENED
    inbound.reason = reason
    inbound.complaint_id = complaint_id
    inbound.ticket = Ticket.objects.filter(complaint_id=complaint_id).first()
    inbound.attachment_names = refused
    inbound.save(update_fields=["status", "reason", "complaint", "ticket", "attachment_names"])
    return inbound
