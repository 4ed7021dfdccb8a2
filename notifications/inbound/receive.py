"""One email in, one InboundEmail row out: attached to its ticket, a new complaint, or for review.

The way in for every source: anymail's inbound webhooks (every provider,
through ``notifications.receivers``) and the IMAP poller
(``notifications.inbound.poll``). Every outcome is recorded on the row; no
input makes this raise but a database that is down, so the webhook answers
200 to bad mail (a provider retrying it would get the same answer for days)
and 500 only when trying again later can help.
"""

import hashlib
import logging
from email import errors

from anymail.inbound import AnymailInboundMessage
from anymail.signals import AnymailInboundEvent
from django.db import IntegrityError, transaction

from notifications.inbound.files import (
    Checked,
    attachment_name,
    attachments_check,
    attachments_store,
)
from notifications.inbound.guards import TOO_LARGE, automatic_reason, too_large
from notifications.inbound.intake import complaint_from_email
from notifications.inbound.matching import (
    NOT_MATCHED,
    recipients,
    reply_text,
    reply_tokens,
    sender_address,
    ticket_match,
)
from notifications.inbound.text import html_to_text
from notifications.models import InboundEmail, InboundStatus
from recovery.models import Ticket
from recovery.workflow import ticket_customer_message

logger = logging.getLogger(__name__)

EMPTY = "empty"
MALFORMED = "malformed"
MAX_TEXT = 10_000
# A multipart whose parts the parser could not find: what we read of it is a guess.
STRUCTURE_DEFECTS = (
    errors.NoBoundaryInMultipartDefect,
    errors.StartBoundaryNotFoundDefect,
    errors.MultipartInvariantViolationDefect,
)


def _message_id(event: AnymailInboundEvent, message: AnymailInboundMessage, *, key: str) -> str:
    """The Message-ID header (a provider's retry repeats it), the provider's id, or a hash."""
    message_id = str(message.get("Message-ID") or "").strip() or (event.event_id or "")
    if not message_id:
        message_id = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return message_id[:255]


def _body(message: AnymailInboundMessage) -> str:
    """The text part, or the HTML part flattened to text: never HTML."""
    if message.text:
        return str(message.text)
    return html_to_text(str(message.html or ""))


def _broken(message: AnymailInboundMessage) -> bool:
    return any(isinstance(d, STRUCTURE_DEFECTS) for part in message.walk() for d in part.defects)


def _read(message: AnymailInboundMessage) -> tuple[str, list[AnymailInboundMessage], str]:
    """``(text, attachment parts, reason)``: what can be kept of the email, and why not all of it."""
    if too_large(message):
        return "", [], TOO_LARGE
    try:
        body, parts = _body(message), list(message.attachments)
    except Exception:  # a charset or an encoding the parser cannot undo: nothing to crash on
        logger.warning("Inbound email with a body we cannot read", exc_info=True)
        return "", [], MALFORMED
    if _broken(message):
        return body, [], MALFORMED
    return body, parts, ""


def inbound_email_receive(*, event: AnymailInboundEvent, esp_name: str) -> InboundEmail | None:
    """Store one inbound email, once, and act on it: a reply, a new complaint, or for review.

    Returns the InboundEmail, or None when this email was received before
    (the same Message-ID). In order: mail too large or malformed is kept
    for review without its content; mail a machine sent (an auto-reply, a
    bounce, our own, spam: ``guards``) is kept for review whatever it
    matches, and never answered; a reply (``matching``) is added to its
    ticket; mail that names no ticket at all opens a complaint
    (``intake``). Files are checked as the public form checks them;
    ``attachment_names`` lists the files not kept: the refused ones, or all
    of them while the email waits for review.
    """
    message = event.message
    subject = " ".join(str(message.subject or "").split())
    sender = sender_address(message)
    to = recipients(message)
    body, parts, unreadable = _read(message)
    names = [attachment_name(part) for part in parts]
    if unreadable == TOO_LARGE:
        names = []
    ticket, reason = ticket_match(tokens=reply_tokens(to), subject=subject, sender=sender)
    reason = unreadable or automatic_reason(message, sender=sender) or reason
    key = "|".join([sender, subject, str(message.get("Date") or ""), body])
    with transaction.atomic():
        try:
            with transaction.atomic():
                inbound = InboundEmail.objects.create(
                    ticket=ticket,
                    status=InboundStatus.REVIEW,
                    reason=reason,
                    esp=esp_name.lower().replace(" ", "_")[:32],
                    message_id=_message_id(event, message, key=key),
                    from_email=str(message.get("From") or "")[:254],
                    to=", ".join(to),
                    subject=subject[:255],
                    text=body,
                    attachment_names=names,
                )
        except IntegrityError:
            return None  # the provider posted it again, or the poller met it twice
        if reason and reason != NOT_MATCHED:
            logger.info("Inbound email %s kept for review: %s", inbound.pk, reason)
            return inbound
        files, refused = attachments_check(parts)
        if reason == NOT_MATCHED:
            return complaint_from_email(
                inbound=inbound,
                message=message,
                sender=sender,
                subject=subject,
                text=body,
                files=files,
                refused=refused,
            )
        assert ticket is not None  # ticket_match gives a reason whenever it finds no ticket
        return _reply_attach(
            inbound, ticket=ticket, message=message, body=body, files=files, refused=refused
        )


def _reply_attach(
    inbound: InboundEmail,
    *,
    ticket: Ticket,
    message: AnymailInboundMessage,
    body: str,
    files: list[Checked],
    refused: list[str],
) -> InboundEmail:
    """Add the customer's own words (not the quoted history) and files to their ticket."""
    text = reply_text(message.stripped_text or body)[:MAX_TEXT]
    kept = attachments_store(complaint=ticket.complaint, files=files)
    if not text and not kept:
        inbound.reason = EMPTY
        inbound.save(update_fields=["reason"])
        return inbound
    ticket_customer_message(ticket=ticket, text=text or ", ".join(kept), source="email")
    inbound.status = InboundStatus.ATTACHED
    inbound.attachment_names = refused
    inbound.save(update_fields=["status", "attachment_names"])
    return inbound
