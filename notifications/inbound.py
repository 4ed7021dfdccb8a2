"""Emails customers send us: a reply reaches its ticket as the customer's message.

A reply is matched by the token in the address it was sent to (each email's
Reply-To is ``local+<token>@domain``, and only its recipient saw it), or by
a reference in the subject *and* the complaint's own customer as sender: a
reference can be guessed and a sender forged, so neither alone will do, and
the sender alone never. Anything else, and anything we should not take as
the customer's word (an auto-reply, spam, staff answering an alert), is kept
for a person to review, not attached.

The review reasons are codes for the reviewer's page to label, not text.
"""

import hashlib
import logging
import re
from collections.abc import Sequence

from anymail.inbound import AnymailInboundMessage
from anymail.signals import AnymailInboundEvent
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.html import strip_tags

from complaints.models import Attachment, Complaint
from complaints.uploads import check_attachment, stored_name
from notifications.models import STAFF_KINDS, InboundEmail, InboundStatus, Notification
from recovery.models import Ticket
from recovery.workflow import ticket_customer_message
from shared.identifiers import normalize_reference

logger = logging.getLogger(__name__)

UNKNOWN_REPLY_ADDRESS = "unknown_reply_address"
STAFF_ALERT_REPLY = "reply_to_staff_alert"
SENDER_NOT_CUSTOMER = "sender_is_not_the_customer"
UNKNOWN_REFERENCE = "unknown_reference"
NOT_MATCHED = "no_reply_address_or_reference"
AUTOMATIC_REPLY = "automatic_reply"
SPAM = "spam"
EMPTY = "empty"

REFERENCE_IN_SUBJECT = re.compile(r"\bAM[-\s]?[0-9A-Z]{4}[-\s]?[0-9A-Z]{4}\b", re.IGNORECASE)
# Where the history a mail client quotes below a reply starts.
QUOTE_STARTS = re.compile(
    r"^\s*(On\s.+\swrote:|Le\s.+\sa\s+écrit\s*:|-{2,}\s*(Original Message|Message d.origine)\s*-{2,})\s*$",
    re.IGNORECASE,
)
MAX_TEXT = 10_000


def reply_text(text: str | None) -> str:
    """The customer's own words: the text above the quoted history, without "> " lines."""
    lines = []
    for line in (text or "").splitlines():
        if QUOTE_STARTS.match(line):
            break
        if not line.lstrip().startswith(">"):
            lines.append(line)
    return "\n".join(lines).strip()


def _recipients(message: AnymailInboundMessage) -> list[str]:
    addresses = [a.addr_spec for a in message.to + message.cc + message.bcc]
    if message.envelope_recipient:
        addresses.append(str(message.envelope_recipient))
    return list(dict.fromkeys(addresses))


def _reply_tokens(addresses: list[str]) -> list[str]:
    local, _at, domain = settings.AMENDS["REPLY_TO"].partition("@")
    pattern = re.compile(
        rf"^{re.escape(local)}\+([A-Za-z0-9_-]{{1,32}})@{re.escape(domain)}$", re.IGNORECASE
    )
    return [match.group(1) for match in map(pattern.match, addresses) if match]


def _sender(message: AnymailInboundMessage) -> str:
    sender = message.from_email
    # None, or several From addresses: nobody we could check.
    return sender.addr_spec.lower() if hasattr(sender, "addr_spec") else ""


def _match(*, tokens: list[str], subject: str, sender: str) -> tuple[Ticket | None, str]:
    """``(ticket, reason)``: the ticket it is a reply to, and why it waits for review ("" if not)."""
    reason = ""
    if tokens:
        notification = (
            Notification.objects.select_related("ticket").filter(reply_token__in=tokens).first()
        )
        if notification is not None and notification.kind in STAFF_KINDS:
            return notification.ticket, STAFF_ALERT_REPLY
        if notification is not None:
            return notification.ticket, ""
        reason = UNKNOWN_REPLY_ADDRESS
    found = REFERENCE_IN_SUBJECT.search(subject)
    reference = normalize_reference(found.group(0)) if found else None
    if reference is None:
        return None, reason or NOT_MATCHED
    ticket = (
        Ticket.objects.select_related("complaint__customer")
        .filter(complaint__reference=reference)
        .first()
    )
    if ticket is None:
        return None, reason or UNKNOWN_REFERENCE
    customer_email = ticket.complaint.customer.email.lower()
    if not sender or sender != customer_email:
        return None, SENDER_NOT_CUSTOMER
    return ticket, ""


def _held(message: AnymailInboundMessage) -> str:
    """Why a matched email should still not count as the customer's message, or ""."""
    auto = (message.get("Auto-Submitted") or "no").strip().lower()
    precedence = (message.get("Precedence") or "").strip().lower()
    if auto != "no" or precedence in {"auto_reply", "bulk", "junk", "list"}:
        return AUTOMATIC_REPLY  # an out-of-office must not reopen a resolved ticket
    if message.get("X-Autoreply") or message.get("X-Autorespond"):
        return AUTOMATIC_REPLY
    return SPAM if message.spam_detected else ""


def _message_id(
    event: AnymailInboundEvent,
    message: AnymailInboundMessage,
    *,
    sender: str,
    subject: str,
    body: str,
) -> str:
    """The Message-ID header (a provider's retry repeats it), the provider's id, or a hash."""
    message_id = (message.get("Message-ID") or "").strip() or (event.event_id or "")
    if not message_id:
        key = "|".join([sender, subject, str(message.get("Date") or ""), body])
        message_id = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return message_id[:255]


def _store_attachments(
    complaint: Complaint, parts: Sequence[AnymailInboundMessage]
) -> tuple[list[str], list[str]]:
    """Keep the files the public form would accept; return (kept names, refused names)."""
    kept: list[str] = []
    refused: list[str] = []
    for part in parts:
        name = (part.get_filename() or "attachment")[:255]
        try:
            upload = part.as_uploaded_file()
        except ValueError:  # a multipart "attachment": nothing we could show
            upload = None
        if upload is None:
            refused.append(name)
            continue
        if len(kept) >= settings.AMENDS["MAX_ATTACHMENTS"]:
            refused.append(name)
            continue
        try:
            content_type, extension = check_attachment(upload)
        except ValidationError as exc:
            logger.info("Refused attachment %r from an email: %s", name, exc.code)
            refused.append(name)
            continue
        attachment = Attachment(
            complaint=complaint,
            stored_name=stored_name(extension),
            original_name=name,
            content_type=content_type,
            size=upload.size,
        )
        attachment.file.save(attachment.stored_name, upload, save=False)
        attachment.save()
        kept.append(name)
    return kept, refused


def inbound_email_receive(*, event: AnymailInboundEvent, esp_name: str) -> InboundEmail | None:
    """Store one inbound email, once, and add it to its ticket if it is the customer's reply.

    Returns the InboundEmail, or None when this email was received before.
    Files are checked as the public form checks them: the ones it would take
    are added to the complaint. ``attachment_names`` lists the files not kept:
    the refused ones, or all of them while the email waits for review.
    """
    message = event.message
    subject = " ".join((message.subject or "").split())
    body = message.text or strip_tags(message.html or "")
    sender = _sender(message)
    recipients = _recipients(message)
    ticket, reason = _match(tokens=_reply_tokens(recipients), subject=subject, sender=sender)
    if ticket is not None and not reason:
        reason = _held(message)
    text = reply_text(message.stripped_text or body)[:MAX_TEXT]
    parts = message.attachments
    with transaction.atomic():
        try:
            with transaction.atomic():
                inbound = InboundEmail.objects.create(
                    ticket=ticket,
                    status=InboundStatus.REVIEW,
                    reason=reason,
                    esp=esp_name.lower().replace(" ", "_"),
                    message_id=_message_id(
                        event, message, sender=sender, subject=subject, body=body
                    ),
                    from_email=str(message.get("From") or "")[:254],
                    to=", ".join(recipients),
                    subject=subject[:255],
                    text=body,
                    attachment_names=[part.get_filename() or "attachment" for part in parts],
                )
        except IntegrityError:
            return None  # the provider posted it again
        if reason:
            logger.info("Inbound email %s kept for review: %s", inbound.pk, reason)
            return inbound
        assert ticket is not None  # _match gives a reason whenever it finds no ticket
        kept, refused = _store_attachments(ticket.complaint, parts)
        if not text and not kept:
            inbound.reason = EMPTY
            inbound.save(update_fields=["reason"])
            return inbound
        ticket_customer_message(ticket=ticket, text=text or ", ".join(kept), source="email")
        inbound.status = InboundStatus.ATTACHED
        inbound.attachment_names = refused
        inbound.save(update_fields=["status", "attachment_names"])
    return inbound
