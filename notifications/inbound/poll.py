"""The complaints mailbox read over IMAP, for teams whose provider posts no inbound webhook.

Each unseen message goes through the webhook's own service
(``inbound_email_receive``) and is marked seen only once its row is
committed: a crash, a lost connection or a database that is down leaves it
unseen, and the next run takes it again. Taking it again is harmless: the
row is unique by Message-ID (or by a hash of the content when it has none).
"""

import imaplib
import logging
from typing import Any, TypedDict

from anymail.inbound import AnymailInboundMessage
from anymail.signals import AnymailInboundEvent, EventType
from django.conf import settings

from notifications.inbound.receive import inbound_email_receive

logger = logging.getLogger(__name__)

ESP_NAME = "imap"


class ImapSettings(TypedDict):
    host: str
    port: int
    user: str
    password: str
    folder: str
    ssl: bool


def imap_settings() -> ImapSettings | None:
    """``AMENDS["INBOUND_IMAP"]``, or None when no mailbox is configured."""
    return settings.AMENDS.get("INBOUND_IMAP") or None


def _connect(config: ImapSettings, timeout: float) -> imaplib.IMAP4:
    if config["ssl"]:
        return imaplib.IMAP4_SSL(config["host"], config["port"], timeout=timeout)
    return imaplib.IMAP4(config["host"], config["port"], timeout=timeout)


def _fetched_bytes(data: list[Any]) -> bytes | None:
    """The message in a ``UID FETCH (BODY.PEEK[])`` answer: the literal of its first item."""
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def inbound_poll(*, config: ImapSettings | None = None, timeout: float = 30.0) -> int:
    """Take every unseen message in the mailbox once; return how many rows it stored.

    Messages are taken in UID order, one transaction each, and marked
    ``\\Seen`` after it commits. A message that cannot be read as an email
    still becomes a row (``receive`` records malformed mail for review).
    """
    config = config or imap_settings()
    if config is None:
        return 0
    stored = 0
    mailbox = _connect(config, timeout)
    try:
        mailbox.login(config["user"], config["password"])
        status, _count = mailbox.select(config["folder"] or "INBOX")
        if status != "OK":
            raise imaplib.IMAP4.error(f"cannot select {config['folder']!r}")
        _status, found = mailbox.uid("SEARCH", "UNSEEN")
        uids = [uid.decode() for uid in (found[0] or b"").split()] if found else []
        for uid in sorted(uids, key=int):
            # BODY.PEEK[], not RFC822: fetching RFC822 marks it seen at once,
            # and a crash before its row commits would lose it.
            status, data = mailbox.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = _fetched_bytes(data) if status == "OK" else None
            if raw is None:
                logger.warning("IMAP message %s could not be fetched; left unseen", uid)
                continue
            message = AnymailInboundMessage.parse_raw_mime_bytes(raw)
            event = AnymailInboundEvent(
                event_type=EventType.INBOUND, message=message, esp_event=None
            )
            # Its own transaction, committed on return: only then may the
            # mailbox forget that it is new.
            if inbound_email_receive(event=event, esp_name=ESP_NAME) is not None:
                stored += 1
            mailbox.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    finally:
        try:
            mailbox.logout()
        except (imaplib.IMAP4.error, OSError):
            logger.info("IMAP logout failed", exc_info=True)
    return stored
