"""Fixed-window rate limits for the public form, kept in the cache.

We count in Django's cache (Redis in production) rather than pull in
django-ratelimit, because its fail-open setting only covers DNS errors: a
refused or timed-out Redis connection would still raise. Here any cache
failure lets the request through and is logged: spam control must never take
the complaint form down.
"""

import hashlib
import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


def _key(scope, value, window):
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"rl:{scope}:{int(time.time() // window)}:{digest}"


def hit(scope, value, *, limit, window):
    """Count one attempt; True when it is within the limit (or the cache is down)."""
    if not value or limit <= 0:
        return True
    key = _key(scope, value, window)
    try:
        count = 1 if cache.add(key, 1, timeout=window + 5) else cache.incr(key)
    except Exception:
        logger.warning("Rate limit cache unavailable; letting the request through.", exc_info=True)
        return True
    return count <= limit


def would_exceed(scope, value, *, limit, window):
    """True when ``value`` has already used up its attempts in this window."""
    if not value or limit <= 0:
        return False
    try:
        count = cache.get(_key(scope, value, window)) or 0
    except Exception:
        logger.warning("Rate limit cache unavailable; letting the request through.", exc_info=True)
        return False
    return count >= limit


def once_per_key(key, decide, *, window=86400):
    """Run ``decide()`` for the first request carrying ``key`` and remember its verdict.

    Requests that race the first one, or repeat it, get the remembered verdict
    (or "allowed" while the first is still deciding) without being counted again.
    """
    slot = f"rl:verdict:{key}"
    try:
        if not cache.add(slot, "pending", timeout=window):
            return cache.get(slot) == "limited"
    except Exception:
        logger.warning("Rate limit cache unavailable; letting the request through.", exc_info=True)
        return False
    limited = decide()
    try:
        cache.set(slot, "limited" if limited else "allowed", timeout=window)
    except Exception:
        logger.warning("Rate limit cache unavailable; verdict not kept.", exc_info=True)
    return limited
