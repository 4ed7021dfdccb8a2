"""Anymail's webhook URLs (``/anymail/<esp>/tracking/``, ``/anymail/<esp>/inbound/``), guarded.

Anymail answers 400 to a post that fails its basic auth or signature, and
hands every event to our receivers (notifications/receivers.py); an error
there is a 500, so the provider posts the event again later. But a payload
anymail cannot parse (not JSON, a list where an object belongs) is a 500
too, and the provider would retry it for days: here it is a 400, logged.
(Anymail's configuration errors, such as an inbound payload posted to the
tracking URL, stay 500s: loud, and for us to fix.)
"""

import logging

from anymail import urls as anymail_urls
from django.core.exceptions import SuspiciousOperation
from django.urls import URLPattern

logger = logging.getLogger(__name__)

app_name = anymail_urls.app_name


class MalformedWebhook(SuspiciousOperation):
    """A webhook post we cannot read; Django answers 400 and logs it under django.security."""


READ_ERRORS = (ValueError, KeyError, TypeError, AttributeError, IndexError)


def _guarded(view_class):
    """``view_class``, answering 400 to a body it cannot read, when checking or parsing it."""

    def refuse(view, exc):
        logger.warning("Malformed %s webhook post: %r", view.esp_name, exc)
        return MalformedWebhook(f"Malformed {view.esp_name} webhook payload")

    def run_validators(self, request):
        try:
            return view_class.run_validators(self, request)
        except READ_ERRORS as exc:  # Mailgun reads its signature from the body
            raise refuse(self, exc) from exc

    def parse_events(self, request):
        try:
            return view_class.parse_events(self, request)
        except READ_ERRORS as exc:
            raise refuse(self, exc) from exc

    attributes = {"run_validators": run_validators, "parse_events": parse_events}
    return type(view_class.__name__, (view_class,), attributes)


urlpatterns = [
    URLPattern(
        pattern.pattern,
        _guarded(pattern.callback.view_class).as_view(**pattern.callback.view_initkwargs),
        pattern.default_args,
        pattern.name,
    )
    for pattern in anymail_urls.urlpatterns
]
