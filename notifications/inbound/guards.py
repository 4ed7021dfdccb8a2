"""Mail no person wrote to us: auto-replies, lists, bounces, our own mail, and mail too big to keep.

Answering an out-of-office with a "complaint received" email, which it
answers in turn, is a mail loop; a bounce of our own email opened as a
complaint is another. Such mail never opens a complaint nor adds to a
ticket: it is kept for review with a reason code (helper pages label it).
The headers are the standard ones (RFC 3834 Auto-Submitted, the Microsoft
and Google X-Auto* ones, Precedence, RFC 2369 List-*, RFC 3464 reports).
"""

from email.utils import parseaddr

from anymail.inbound import AnymailInboundMessage
from django.conf import settings

AUTOMATIC_REPLY = "automatic_reply"
BOUNCE = "bounce"
OWN_MAIL = "own_mail"
SPAM = "spam"
TOO_LARGE = "too_large"

BULK_PRECEDENCE = frozenset({"auto_reply", "bulk", "junk", "list"})
BOUNCE_SENDERS = frozenset({"mailer-daemon", "postmaster"})


def _header(message: AnymailInboundMessage, name: str) -> str:
    try:
        return str(message.get(name) or "").strip()
    except (ValueError, TypeError, IndexError):  # a header the parser cannot read is no signal
        return ""


def _content_types(message: AnymailInboundMessage) -> set[str]:
    return {part.get_content_type() for part in message.walk()}


def automatic_reason(message: AnymailInboundMessage, *, sender: str) -> str:
    """Why this email was sent by a machine, not a person ("" when a person seems to have).

    Checked before any matching: an out-of-office must not reopen a
    resolved ticket, a bounce must not open a complaint, and neither may
    be answered.
    """
    local, _at, domain = sender.rpartition("@")
    if local in BOUNCE_SENDERS or _header(message, "Return-Path") == "<>":
        return BOUNCE
    types = _content_types(message)
    if "multipart/report" in types or "message/delivery-status" in types:
        return BOUNCE
    if (sender and sender in _own_addresses()) or (domain and domain == _reply_domain()):
        return OWN_MAIL
    if _header(message, "Auto-Submitted").lower() not in ("", "no"):
        return AUTOMATIC_REPLY
    if _header(message, "X-Autoreply") or _header(message, "X-Autorespond"):
        return AUTOMATIC_REPLY
    if _header(message, "Precedence").lower() in BULK_PRECEDENCE:
        return AUTOMATIC_REPLY
    if _header(message, "List-Id") or _header(message, "List-Unsubscribe"):
        return AUTOMATIC_REPLY
    return SPAM if message.spam_detected else ""


def _own_addresses() -> set[str]:
    addresses = {parseaddr(settings.DEFAULT_FROM_EMAIL)[1], parseaddr(settings.SERVER_EMAIL)[1]}
    return {address.lower() for address in addresses if address}


def _reply_domain() -> str:
    return settings.AMENDS["REPLY_TO"].rpartition("@")[2].lower()


def message_size(message: AnymailInboundMessage) -> int:
    """About how many bytes the email takes as sent: its headers and every part's encoded payload.

    Cheaper than serialising the whole message again, and what a mailbox
    or a provider would count (base64 included).
    """
    size = 0
    for part in message.walk():
        size += sum(len(name) + len(str(value)) + 4 for name, value in part.items())
        if not part.is_multipart():
            payload = part.get_payload(decode=False)
            size += len(payload) if isinstance(payload, str | bytes) else 0
    return size


def too_large(message: AnymailInboundMessage) -> bool:
    """True for an email over ``AMENDS["MAX_INBOUND_BYTES"]``: nothing of its content is kept."""
    return message_size(message) > settings.AMENDS["MAX_INBOUND_BYTES"]
