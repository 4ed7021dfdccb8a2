"""Postmark and Mailgun as the tests see them: their send API (mocked) and their webhooks (real).

Only the provider's HTTP API is faked, with ``responses``. The webhooks go
through anymail's own views with real basic auth and, for Mailgun, a real
HMAC signature, carrying payloads shaped like the providers' documentation.
"""

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid

import responses

WEBHOOK_SECRET = "amends:webhook-pass"


def basic_auth(credentials):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials.encode()).decode()}


RIGHT_AUTH = basic_auth(WEBHOOK_SECRET)
WRONG_AUTH = basic_auth("amends:guessed")


class Postmark:
    name = "postmark"
    send_url = "https://api.postmarkapp.com/email"
    settings = {
        "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend",
        "ANYMAIL": {"POSTMARK_SERVER_TOKEN": "test", "WEBHOOK_SECRET": WEBHOOK_SECRET},
    }

    @staticmethod
    def new_message_id():
        return str(uuid.uuid4())

    def accept(self, api, message_id):
        """The API takes the next email and calls it ``message_id``."""

        def reply(request):
            body = {
                "To": json.loads(request.body)["To"],
                "SubmittedAt": "2026-01-05T10:00:00.0000000Z",
                "MessageID": message_id,
                "ErrorCode": 0,
                "Message": "OK",
            }
            return 200, {}, json.dumps(body)

        api.add_callback(responses.POST, self.send_url, callback=reply)

    def event(self, kind, *, message_id, recipient, event_id=None, at="2026-01-05T10:00:05Z"):
        """A tracking payload: kind is delivered, bounced, deferred, opened or complained."""
        common = {"MessageID": message_id, "MessageStream": "outbound", "Metadata": {}}
        common["ServerID"] = 23
        bounce = {
            "ID": event_id or secrets.randbelow(10**12),
            "Email": recipient,
            "From": "care@amends.localhost",
            "BouncedAt": at,
            "Inactive": True,
            "CanActivate": True,
            "Subject": "[AM-XXXX-XXXX] We have received your complaint",
        }
        payloads = {
            "delivered": {
                "RecordType": "Delivery",
                "Recipient": recipient,
                "DeliveredAt": at,
                "Details": "smtp;250 2.0.0 OK",
            },
            "bounced": {
                **bounce,
                "RecordType": "Bounce",
                "Type": "HardBounce",
                "TypeCode": 1,
                "Name": "Hard bounce",
                "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
                "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
            },
            "deferred": {
                **bounce,
                "RecordType": "Bounce",
                "Type": "Transient",
                "TypeCode": 2,
                "Name": "Message delayed",
                "Description": "The server could not temporarily deliver your message.",
                "Inactive": False,
            },
            "complained": {
                **bounce,
                "RecordType": "SpamComplaint",
                "Type": "SpamComplaint",
                "TypeCode": 512,
                "Name": "Spam complaint",
                "Description": "The subscriber explicitly marked this message as spam.",
            },
            "opened": {
                "RecordType": "Open",
                "FirstOpen": True,
                "Recipient": recipient,
                "ReceivedAt": at,
                "Platform": "WebMail",
                "ReadSeconds": 5,
                "UserAgent": "Mozilla/5.0",
            },
        }
        return {**common, **payloads[kind]}

    def post(self, client, payload, auth=RIGHT_AUTH):
        body = payload if isinstance(payload, str) else json.dumps(payload)
        return client.post(
            "/anymail/postmark/tracking/", data=body, content_type="application/json", **auth
        )


class Mailgun:
    name = "mailgun"
    send_url = "https://api.mailgun.net/v3/amends.localhost/messages"
    signing_key = "mailgun-signing-key"
    settings = {
        "EMAIL_BACKEND": "anymail.backends.mailgun.EmailBackend",
        "ANYMAIL": {
            "MAILGUN_API_KEY": "test",
            "MAILGUN_WEBHOOK_SIGNING_KEY": signing_key,
            "WEBHOOK_SECRET": WEBHOOK_SECRET,
        },
    }

    @staticmethod
    def new_message_id():
        return f"<{time.strftime('%Y%m%d%H%M%S')}.{secrets.token_hex(6)}@amends.localhost>"

    def accept(self, api, message_id):
        api.post(self.send_url, json={"id": message_id, "message": "Queued. Thank you."})

    def signature(self, token, timestamp, key=None):
        digest = hmac.new(
            (key or self.signing_key).encode(), f"{timestamp}{token}".encode(), hashlib.sha256
        )
        return {"timestamp": timestamp, "token": token, "signature": digest.hexdigest()}

    def event(self, kind, *, message_id, recipient, event_id=None, at=None, key=None):
        timestamp = str(int(at or time.time()))
        data = {
            "id": secrets.token_urlsafe(16),
            "timestamp": float(timestamp),
            "recipient": recipient,
            "tags": [],
            "user-variables": {},
            "message": {"headers": {"message-id": message_id.strip("<>"), "to": recipient}},
        }
        data.update(
            {
                "delivered": {
                    "event": "delivered",
                    "delivery-status": {"code": 250, "message": "OK", "description": ""},
                },
                "bounced": {
                    "event": "failed",
                    "severity": "permanent",
                    "reason": "bounce",
                    "delivery-status": {
                        "code": 550,
                        "message": "5.1.1 The email account that you tried to reach does not exist.",
                        "description": "",
                    },
                },
                "deferred": {
                    "event": "failed",
                    "severity": "temporary",
                    "reason": "generic",
                    "delivery-status": {"code": 452, "message": "4.2.2 Mailbox full"},
                },
                "complained": {"event": "complained"},
                "opened": {"event": "opened"},
            }[kind]
        )
        token = event_id or secrets.token_hex(25)
        return {"signature": self.signature(token, timestamp, key), "event-data": data}

    def post(self, client, payload, auth=RIGHT_AUTH):
        body = payload if isinstance(payload, str) else json.dumps(payload)
        return client.post(
            "/anymail/mailgun/tracking/", data=body, content_type="application/json", **auth
        )


ESPS = [Postmark(), Mailgun()]
