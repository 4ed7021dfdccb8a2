"""Anymail's webhook URLs (``/anymail/<esp>/tracking/``, ``/anymail/<esp>/inbound/``), guarded.

Anymail answers 400 to a post that fails its basic auth or signature, and
hands every event to our receivers (notifications/receivers.py); an error
there is a 500, so the provider posts the event again later. But a payload
anymail cannot parse (not JSON, a list where an object belongs) is a 500
too, and the provider would retry it for days: here it is a 400, logged.
(Anymail's configuration errors, such as an inbound payload posted to the
tracking URL, stay 500s: loud, and for us to fix.)

An inbound post carries the whole email, files included: a provider that
posts JSON (Postmark's base64 attachments) would pass Django's 2.5 MB
DATA_UPLOAD_MAX_MEMORY_SIZE with any photo. Inbound views read a body up
to twice ``AMENDS["MAX_INBOUND_BYTES"]`` (base64 and JSON escaping), so
that mail too large to keep still reaches ``notifications.inbound`` and is
recorded ("too_large") with a 200, instead of a 400 the provider would
retry for days.
"""

import logging

from anymail import urls as anymail_urls
from anymail.signals import inbound
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.urls import URLPattern
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt

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

    @method_decorator(csrf_exempt)  # as anymail's own dispatch is: providers send no CSRF token
    def dispatch(self, request, *args, **kwargs):
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        limit = 2 * settings.AMENDS["MAX_INBOUND_BYTES"]
        if (
            view_class.signal is inbound
            and length <= limit
            and not request.content_type.startswith("multipart/")
        ):
            # Read it once, as HttpRequest.body itself would, minus its global cap
            # (a multipart body is streamed by the parser and needs no such help).
            request._body = request.read()
        return view_class.dispatch(self, request, *args, **kwargs)

    attributes = {
        "run_validators": run_validators,
        "parse_events": parse_events,
        "dispatch": dispatch,
    }
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
