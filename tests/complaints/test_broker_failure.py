"""A complaint answered with a reference is saved, whatever the broker does."""

import socket
import threading

import pytest
from django.urls import reverse

from complaints.models import Complaint
from config.celery import app
from notifications.models import Notification, NotificationStatus

URL = reverse("complaints:new")


@pytest.fixture
def broker_url(monkeypatch):
    """Point Celery's publisher at another broker for one test."""

    def point(url):
        # Celery reads CELERY_BROKER_URL from the environment before its config.
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        app._pool = None
        app.amqp._producer_pool = None

    yield point
    monkeypatch.undo()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def hung_server():
    """A TCP server that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("broker", ["down", "hung"])
def test_complaint_is_saved_and_confirmed_when_the_broker_fails(
    client, complaint_data, broker_url, hung_server, caplog, broker
):
    port = closed_port() if broker == "down" else hung_server
    broker_url(f"redis://127.0.0.1:{port}/0")
    response = client.post(URL, complaint_data(), follow=True)
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.reference in response.text
    # The email it owes is in the outbox, waiting for the sweep.
    assert Notification.objects.get().status == NotificationStatus.PENDING
    assert "Could not publish notifications.send" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_publish_goes_to_the_real_redis_once_the_transaction_commits(client, complaint_data):
    import redis

    queue = redis.Redis.from_url(app.conf.broker_url)
    queue.delete("email")
    client.post(URL, complaint_data())
    # Email has a queue of its own, so it never holds up the deadline sweep.
    assert queue.llen("email") == 1
    queue.delete("email")
