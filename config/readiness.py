"""``/readyz``: can this process do its work? Database, migrations, broker, cache and the clock.

Unlike ``/healthz`` (the process answers), readiness reaches every service a
request or a promise depends on, each with its time, so that an orchestrator
holds traffic back from an instance that cannot serve it and an operator sees
which part failed. It answers 503 when any check fails, JSON either way, and
like ``/healthz`` is answered before host validation and login
(config/health.py). It names no host, user or secret.
"""

import time
from collections.abc import Callable
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.crypto import get_random_string

from config.watchdog import clock_stopped, stale_after, sweep_last

# Once every migration is applied it stays so until the next deploy restarts
# the process: checked again only while some were missing.
_migrated = False


def database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return "reachable"


def migrations() -> str:
    global _migrated
    if not _migrated:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        missing = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if missing:
            raise RuntimeError(f"{len(missing)} migration(s) not applied")
        _migrated = True
    return "applied"


def broker() -> str:
    with current_app.connection_for_write(settings.CELERY_BROKER_URL) as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    return "reachable"


def cache_check() -> str:
    token = get_random_string(12)
    cache.set("amends:readyz", token, 10)
    if cache.get("amends:readyz") != token:
        raise RuntimeError("what was written could not be read back")
    return "reachable"


def clock() -> str:
    beat = sweep_last()
    if beat is None:
        raise RuntimeError("the deadline sweep has never run")
    age = (timezone.now() - beat.last_at).total_seconds()
    if clock_stopped(beat):
        raise RuntimeError(
            f"the deadline sweep last ran {age:.0f} s ago "
            f"(more than {stale_after().total_seconds():.0f} s)"
        )
    return f"last sweep {age:.0f} s ago"


CHECKS: dict[str, Callable[[], str]] = {
    "database": database,
    "migrations": migrations,
    "broker": broker,
    "cache": cache_check,
    "clock": clock,
}


def readiness(request: HttpRequest) -> JsonResponse:
    checks: dict[str, dict[str, Any]] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            detail, ok = check(), True
        except Exception as exc:  # noqa: BLE001 - any failure is this check's answer
            detail, ok = f"{type(exc).__name__}: {exc}"[:200], False
        elapsed = round((time.perf_counter() - started) * 1000, 1)
        checks[name] = {"ok": ok, "ms": elapsed, "detail": detail}
    ready = all(check["ok"] for check in checks.values())
    body = {"status": "ready" if ready else "failing", "checks": checks}
    response = JsonResponse(body, status=200 if ready else 503)
    response["Cache-Control"] = "no-store"
    return response
