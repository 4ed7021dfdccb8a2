"""Emails as the inbound tests send them: raw MIME, posted as Postmark and Mailgun post it.

Both providers can hand us the raw message (Postmark's RawEmail field,
Mailgun's body-mime in a forward() route), so one builder serves both
webhooks and the IMAP server: what reaches ``notifications.inbound`` is
what a mail client sent, headers and MIME tree included.
"""

import json
import secrets
import time
import uuid
from email.message import EmailMessage

from tests.notifications.conftest import use
from tests.notifications.esps import RIGHT_AUTH, Mailgun, Postmark

COMPLAINTS_ADDRESS = "replies@amends.localhost"


def raw_email(
    *,
    sender="Ada Lovelace <ada@example.com>",
    to=COMPLAINTS_ADDRESS,
    subject="My parcel never arrived",
    text="I ordered a vase three weeks ago and it never arrived. Please help.",
    html=None,
    headers=None,
    attachments=(),
    message_id=None,
):
    """An email as a mail client sends it, as bytes; ``sender=None`` leaves out the From header."""
    message = EmailMessage()
    if sender is not None:
        message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = "Mon, 5 Jan 2026 11:00:00 +0000"
    message["Message-ID"] = message_id or f"<{uuid.uuid4()}@mail.test>"
    for name, value in (headers or {}).items():
        message[name] = value
    if text is not None:
        message.set_content(text)
    if html is not None:
        if text is None:
            message.set_content(html, subtype="html")
        else:
            message.add_alternative(html, subtype="html")
    for name, content, content_type in attachments:
        maintype, _slash, subtype = content_type.partition("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


class PostmarkRaw:
    """Postmark's inbound webhook with "include raw email content" on."""

    name = "postmark"

    def configure(self, settings):
        use(settings, Postmark())

    def post(self, client, raw, *, to=COMPLAINTS_ADDRESS):
        payload = {
            "From": "",
            "To": to,
            "OriginalRecipient": to,
            "Subject": "",
            "MessageID": str(uuid.uuid4()),
            "Headers": [],
            "RawEmail": raw.decode("utf-8", "surrogateescape"),
        }
        return client.post(
            "/anymail/postmark/inbound/",
            data=json.dumps(payload),
            content_type="application/json",
            **RIGHT_AUTH,
        )


class MailgunRaw:
    """Mailgun's inbound route forwarding to our URL with the raw MIME (``body-mime``)."""

    name = "mailgun"

    def configure(self, settings):
        use(settings, Mailgun())

    def post(self, client, raw, *, to=COMPLAINTS_ADDRESS):
        token, timestamp = secrets.token_hex(25), str(int(time.time()))
        data = {
            "recipient": to,
            "sender": "bounce@mail.test",
            "body-mime": raw.decode("utf-8", "surrogateescape"),
            **Mailgun().signature(token, timestamp),
        }
        return client.post("/anymail/mailgun/inbound/", data=data, **RIGHT_AUTH)


PROVIDERS = [PostmarkRaw(), MailgunRaw()]
