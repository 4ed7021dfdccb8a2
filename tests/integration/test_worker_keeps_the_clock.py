"""The sweep a real worker runs (as beat asks it every minute) keeps ``/readyz`` green.

Beat stopping is the sweeps stopping: three minutes on without one, the
clock check turns red, and the next sweep through the broker brings it back.
"""

from datetime import timedelta

import pytest
import redis
import time_machine
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from config.celery import app
from config.models import SweepBeat
from recovery.tasks import enforce_deadlines
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)
PROBE_HOST = "127.0.0.1:8000"


def clock_ok(client):
    return client.get("/readyz", HTTP_HOST=PROBE_HOST).json()["checks"]["clock"]["ok"]


def swept_since(moment):
    return SweepBeat.objects.filter(last_at__gte=moment).exists()


def test_a_worker_sweep_keeps_the_clock_green_and_its_absence_turns_it_red(client, settings):
    settings.ALLOWED_HOSTS = ["amends.example.com"]
    queue = redis.Redis.from_url(app.conf.broker_url)
    queue.delete("deadlines")
    with start_worker(
        app, perform_ping_check=False, queues=["deadlines"], pool="solo", shutdown_timeout=10
    ):
        before = timezone.now()
        enforce_deadlines.apply_async()  # what beat publishes every minute
        assert wait_for(lambda: swept_since(before))
        assert clock_ok(client)
        # Beat stopped: no sweep for three minutes and a second.
        with time_machine.travel(timezone.now() + timedelta(minutes=3, seconds=1)):
            assert not clock_ok(client)
        after = timezone.now()
        enforce_deadlines.apply_async()
        assert wait_for(lambda: swept_since(after))
        assert clock_ok(client)
    queue.delete("deadlines")
