"""Logs: JSON lines in production, plain text on a laptop, and never a customer's details.

Every line carries what ties it to its cause, from context variables set for
the duration of a request (``RequestLogMiddleware``) or a Celery task (the
signals below): ``request_id`` (the caller's X-Request-ID when it is a sane
token, else a new one, echoed in the response), ``user_id``, the ticket
``reference`` a page or API call is about, ``task_id`` and ``task``. Each
request and each task also logs one line with its outcome and duration.

What a log line says is masked as it is written (the formatters):
email addresses and phone numbers become ``[email]`` and ``[phone]``, and a
request's query string (a search may be an email) is never logged. Free
texts (complaints, messages) are never passed to a logger in the first place.
"""

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from celery.signals import task_postrun, task_prerun
from django.http import HttpRequest, HttpResponse
from pythonjsonlogger.json import JsonFormatter

from config.instruments import request_observe

CONTEXT: dict[str, ContextVar[Any]] = {
    name: ContextVar(f"amends_log_{name}", default=None)
    for name in ("request_id", "user_id", "reference", "task_id", "task")
}
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(\.[\w-]+)+")
# A number as we store it (E.164, +33612345678) or as typed in national form
# (06 12 34 56 78): a + or a 0, then 8 digits or more. Not dates, amounts or times.
PHONE = re.compile(r"(?<![\w+.])(?:\+\d|0[1-9])(?:[\s.-]?\d){7,}(?![\w])")
logger = logging.getLogger("amends.requests")
task_logger = logging.getLogger("amends.tasks")


def mask(text: str) -> str:
    return PHONE.sub("[phone]", EMAIL.sub("[email]", text))


class ContextFilter(logging.Filter):
    """Adds the request's or task's identifiers to every record (None outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, variable in CONTEXT.items():
            if not hasattr(record, name):
                setattr(record, name, variable.get())
        return True


class PlainLines(logging.Formatter):
    """Plain text, masked: what `make run` prints."""

    def format(self, record: logging.LogRecord) -> str:
        return mask(super().format(record))


class JsonLines(JsonFormatter):
    """One JSON object a line, masked (the traceback too): what production writes.

    Masked as written, not on the record, so other handlers (a test's log
    capture) see the record as it was logged.
    """

    def format(self, record: logging.LogRecord) -> str:
        return mask(super().format(record))


def logging_config(*, json: bool, level: str) -> dict[str, Any]:
    """The LOGGING setting: one console handler, JSON or plain, both masked, with the context."""
    fields = "%(asctime)s %(levelname)s %(name)s %(message)s"
    context = " ".join(f"%({name})s" for name in CONTEXT)
    formatters = {
        "json": {
            "()": "config.logs.JsonLines",
            "format": f"{fields} {context}",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "plain": {"()": "config.logs.PlainLines", "format": fields},
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "config.logs.ContextFilter"}},
        "formatters": formatters,
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if json else "plain",
                "filters": ["context"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "WARNING"}},
    }


class RequestLogMiddleware:
    """Sets the log context for a request and logs its outcome in one line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        tokens = [(CONTEXT["request_id"], CONTEXT["request_id"].set(request_id))]
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            user = getattr(request, "user", None)
            CONTEXT["user_id"].set(user.pk if user is not None and user.is_authenticated else None)
            match = request.resolver_match
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "view": match.view_name if match else None,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            request_observe(
                view=match.view_name if match else None,
                method=request.method or "",
                status=response.status_code,
                seconds=time.perf_counter() - started,
            )
            response["X-Request-ID"] = request_id
            return response
        finally:
            for name in ("user_id", "reference"):
                CONTEXT[name].set(None)
            for variable, token in tokens:
                variable.reset(token)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> None:
        reference = kwargs.get("reference")
        CONTEXT["reference"].set(reference if isinstance(reference, str) else None)
        user = getattr(request, "user", None)
        CONTEXT["user_id"].set(user.pk if user is not None and user.is_authenticated else None)


_task_started: dict[str, float] = {}


@task_prerun.connect(dispatch_uid="config.logs.task_started")
def task_started(*, task_id: str, task: Any, **_kwargs: Any) -> None:
    CONTEXT["task_id"].set(task_id)
    CONTEXT["task"].set(task.name)
    _task_started[task_id] = time.perf_counter()


@task_postrun.connect(dispatch_uid="config.logs.task_finished")
def task_finished(*, task_id: str, task: Any, state: str | None = None, **_kwargs: Any) -> None:
    started = _task_started.pop(task_id, None)
    duration = round((time.perf_counter() - started) * 1000, 1) if started else None
    task_logger.info(
        "task %s %s", task.name, state, extra={"outcome": state, "duration_ms": duration}
    )
    CONTEXT["task_id"].set(None)
    CONTEXT["task"].set(None)
