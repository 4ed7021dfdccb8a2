"""The operators' settings of AMENDS: the clock's watchdog, the metrics, the picture size cap."""

from typing import Any

import environ


def operations(env: environ.Env) -> dict[str, Any]:
    return {
        # The deadline clock is stopped when no sweep ran for this long (beat runs
        # it every minute): /readyz fails and the managers are told (config/watchdog.py).
        "SWEEP_STALE_SECONDS": env.int("AMENDS_SWEEP_STALE_SECONDS", default=180),
        # How often each worker checks that clock.
        "WATCHDOG_SECONDS": env.float("AMENDS_WATCHDOG_SECONDS", default=30.0),
        # Who may read /metrics (config/metrics.py): a bearer token, or internal addresses.
        "METRICS_TOKEN": env.str("AMENDS_METRICS_TOKEN", default=""),
        "METRICS_INTERNAL": env.bool("AMENDS_METRICS_INTERNAL", default=False),
        # A worker serves its own task metrics on this port when set (0: off).
        "WORKER_METRICS_PORT": env.int("AMENDS_WORKER_METRICS_PORT", default=0),
        # The largest picture accepted, in pixels, read from its header before any
        # decoding (complaints/images.py): a decompression bomb is refused unread.
        "MAX_IMAGE_PIXELS": env.int("AMENDS_MAX_IMAGE_PIXELS", default=50_000_000),
    }
