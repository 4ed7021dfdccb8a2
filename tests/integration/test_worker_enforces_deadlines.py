"""A real Celery worker on the real Redis and PostgreSQL enforces deadlines (no eager mode)."""

import time
from datetime import timedelta

import pytest
import redis
import time_machine
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from config.celery import app
from notifications.models import Notification, NotificationKind
from recovery.choices import EventKind, Status
from recovery.models import Ticket
from recovery.services import ticket_customer_message
from recovery.tasks import enforce_deadlines, schedule_breach
from tests.factories import ManagerFactory, ticket_in_status, ticketed_complaint
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


def test_the_workers_sweep_records_a_missed_reply_once_and_alerts_the_managers(worker):
    """The next-reply promise has no ETA task: the every-minute sweep is its hand."""
    ManagerFactory()
    ticket = ticket_in_status(Status.ACKNOWLEDGED)
    ticket_customer_message(ticket=ticket, text="Hello?")
    ticket.refresh_from_db()
    # A second past the deadline (the clock moved for the worker's thread too), twice.
    with time_machine.travel(ticket.reply_due_at + timedelta(seconds=1)):
        enforce_deadlines.apply_async()
        enforce_deadlines.apply_async()
        assert wait_for(
            lambda: Ticket.objects.filter(pk=ticket.pk, reply_breached_at__isnull=False).exists()
        )
    time.sleep(1)
    assert ticket.events.filter(kind=EventKind.REPLY_BREACHED).count() == 1
    alerts = Notification.objects.filter(ticket=ticket, kind=NotificationKind.REPLY_BREACH_ALERT)
    assert alerts.count() == 1
