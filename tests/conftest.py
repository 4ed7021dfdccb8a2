"""Shared test set-up. `make test` points settings at the real PostgreSQL and Redis."""

import time

import pytest
from django.core import signing

from complaints.forms import FORM_TOKEN_SALT


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
