"""Error tracking: Sentry, when a DSN is set, for the web processes and the Celery workers alike.

Off by default (no DSN, nothing is sent anywhere). When on, nothing personal
is sent: no user's address or cookies (``send_default_pii``), no request
bodies (a complaint's text), and only the frames' code, not their variables.
"""

import environ
import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration


def sentry_init(env: environ.Env) -> bool:
    """Start the Sentry client if SENTRY_DSN is set; True when it did.

    Also read: SENTRY_ENVIRONMENT (default "production"), SENTRY_RELEASE and
    SENTRY_TRACES_SAMPLE_RATE (default 0: errors only, no performance traces).
    """
    dsn = env.str("SENTRY_DSN", default="")
    if not dsn:
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default="") or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
    return True
