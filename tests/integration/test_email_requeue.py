"""The minute task publishes again the emails a down broker left pending, and a real worker sends them."""

from datetime import timedelta

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from config.celery import app
from notifications.models import Notification, NotificationStatus
from notifications.services import REQUEUE_AFTER, notifications_requeue_stale
from notifications.tasks import requeue_stale
from tests.factories import received_email, ticketed_complaint
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def email_worker():
    queue = redis.Redis.from_url(app.conf.broker_url)
    queue.delete("email")
    with start_worker(
        app, perform_ping_check=False, queues=["email"], pool="solo", shutdown_timeout=10
    ):
        yield
    queue.delete("email")


@pytest.fixture
def lost():
    """A "complaint received" email whose send message never reached a worker."""
    received_email(ticket=ticketed_complaint().ticket)
    redis.Redis.from_url(app.conf.broker_url).delete("email")  # the message is lost
    row = Notification.objects.get(kind="complaint_received")
    Notification.objects.filter(pk=row.pk).update(
        queued_at=timezone.now() - REQUEUE_AFTER - timedelta(seconds=1)
    )
    return row


def test_a_row_left_pending_is_published_again_by_the_minute_task_and_sent_once(lost, email_worker):
    assert requeue_stale() == 1
    assert requeue_stale() == 0  # not again before the delay
    assert wait_for(lambda: Notification.objects.get(pk=lost.pk).status == NotificationStatus.SENT)
    assert len(mail.outbox) == 1


def test_a_fresh_pending_row_or_a_sent_one_is_left_alone():
    received_email(ticket=ticketed_complaint().ticket)
    row = Notification.objects.get(kind="complaint_received")
    assert notifications_requeue_stale(now=timezone.now()) == 0
    Notification.objects.filter(pk=row.pk).update(status=NotificationStatus.SENT)
    assert notifications_requeue_stale(now=timezone.now() + timedelta(hours=1)) == 0


def test_a_row_stuck_in_sending_after_its_worker_died_is_sent_again_visibly(email_worker):
    received_email(ticket=ticketed_complaint().ticket)
    row = Notification.objects.get(kind="complaint_received")
    # A worker claimed it and died before it could say how the send went.
    Notification.objects.filter(pk=row.pk).update(
        status=NotificationStatus.SENDING,
        attempts=1,
        claimed_at=timezone.now() - timedelta(minutes=6),
    )
    assert requeue_stale() == 1
    assert wait_for(lambda: Notification.objects.get(pk=row.pk).status == NotificationStatus.SENT)
    row.refresh_from_db()
    assert row.attempts == 2


def test_a_stuck_row_out_of_attempts_fails_instead_of_looping():
    received_email(ticket=ticketed_complaint().ticket)
    row = Notification.objects.get(kind="complaint_received")
    Notification.objects.filter(pk=row.pk).update(
        status=NotificationStatus.SENDING,
        attempts=5,
        claimed_at=timezone.now() - timedelta(hours=1),
    )
    assert notifications_requeue_stale(now=timezone.now()) == 0
    row.refresh_from_db()
    assert row.status == NotificationStatus.FAILED
    assert "may have gone out" in row.last_error


def test_the_beat_runs_the_requeue_every_minute_on_the_email_queue():
    (entry,) = [e for e in app.conf.beat_schedule.values() if e["task"] == requeue_stale.name]
    assert entry["schedule"] == 60.0
    assert app.amqp.router.route({}, requeue_stale.name)["queue"].name == "email"
