"""A real worker, fed by the beat's schedule entry, builds the review's daily summary."""

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from config.celery import app
from review.models import DailySummary, DayComplaints
from review.tasks import summary_refresh_task
from tests.factories import ticketed_complaint
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_scheduled_refresh_runs_on_the_reports_queue_and_builds_the_summary():
    queue = redis.Redis.from_url(app.conf.broker_url)
    queue.delete("reports")
    ticketed_complaint()
    entry = settings.CELERY_BEAT_SCHEDULE["summary-today"]
    assert entry["task"] == summary_refresh_task.name
    with start_worker(
        app, perform_ping_check=False, queues=["reports"], pool="solo", shutdown_timeout=10
    ):
        app.send_task(entry["task"], kwargs=entry["kwargs"])
        # The first refresh ever counts all of history, then the pages use it.
        assert wait_for(lambda: DailySummary.objects.filter(complete_at__isnull=False).exists())
    assert DayComplaints.objects.get().complaints == 1
    queue.delete("reports")


def test_every_summary_schedule_names_the_task_and_a_refresh_it_can_do():
    entries = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == summary_refresh_task.name
    ]
    assert sorted(str(entry["kwargs"]["days"]) for entry in entries) == ["2", "35", "None"]
    assert app.amqp.router.route({}, summary_refresh_task.name)["queue"].name == "reports"
