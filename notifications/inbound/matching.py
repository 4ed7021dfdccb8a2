"""Which ticket an email is a reply to: its reply token, or its reference *and* its sender.

A reply is matched by the token in the address it was sent to (each email's
Reply-To is ``local+<token>@domain``, and only its recipient saw it), or by
a reference in the subject *and* the complaint's own customer as sender: a
reference can be guessed and a sender forged, so neither alone will do, and
the sender alone never (``notifications.inbound.intake`` opens a new
complaint for it instead).
"""

import re

from anymail.inbound import AnymailInboundMessage
from django.conf import settings

from notifications.models import STAFF_KINDS, Notification
from recovery.models import Ticket
from shared.identifiers import normalize_reference

UNKNOWN_REPLY_ADDRESS = "unknown_reply_address"
STAFF_ALERT_REPLY = "reply_to_staff_alert"
SENDER_NOT_CUSTOMER = "sender_is_not_the_customer"
UNKNOWN_REFERENCE = "unknown_reference"
NOT_MATCHED = "no_reply_address_or_reference"

REFERENCE_IN_SUBJECT = re.compile(r"\bAM[-\s]?[0-9A-Z]{4}[-\s]?[0-9A-Z]{4}\b", re.IGNORECASE)
# Where the history a mail client quotes below a reply starts.
QUOTE_STARTS = re.compile(
    r"^\s*(On\s.+\swrote:|Le\s.+\sa\s+écrit\s*:|-{2,}\s*(Original Message|Message d.origine)\s*-{2,})\s*$",
    re.IGNORECASE,
)


def reply_text(text: str | None) -> str:
    """The customer's own words: the text above the quoted history, without "> " lines."""
    lines = []
    for line in (text or "").splitlines():
        if QUOTE_STARTS.match(line):
            break
        if not line.lstrip().startswith(">"):
            lines.append(line)
    return "\n".join(lines).strip()


def recipients(message: AnymailInboundMessage) -> list[str]:
    """Every address the email was sent to (To, Cc, Bcc, the envelope's), once each."""
    addresses = [a.addr_spec for a in message.to + message.cc + message.bcc]
    if message.envelope_recipient:
        addresses.append(str(message.envelope_recipient))
    return list(dict.fromkeys(addresses))


def reply_tokens(addresses: list[str]) -> list[str]:
    """The tokens of the ``local+<token>@domain`` reply addresses among ``addresses``."""
    local, _at, domain = settings.AMENDS["REPLY_TO"].partition("@")
    pattern = re.compile(
        rf"^{re.escape(local)}\+([A-Za-z0-9_-]{{1,32}})@{re.escape(domain)}$", re.IGNORECASE
    )
    return [match.group(1) for match in map(pattern.match, addresses) if match]


def sender_address(message: AnymailInboundMessage) -> str:
    """The From address, lower-cased; "" when there is none, or several, or it cannot be read."""
    try:
        sender = message.from_email
    except (ValueError, TypeError, IndexError):  # a From header the parser chokes on
        return ""
    # None, or several From addresses: nobody we could check.
    address = sender.addr_spec.lower() if hasattr(sender, "addr_spec") else ""
    return address if "@" in address.strip("@") else ""


def sender_name(message: AnymailInboundMessage) -> str:
    """The From display name, or the address's local part when it has none."""
    sender = message.from_email
    name = " ".join(str(getattr(sender, "display_name", "") or "").split())
    return name or sender_address(message).partition("@")[0]


def ticket_match(*, tokens: list[str], subject: str, sender: str) -> tuple[Ticket | None, str]:
    """``(ticket, reason)``: the ticket it is a reply to, and why it waits for review ("" if not).

    ``NOT_MATCHED`` (no token, no reference) is the one reason the intake
    may turn into a new complaint; every other reason names a ticket the
    email might belong to, for a person to decide.
    """
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
