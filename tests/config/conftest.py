import pytest
from celery import current_app


@pytest.fixture
def eager_tasks():
    """Tasks published while this is on run at once in the test's thread (Celery's eager mode)."""
    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    yield
    current_app.conf.task_always_eager = eager
