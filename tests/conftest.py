"""Shared test set-up. `make test` points settings at the real PostgreSQL and Redis."""

import re
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core import signing
from django.db import connections
from django.db.backends.signals import connection_created

from complaints.forms import FORM_TOKEN_SALT
from recovery.models import Ticket

# Only recovery/workflow/ writes a ticket row after creation
# (tests/recovery/test_single_writer.py reads the source for it). This guard
# catches at run time what the source check cannot see (a queryset from a
# selector, an admin save): every database connection of the suite, the live
# server's and the worker threads' included, refuses an UPDATE of the ticket
# table with no recovery/workflow/ (or migration) frame on the stack.
ROOT = Path(__file__).resolve().parents[1]
WRITER = str(ROOT / "recovery" / "workflow") + "/"
TICKET_UPDATE = re.compile(rf'\s*UPDATE\s+"?{Ticket._meta.db_table}"?\s', re.IGNORECASE)
_ticket_writes = []  # what any thread tried, reported by the test running then
_ticket_writes_lock = threading.Lock()


class TicketWriteOutsideWorkflow(AssertionError):
    pass


def _caller(frame):
    """The innermost frame of project code (not Django's, not this file's)."""
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith(str(ROOT)) and "/.venv/" not in name and name != __file__:
            return f"{Path(name).relative_to(ROOT)}:{frame.f_lineno}"
        frame = frame.f_back
    return "?"


def _may_write(filename):
    # Migrations are history: they ran before the single writer existed.
    return filename.startswith(WRITER) or "/migrations/" in filename


def _single_writer(execute, sql, params, many, context):
    # Most statements are SELECTs: an anchored regex fails on their first letter.
    if isinstance(sql, str) and TICKET_UPDATE.match(sql):
        frame = sys._getframe(1)
        while frame is not None and not _may_write(frame.f_code.co_filename):
            frame = frame.f_back
        if frame is None:
            where = _caller(sys._getframe(1))
            message = f"{where}: a ticket row written outside recovery/workflow/: {sql[:80]}"
            with _ticket_writes_lock:
                _ticket_writes.append(message)
            raise TicketWriteOutsideWorkflow(message)
    return execute(sql, params, many, context)


def _guard(connection):
    if _single_writer not in connection.execute_wrappers:
        connection.execute_wrappers.append(_single_writer)


def _guard_new_connection(sender, connection, **kwargs):
    _guard(connection)


# A thread's connection (the live server's, a worker's) is its own wrapper,
# guarded when it connects; those already open are guarded by the fixture.
connection_created.connect(_guard_new_connection, weak=False)


@pytest.fixture(autouse=True)
def _only_the_workflow_writes_tickets():
    for connection in connections.all(initialized_only=True):
        _guard(connection)
    yield
    with _ticket_writes_lock:
        caught = _ticket_writes[:]
        _ticket_writes.clear()
    if caught:
        pytest.fail("\n".join(caught), pytrace=False)


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
