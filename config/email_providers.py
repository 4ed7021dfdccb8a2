"""Which email provider sends our mail, and which mailbox the poller reads: from the environment, for settings.py.

Part of the project's wiring, not of the notifications app: settings import no app.

Kept free of Django imports beyond its exceptions: settings.py calls it while
Django is still starting. ``ANYMAIL_ESP`` names the provider; each one calls
its API key something different, so the table below maps our one variable,
``ANYMAIL_API_KEY``, to the name anymail reads.
"""

import importlib.util
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"

# Our short name → (anymail's setting for the API key, for the webhook
# signing key, a package the backend needs beyond anymail's own). Add a row
# to support another provider; anymail.dev lists each one's settings.
ESPS = {
    "postmark": ("POSTMARK_SERVER_TOKEN", None, None),
    "mailgun": ("MAILGUN_API_KEY", "MAILGUN_WEBHOOK_SIGNING_KEY", None),
    "sendgrid": ("SENDGRID_API_KEY", None, None),
    "brevo": ("BREVO_API_KEY", None, None),
    "sparkpost": ("SPARKPOST_API_KEY", None, None),
    "mailersend": ("MAILERSEND_API_TOKEN", None, None),
    # SES signs requests with the usual AWS_* variables, read by boto3.
    "amazon_ses": (None, None, "boto3"),
}

# Connect, read (seconds). Anymail never retries a request, we do; a short
# connect timeout fails fast when nothing was sent, and the read timeout keeps
# a slow provider from holding a worker. A read timeout is ambiguous (the
# provider may have taken the email), so it must stay rare, not hair-trigger.
REQUESTS_TIMEOUT = (3.05, 10)


def email_settings(
    *, esp, api_key="", webhook_secret="", webhook_signing_key="", api_url="", debug=False
):
    """``(EMAIL_BACKEND, ANYMAIL)`` for the provider named ``esp``; the file backend if none.

    Refuses a production start (``debug`` off) with a provider but no webhook
    secret: the tracking and inbound URLs would take anybody's word for a
    bounce or a customer's reply. Raised here, at import, rather than as a
    system check, because gunicorn and the Celery worker never run the checks.
    """
    esp = (esp or "").strip().lower()
    anymail = {}
    if webhook_secret:
        # Several "user:pass" values, comma-separated, let a secret be rotated.
        secrets = [value.strip() for value in webhook_secret.split(",") if value.strip()]
        anymail["WEBHOOK_SECRET"] = secrets if len(secrets) > 1 else secrets[0]
    if not esp:
        return None, anymail
    if esp not in ESPS:
        raise ImproperlyConfigured(
            f"ANYMAIL_ESP={esp!r} is not one Amends knows; use one of {', '.join(sorted(ESPS))} "
            "(or add it to config/email_providers.py), or leave it empty to write emails to files."
        )
    key_setting, signing_setting, package = ESPS[esp]
    if package and importlib.util.find_spec(package) is None:
        raise ImproperlyConfigured(
            f"ANYMAIL_ESP={esp!r} needs the {package} package: install django-anymail[{esp}]."
        )
    if key_setting:
        if not api_key:
            raise ImproperlyConfigured(f"ANYMAIL_ESP={esp!r} needs ANYMAIL_API_KEY.")
        anymail[key_setting] = api_key
    if signing_setting and webhook_signing_key:
        anymail[signing_setting] = webhook_signing_key
    elif signing_setting and not debug:
        # Without it anymail checks signatures against the API key, which
        # newer accounts sign with no longer: every event would be refused.
        raise ImproperlyConfigured(f"ANYMAIL_ESP={esp!r} needs ANYMAIL_WEBHOOK_SIGNING_KEY.")
    if api_url:  # a region's endpoint, e.g. Mailgun's EU API
        anymail[f"{esp.upper()}_API_URL"] = api_url
    anymail["REQUESTS_TIMEOUT"] = REQUESTS_TIMEOUT
    if not debug and not webhook_secret:
        raise ImproperlyConfigured(
            "ANYMAIL_WEBHOOK_SECRET must be set when an email provider is configured "
            "and DEBUG is off: without it anybody can post fake bounces and replies. "
            "Use a random 'user:password' and put it in the provider's webhook URLs."
        )
    return f"anymail.backends.{esp}.EmailBackend", anymail


def imap_mailbox(url: str) -> dict | None:
    """INBOUND_IMAP_URL (imaps://user:password@host:993/INBOX, or imap:// for plain) as settings."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise ImproperlyConfigured("INBOUND_IMAP_URL: imaps://user:pass@host/INBOX expected")
    ssl = parts.scheme == "imaps"
    return {
        "host": parts.hostname,
        "port": parts.port or (993 if ssl else 143),
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "folder": unquote(parts.path.lstrip("/")) or "INBOX",
        "ssl": ssl,
    }
