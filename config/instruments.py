"""The counters and histograms each process keeps, apart from the database (config/metrics.py).

Imported by the logging set-up (config/logs.py, which times every request),
so it reads no model: it may load before the apps do.
"""

from typing import Any

from celery.signals import task_postrun, worker_ready
from django.conf import settings
from prometheus_client import Counter, Histogram, start_http_server

REQUESTS = Histogram(
    "amends_http_request_duration_seconds",
    "Time to answer a request, by view, method and status.",
    ["view", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
TASKS = Counter(
    "amends_celery_tasks", "Celery tasks run, by name and outcome.", ["task", "outcome"]
)


def request_observe(*, view: str | None, method: str, status: int, seconds: float) -> None:
    REQUESTS.labels(view or "unmatched", method, str(status)).observe(seconds)


@task_postrun.connect(dispatch_uid="config.metrics.task_count")
def task_count(*, task: Any, state: str | None = None, **_kwargs: Any) -> None:
    TASKS.labels(task.name, state or "UNKNOWN").inc()


@worker_ready.connect(dispatch_uid="config.metrics.worker_serve")
def worker_serve(**_kwargs: Any) -> None:
    port = settings.AMENDS["WORKER_METRICS_PORT"]
    if port:
        start_http_server(port)
