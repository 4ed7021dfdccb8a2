"""A publish that fails is one log line: a broker outage must not bury the log in tracebacks."""

import logging
import socket

import pytest

from config.celery import app
from recovery.tasks import breach_if_due
from shared.tasks import publish

FAILED = 5


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def broker_down(monkeypatch):
    """Point Celery's publisher at a port nothing listens on, for one test."""
    # Celery reads CELERY_BROKER_URL from the environment before its config.
    monkeypatch.setenv("CELERY_BROKER_URL", f"redis://127.0.0.1:{closed_port()}/0")
    app._pool = None
    app.amqp._producer_pool = None
    yield
    monkeypatch.undo()
    app._pool = None
    app.amqp._producer_pool = None


def test_each_failed_publish_logs_one_warning_line_without_a_traceback(broker_down, caplog):
    caplog.set_level(logging.WARNING, logger="shared.tasks")
    for ticket_id in range(FAILED):
        assert publish(breach_if_due, ticket_id) is None

    records = [r for r in caplog.records if r.name == "shared.tasks"]
    assert len(records) == FAILED
    for ticket_id, record in enumerate(records):
        assert record.levelno == logging.WARNING
        assert record.exc_info is None and record.exc_text is None
        line = record.getMessage()
        assert "\n" not in line
        assert line.startswith(f"Could not publish recovery.breach_if_due({ticket_id},)")
        assert "the sweep will catch up" in line
    # The cause is in the line, so nobody needs the traceback to know it.
    assert "Connection refused" in records[0].getMessage()
