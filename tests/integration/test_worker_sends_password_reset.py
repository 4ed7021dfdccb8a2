"""The reset form's request only queues; a real worker on the email queue sends the link."""

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse

from config.celery import app
from tests.factories import AgentFactory
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_request_queues_the_link_on_the_email_queue_and_the_worker_sends_it(client):
    AgentFactory(username="alex", email="alex@amends.test")
    queue = redis.Redis.from_url(app.conf.broker_url)
    queue.delete("email")
    response = client.post(reverse("password_reset"), {"email": "alex@amends.test"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []  # nothing sent by the request
    assert queue.llen("email") == 1  # the task waits on the email queue, not the deadlines'
    with start_worker(
        app, perform_ping_check=False, queues=["email"], pool="solo", shutdown_timeout=10
    ):
        assert wait_for(lambda: len(mail.outbox) == 1)
    assert mail.outbox[0].to == ["alex@amends.test"]
    assert "/accounts/reset/" in mail.outbox[0].body
    queue.delete("email")
