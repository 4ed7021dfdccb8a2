"""Fixed-window rate limits for the public form and the API's filing, kept in the cache.

We count in Django's cache (Redis in production) rather than pull in
django-ratelimit, because its fail-open setting only covers DNS errors: a
refused or timed-out Redis connection would still raise. Here any cache
failure lets the request through and is logged: spam control must never take
the complaint form down.
"""

import hashlib
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from shared.outages import log_unavailable

logger = logging.getLogger(__name__)


def _key(scope: str, value: str, window: int) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"rl:{scope}:{int(time.time() // window)}:{digest}"


def hit(scope: str, value: str | None, *, limit: int, window: int) -> bool:
    """Count one attempt; True when it is within the limit (or the cache is down)."""
    if not value or limit <= 0:
        return True
    key = _key(scope, value, window)
    try:
        count = 1 if cache.add(key, 1, timeout=window + 5) else cache.incr(key)
    except Exception as error:
        log_unavailable(logger, "Rate limit cache unavailable; letting the request through.", error)
        return True
    return count <= limit


def once_per_key(key: str, decide: Callable[[], bool], *, window: int = 86400) -> bool:
    """Run ``decide()`` for the first request carrying ``key`` and remember its verdict.

    Requests that race the first one, or repeat it, get the remembered verdict
    (or "allowed" while the first is still deciding) without being counted again.
    """
    slot = f"rl:verdict:{key}"
    try:
        if not cache.add(slot, "pending", timeout=window):
            return cache.get(slot) == "limited"
    except Exception as error:
        log_unavailable(logger, "Rate limit cache unavailable; letting the request through.", error)
        return False
    limited = decide()
    try:
        cache.set(slot, "limited" if limited else "allowed", timeout=window)
    except Exception as error:
        log_unavailable(logger, "Rate limit cache unavailable; verdict not kept.", error)
    return limited


def intake_limited(*, ip: str | None, email: str, key: str) -> bool:
    """True when this IP or this email has filed too many complaints lately.

    The public form and anonymous API callers share these counters. A key (the
    form's one-time key, the API's Idempotency-Key) is counted once: a double
    click racing itself is one attempt (the idempotent submit gives both
    requests the same complaint), and a refused request sent again is refused
    again.
    """
    limits = settings.AMENDS

    def decide() -> bool:
        ip_ok = hit(
            "ip",
            ip or "",
            limit=limits["RATE_LIMIT_PER_IP"],
            window=limits["RATE_LIMIT_PER_IP_WINDOW"],
        )
        email_ok = hit(
            "email",
            email,
            limit=limits["RATE_LIMIT_PER_EMAIL"],
            window=limits["RATE_LIMIT_PER_EMAIL_WINDOW"],
        )
        return not (ip_ok and email_ok)

    return once_per_key(key, decide)
