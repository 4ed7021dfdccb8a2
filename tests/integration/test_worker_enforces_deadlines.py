"""A real Celery worker on the real Redis and PostgreSQL enforces deadlines (no eager mode)."""

import time
from datetime import timedelta

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from config.celery import app
from recovery.choices import EventKind
from recovery.models import Ticket
from recovery.tasks import enforce_deadlines, schedule_breach
from tests.factories import ticketed_complaint
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker():
    """A worker thread consuming the deadline queue of the test Redis database."""
    queue = redis.Redis.from_url(app.conf.broker_url)
    queue.delete("deadlines")
    with start_worker(
        app, perform_ping_check=False, queues=["deadlines"], pool="solo", shutdown_timeout=10
    ):
        yield
    queue.delete("deadlines")


def due_in(seconds):
    return ticketed_complaint(
        ticket={"callback_due_at": timezone.now() + timedelta(seconds=seconds)}
    ).ticket


def breached(ticket):
    return Ticket.objects.filter(pk=ticket.pk, breached_at__isnull=False).exists()


def test_a_deadline_seconds_away_is_breached_by_its_short_eta_task(worker):
    ticket = due_in(2)
    schedule_breach(ticket.pk, ticket.callback_due_at)
    assert wait_for(lambda: breached(ticket))
    stored = Ticket.objects.get(pk=ticket.pk)
    # Acted on at the deadline, not before it.
    assert stored.breached_at >= ticket.callback_due_at
    assert ticket.events.filter(kind=EventKind.BREACHED).count() == 1


def test_with_its_eta_task_lost_the_next_sweep_breaches_it():
    queue = redis.Redis.from_url(app.conf.broker_url)
    ticket = due_in(1)
    schedule_breach(ticket.pk, ticket.callback_due_at)
    assert queue.llen("deadlines") == 1
    queue.delete("deadlines")  # the ETA message is lost before any worker saw it
    with start_worker(
        app, perform_ping_check=False, queues=["deadlines"], pool="solo", shutdown_timeout=10
    ):
        time.sleep(2)
        assert not breached(ticket)  # nothing was left to act on it...
        enforce_deadlines.apply_async()  # ...until the sweep reads the database
        assert wait_for(lambda: breached(ticket))
    assert ticket.events.filter(kind=EventKind.BREACHED).count() == 1
