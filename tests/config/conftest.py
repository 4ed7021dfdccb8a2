import io
import json
import logging

import pytest
from celery import current_app


@pytest.fixture
def eager_tasks():
    """Tasks published while this is on run at once in the test's thread (Celery's eager mode)."""
    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    yield
    current_app.conf.task_always_eager = eager


@pytest.fixture
def lines():
    """What the console handler writes, one parsed JSON object per line."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line]
    finally:
        handler.setStream(previous)
