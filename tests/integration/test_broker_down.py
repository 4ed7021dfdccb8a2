"""Redis down while complaints are filed: each is saved and answered; once it is back, each deadline is enforced once.

The broker is a private ``redis-server`` (the shared one stays up for the
other tests); it is stopped for the filing and started again on the same port,
empty, as after a crash. Nothing the requests tried to publish survives: the
sweep, reading the deadlines from the database, is what catches up.
"""

from datetime import timedelta

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.urls import reverse

from complaints.models import Complaint
from config.celery import app
from notifications.models import Notification, NotificationKind
from recovery.choices import EventKind, Status
from recovery.models import Ticket
from recovery.tasks import enforce_deadlines
from tests.conftest import form_token
from tests.factories import CategoryFactory, ManagerFactory
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

URL = reverse("complaints:new")
FILED = 5


def complaint_form(category, n):
    return {
        "name": f"Customer {n}",
        "email": f"customer{n}@example.com",
        "phone": "",
        "category": str(category.pk),
        "order_reference": "",
        "description": "My order never arrived and nobody answers the phone.",
        "remedy_sought": "",
        "nps": "",
        "consent": "on",
        "timezone": "Europe/Paris",
        "form_token": form_token(),
        "website": "",
    }


def test_complaints_filed_while_redis_is_down_are_answered_and_each_breached_once_when_it_is_back(
    client, settings, private_broker, task_runs, caplog
):
    # Five customers from one address (the test client's): the form's
    # per-address limit is not what this test is about.
    settings.AMENDS = {**settings.AMENDS, "RATE_LIMIT_PER_IP": 100}
    category = CategoryFactory()
    managers = ManagerFactory.create_batch(2)

    private_broker.stop()
    for n in range(FILED):
        response = client.post(URL, complaint_form(category, n), follow=True)
        assert response.status_code == 200
        assert [status for _url, status in response.redirect_chain] == [302]
        complaint = Complaint.objects.get(customer__email=f"customer{n}@example.com")
        assert complaint.reference in response.text
        assert complaint.ticket.status == Status.NEW
    assert "Could not publish" in caplog.text  # the broker really was down
    # The email each owes waits in the outbox for the broker.
    assert Notification.objects.filter(kind=NotificationKind.COMPLAINT_RECEIVED).count() == FILED

    private_broker.start()
    # Their callback promises fall due while the broker was away: the clock
    # moves on past the last of them (the worker is a thread of this process,
    # so it reads the same clock).
    last_due = max(Ticket.objects.values_list("callback_due_at", flat=True))
    with (
        time_machine.travel(last_due + timedelta(minutes=1)),
        start_worker(
            app, perform_ping_check=False, queues=["deadlines"], pool="solo", shutdown_timeout=10
        ),
    ):
        enforce_deadlines.apply_async()
        enforce_deadlines.apply_async()
        assert wait_for(lambda: task_runs.count(("recovery.enforce_deadlines", ())) == 2)

    assert Complaint.objects.count() == Ticket.objects.count() == FILED
    for ticket in Ticket.objects.all():
        assert ticket.breached_at is not None
        assert ticket.events.filter(kind=EventKind.BREACHED).count() == 1
        emails = Notification.objects.filter(ticket=ticket)
        alerts = emails.filter(kind=NotificationKind.BREACH_ALERT)
        assert sorted(alerts.values_list("recipient", flat=True)) == sorted(
            manager.email for manager in managers
        )
        assert emails.filter(kind=NotificationKind.DEADLINE_MISSED).count() == 1
