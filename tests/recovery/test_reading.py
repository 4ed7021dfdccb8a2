"""The unread marker (recovery.workflow.reading): set by a customer's message, read by the assignee."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from recovery.choices import Status
from recovery.models import Ticket
from recovery.queue import QueueFilters, ticket_queue
from recovery.services import ticket_assign
from recovery.workflow import ticket_customer_message
from recovery.workflow.reading import ticket_read_mark, ticket_unread
from tests.factories import AgentFactory, ticket_in_status, ticketed_complaint
from tests.recovery.test_ticket_page import PAGE_QUERIES

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned(agent):
    ticket = ticket_in_status(Status.ACKNOWLEDGED, actor=agent)
    ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    ticket.refresh_from_db()
    return ticket


def fresh(ticket):
    return Ticket.objects.get(pk=ticket.pk)


def test_a_customer_message_marks_the_ticket_unread_for_its_assignee(owned):
    assert not ticket_unread(fresh(owned))

    event = ticket_customer_message(ticket=owned, text="Any news about my vase?")

    ticket = fresh(owned)
    assert ticket.customer_message_at == event.created_at
    assert ticket_unread(ticket)


def test_the_message_and_the_reading_leave_the_version_alone(owned, agent):
    version = fresh(owned).version
    ticket_customer_message(ticket=owned, text="Hello?")
    assert fresh(owned).version == version

    assert ticket_read_mark(ticket=fresh(owned), reader=agent)
    assert fresh(owned).version == version


def test_the_assignee_opening_the_ticket_page_reads_it(client, owned, agent):
    ticket_customer_message(ticket=owned, text="Hello?")
    client.force_login(agent)

    response = client.get(reverse("agent:ticket", args=[owned.reference]))

    assert response.status_code == 200
    ticket = fresh(owned)
    assert ticket.assignee_read_at is not None
    assert not ticket_unread(ticket)


def test_a_colleague_opening_the_ticket_leaves_it_unread(client, owned):
    ticket_customer_message(ticket=owned, text="Hello?")
    client.force_login(AgentFactory())

    client.get(reverse("agent:ticket", args=[owned.reference]))

    assert fresh(owned).assignee_read_at is None
    assert ticket_unread(fresh(owned))


def test_reading_costs_no_query_when_nothing_is_unread(owned, agent, django_assert_num_queries):
    ticket = fresh(owned)
    with django_assert_num_queries(0):
        assert not ticket_read_mark(ticket=ticket, reader=agent)


def test_a_new_message_after_reading_is_unread_again(owned, agent):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ticket_customer_message(ticket=owned, text="First.")
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        ticket_read_mark(ticket=fresh(owned), reader=agent)
    assert not ticket_unread(fresh(owned))
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        ticket_customer_message(ticket=owned, text="Second.")
    assert ticket_unread(fresh(owned))


def test_reassigning_clears_the_read_mark(owned, agent):
    ticket_customer_message(ticket=owned, text="Hello?")
    ticket_read_mark(ticket=fresh(owned), reader=agent)
    assert not ticket_unread(fresh(owned))

    colleague = AgentFactory()
    ticket_assign(ticket=fresh(owned), assignee=colleague, actor=agent)

    ticket = fresh(owned)
    assert ticket.assignee_read_at is None
    assert ticket_unread(ticket)
    # The one who had read it no longer marks it read: it is the colleague's now.
    assert not ticket_read_mark(ticket=ticket, reader=agent)
    assert ticket_read_mark(ticket=ticket, reader=colleague)
    assert not ticket_unread(fresh(owned))


def test_unassigning_clears_the_read_mark_too(owned, agent):
    ticket_customer_message(ticket=owned, text="Hello?")
    ticket_read_mark(ticket=fresh(owned), reader=agent)

    ticket_assign(ticket=fresh(owned), assignee=None, actor=agent)

    assert fresh(owned).assignee_read_at is None


def test_a_handover_meanwhile_is_not_undone_by_a_stale_read(owned, agent):
    ticket_customer_message(ticket=owned, text="Hello?")
    seen = fresh(owned)  # the page loaded the ticket while it was still the agent's
    ticket_assign(ticket=fresh(owned), assignee=AgentFactory(), actor=agent)

    assert not ticket_read_mark(ticket=seen, reader=agent)
    assert fresh(owned).assignee_read_at is None


def test_a_message_to_a_resolved_ticket_reopens_it_unread(agent):
    ticket = ticket_in_status(Status.RESOLVED, actor=agent)

    ticket_customer_message(ticket=ticket, text="It broke again.")

    ticket = fresh(ticket)
    assert ticket.status == Status.ACKNOWLEDGED
    assert ticket_unread(ticket)


def test_the_unread_filter_lists_only_the_tickets_with_an_unread_message(owned, agent):
    quiet = ticketed_complaint().ticket
    read = ticket_in_status(Status.ACKNOWLEDGED, actor=agent)
    ticket_assign(ticket=read, assignee=agent, actor=agent)
    ticket_customer_message(ticket=read, text="Thanks.")
    ticket_read_mark(ticket=fresh(read), reader=agent)
    ticket_customer_message(ticket=owned, text="Hello?")

    listed = ticket_queue(filters=QueueFilters(unread=True), user=agent).tickets

    assert [t.pk for t in listed] == [owned.pk]
    assert quiet.pk in {t.pk for t in ticket_queue(filters=QueueFilters(), user=agent).tickets}


def test_the_queue_row_says_unread_in_words(agent_client, owned):
    ticket_customer_message(ticket=owned, text="Hello?")

    response = agent_client.get(reverse("agent:queue"))

    assert f'aria-describedby="unread-{owned.pk}"' in response.text
    assert f'id="unread-{owned.pk}"' in response.text
    assert "Unread message" in response.text
    assert "data-unread" in response.text


def test_opening_an_unread_ticket_costs_one_write_then_none(
    client, owned, agent, django_assert_num_queries
):
    ticket_customer_message(ticket=owned, text="Hello?")
    client.force_login(agent)
    url = reverse("agent:ticket", args=[owned.reference])

    with django_assert_num_queries(PAGE_QUERIES + 1):
        client.get(url)
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(url)
