"""The API's throttles: per token (or logged-in user) and per IP, counted in the Django cache.

Kept out of ``config.api``: DRF resolves DEFAULT_THROTTLE_CLASSES while it
imports its views, which ``config.api`` imports in turn.
"""

import logging

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from config.models import ApiToken
from shared.client_ip import client_ip
from shared.outages import log_unavailable

logger = logging.getLogger(__name__)


class _ApiThrottle(SimpleRateThrottle):
    """A fixed rate kept in the Django cache (Redis), failing open like the form's limits.

    The rate is read on each request, not once when the class is imported (as
    DRF does), so that a test or a restart with other settings takes effect. A
    cache failure lets the request through and is logged: throttling must
    never take the API down.
    """

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception as error:
            log_unavailable(
                logger, "API throttle cache unavailable; letting the request through.", error
            )
            return True


class TokenRateThrottle(_ApiThrottle):
    """Per token (or per logged-in user, for the browser's session)."""

    scope = "api_token"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None
        if isinstance(request.auth, ApiToken):
            # Already a digest (the token itself is stored nowhere): a cache key holds no secret.
            ident = "t" + request.auth.digest[:32]
        else:
            ident = f"u{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class IpRateThrottle(_ApiThrottle):
    """Per IP address for anonymous callers, seen through our trusted proxies."""

    scope = "api_ip"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "unknown"}
