"""Telling a failed send worth retrying from one that will fail the same way again.

The provider is down, slow or busy (5xx, 429, a timeout, a refused
connection): try again later. It refused this email (4xx: a bad address, a
suppressed recipient, a payload it will never take): retrying only annoys
it, and the row fails at once so an agent sees it and calls instead.
"""

import smtplib

import requests
from anymail.exceptions import (
    AnymailAPIError,
    AnymailError,
    AnymailInvalidAddress,
    AnymailRecipientsRefused,
)
from django.core.mail import EmailMessage

# 4xx answers that mean "not now", not "never".
RETRYABLE_STATUSES = frozenset({408, 409, 425, 429})


class SendDeferred(Exception):
    """The send failed for a reason that may pass; the task retries it with backoff."""


def is_permanent(exc: BaseException) -> bool:
    """True when sending this email again would fail the same way."""
    if isinstance(exc, AnymailRecipientsRefused | AnymailInvalidAddress):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return True
    if isinstance(exc, AnymailAPIError):
        status = exc.status_code
        # No status: the request never got an answer (timeout, connection).
        return status is not None and 400 <= status < 500 and status not in RETRYABLE_STATUSES
    # Anymail's other errors are about the message itself (a value it cannot
    # serialise, a feature the provider lacks): the same on every attempt.
    return isinstance(exc, AnymailError)


def maybe_sent(exc: BaseException) -> bool:
    """True when the provider may have taken the email although we saw an error.

    A read timeout: the request arrived, the answer did not. A retry may send
    it twice; the row says so instead of pretending.
    """
    return isinstance(exc, requests.ReadTimeout)


def refused_recipients(message: EmailMessage) -> list[str]:
    """Addresses the provider said it will not deliver to (rejected or invalid)."""
    status = getattr(message, "anymail_status", None)
    recipients = getattr(status, "recipients", None) or {}
    return [
        address
        for address, recipient in recipients.items()
        if recipient.status in ("rejected", "invalid")
    ]
