"""A real worker's own timer emails the managers when no sweep has run: beat stopped."""

from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from config.celery import app
from config.models import SweepBeat
from config.watchdog import DEADLINES
from tests.factories import ManagerFactory
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_with_beat_stopped_the_worker_tells_the_managers_once(settings):
    settings.AMENDS = {**settings.AMENDS, "WATCHDOG_SECONDS": 0.2}
    ManagerFactory(email="morgan@amends.test")
    # The last sweep ran four minutes ago, and beat has sent nothing since.
    SweepBeat.objects.create(name=DEADLINES, last_at=timezone.now() - timedelta(minutes=4))
    with start_worker(
        app, perform_ping_check=False, queues=["deadlines"], pool="solo", shutdown_timeout=10
    ):
        assert wait_for(lambda: len(mail.outbox) >= 1)
        assert not wait_for(lambda: len(mail.outbox) > 1, seconds=2)  # many checks, one email
    assert mail.outbox[0].to == ["morgan@amends.test"]
    assert SweepBeat.objects.get(name=DEADLINES).alerted_at is not None
