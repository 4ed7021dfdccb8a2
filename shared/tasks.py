"""The one safe way to queue work from a request or a service.

The database is the source of truth: a task only moves along what a committed
row already says. So a task is published after commit, and a publish that fails
(broker down, hung, misconfigured) is logged and forgotten: the sweep that
reads the rows catches up later. A complaint the customer was told about is
never lost because the broker was not there.
"""

import logging
from typing import Any

from celery import Signature, Task, current_app
from celery.result import AsyncResult
from django.db import transaction

from shared.outages import log_unavailable

logger = logging.getLogger(__name__)


def publish(task: Task[..., Any] | str, *args: Any, **options: Any) -> AsyncResult[Any] | None:
    """Send ``task`` (a task, or a task's name) now, logging instead of raising when the broker fails.

    By name, a module can queue the task that calls it back (a service
    queueing its own send task) without an import cycle.

    One attempt only, bounded by the broker's socket timeouts (settings.py):
    a retry would double what a hung Redis costs the request, and the sweep
    re-publishes whatever a failed attempt left behind. The failure is one
    warning line with its cause and no traceback: while Redis is down every
    request fails the same way, and thousands of identical tracebacks would
    bury whatever else the log has to say.
    """
    sendable: Task[..., Any] | Signature[Any] = (
        current_app.signature(task) if isinstance(task, str) else task
    )
    try:
        return sendable.apply_async(args=args, retry=False, **options)
    except Exception as error:
        log_unavailable(
            logger, f"Could not publish {sendable.name}{args!r}; the sweep will catch up.", error
        )
        return None


def enqueue_on_commit(task: Task[..., Any] | str, *args: Any, **options: Any) -> None:
    """Publish ``task`` once the current transaction commits, never raising.

    Celery's own ``delay_on_commit`` lets a publish error escape into the
    response; this one logs it, because the committed row is what matters.
    """
    transaction.on_commit(lambda: publish(task, *args, **options))
