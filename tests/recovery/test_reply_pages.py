"""The next-reply promise as agents see it: the ticket page's deadline and wait, the queue's row."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from complaints.models import Complaint
from recovery.choices import EventKind, Status
from recovery.services import ticket_customer_message
from recovery.workflow.waiting import ticket_await_customer
from tests.factories import ticket_in_status
from tests.recovery.page_steps import assert_back_on_the_page, fresh, step

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def ticket(agent):
    with time_machine.travel(MONDAY - timedelta(hours=1), tick=False):
        ticket = ticket_in_status(Status.ACKNOWLEDGED, actor=agent)
    with time_machine.travel(MONDAY, tick=False):
        ticket_customer_message(ticket=ticket, text="Where is my parcel?")
    return fresh(ticket)


def page(client, ticket):
    return client.get(reverse("agent:ticket", args=[ticket.reference])).text


def test_the_ticket_page_shows_the_reply_owed_and_offers_to_wait(agent_client, ticket):
    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        text = page(agent_client, ticket)
    assert "Reply to the customer" in text
    assert 'datetime="2026-06-02T' in text  # the deadline, 24 h on (in the site's zone)
    assert "Wait on the customer" in text


def test_waiting_on_the_customer_from_the_page_pauses_and_says_since_when(agent_client, ticket):
    with time_machine.travel(MONDAY + timedelta(hours=3), tick=False):
        response = step(agent_client, ticket, "ticket_await_customer", "await")
        assert_back_on_the_page(response, ticket)
        text = page(agent_client, ticket)
    ticket = fresh(ticket)
    assert ticket.awaiting_customer_since == MONDAY + timedelta(hours=3)
    assert ticket.reply_remaining == timedelta(hours=21)
    assert "Waiting on the customer since" in text
    assert "Stop waiting" in text
    with time_machine.travel(MONDAY + timedelta(hours=30), tick=False):
        assert_back_on_the_page(
            step(agent_client, ticket, "ticket_stop_waiting", "stop_waiting"), ticket
        )
        text = page(agent_client, ticket)
    ticket = fresh(ticket)
    assert ticket.reply_due_at == MONDAY + timedelta(hours=51)
    assert "No longer waiting on the customer" in text  # the timeline
    assert ticket.events.filter(kind=EventKind.AWAITING_CUSTOMER).count() == 2


def test_a_stale_page_cannot_start_the_wait(agent_client, ticket):
    response = step(
        agent_client, ticket, "ticket_await_customer", "await", version=ticket.version - 1
    )
    assert response.status_code == 302
    assert fresh(ticket).awaiting_customer_since is None


def test_the_queue_row_says_a_reply_is_owed_and_later_that_we_wait(agent_client, ticket, agent):
    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        queue = agent_client.get(reverse("agent:queue")).text
    assert "reply owed" in queue
    with time_machine.travel(MONDAY + timedelta(hours=25), tick=False):
        queue = agent_client.get(reverse("agent:queue")).text
    assert "queue-row--breached" in queue  # overdue: red, like a late callback
    step(agent_client, ticket, "ticket_await_customer", "await")
    queue = agent_client.get(reverse("agent:queue")).text
    assert "Waiting on the customer" in queue


def test_the_customer_reads_when_we_will_answer_in_their_own_time_zone(client, ticket, agent):
    complaint = ticket.complaint
    Complaint.objects.filter(pk=complaint.pk).update(timezone="America/Montreal")
    track = reverse("complaints:track", args=[complaint.tracking_token])
    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        text = client.get(track).text
    assert "We will answer your message by" in text
    # 2 June 09:00 UTC is 05:00 in Montreal (EDT).
    assert 'datetime="2026-06-02T05:00:00-04:00"' in text
    ticket_await_customer(ticket=ticket, actor=agent, waiting=True)
    assert "We will answer your message by" not in client.get(track).text
