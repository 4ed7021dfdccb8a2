"""Shared test set-up: the real PostgreSQL and Redis, unless told otherwise."""

import os
import time

# Tests run on the real services; `make test` sets these, a bare `pytest` gets the same.
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/amends")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("TEMPLATE_STRING_IF_INVALID", "")
# Tests render {% static %} without running collectstatic first.
os.environ.setdefault("STATIC_MANIFEST", "0")

import pytest  # noqa: E402
from django.core import signing  # noqa: E402

from complaints.forms import FORM_TOKEN_SALT  # noqa: E402


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate-limit counters live in Redis: each test starts from zero."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def form_token(*, age=30, key=None):
    """A form token as the page would have issued it ``age`` seconds ago."""
    import uuid

    return signing.dumps(
        {"k": key or uuid.uuid4().hex, "t": int(time.time()) - age}, salt=FORM_TOKEN_SALT
    )


@pytest.fixture
def agent(db):
    from tests.factories import AgentFactory

    return AgentFactory()


@pytest.fixture
def manager(db):
    from tests.factories import ManagerFactory

    return ManagerFactory()


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def category(db):
    from tests.factories import CategoryFactory

    return CategoryFactory()
