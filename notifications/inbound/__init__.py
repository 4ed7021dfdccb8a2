"""Emails people send us: a reply reaches its ticket, a new email opens a complaint.

``receive`` is the one way in (the webhooks and the IMAP poller);
``matching`` finds the ticket a reply belongs to, ``guards`` spots mail no
person wrote, ``intake`` opens complaints, ``poll`` reads a mailbox. The
review reasons are codes for the reviewer's page to label, not text.
"""

from notifications.inbound.guards import AUTOMATIC_REPLY, BOUNCE, OWN_MAIL, SPAM, TOO_LARGE
from notifications.inbound.intake import NO_CATEGORY, NO_SENDER, RATE_LIMITED, REPEAT, TOO_SHORT
from notifications.inbound.matching import (
    NOT_MATCHED,
    REFERENCE_IN_SUBJECT,
    SENDER_NOT_CUSTOMER,
    STAFF_ALERT_REPLY,
    UNKNOWN_REFERENCE,
    UNKNOWN_REPLY_ADDRESS,
    reply_text,
)
from notifications.inbound.receive import EMPTY, MALFORMED, MAX_TEXT, inbound_email_receive

__all__ = [
    "AUTOMATIC_REPLY",
    "BOUNCE",
    "EMPTY",
    "MALFORMED",
    "MAX_TEXT",
    "NOT_MATCHED",
    "NO_CATEGORY",
    "NO_SENDER",
    "OWN_MAIL",
    "RATE_LIMITED",
    "REFERENCE_IN_SUBJECT",
    "REPEAT",
    "SENDER_NOT_CUSTOMER",
    "SPAM",
    "STAFF_ALERT_REPLY",
    "TOO_LARGE",
    "TOO_SHORT",
    "UNKNOWN_REFERENCE",
    "UNKNOWN_REPLY_ADDRESS",
    "inbound_email_receive",
    "reply_text",
]
