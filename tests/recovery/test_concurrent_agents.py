"""Two agents acting on the same ticket at once, on two real PostgreSQL connections."""

import pytest
from django.db import connection

from recovery.choices import CompensationKind, EventKind, Status
from recovery.compensation import compensation_approve, compensation_propose
from recovery.errors import StaleTicket
from recovery.models import Compensation, Ticket
from recovery.services import ticket_apologize
from tests.concurrency import race
from tests.factories import AgentFactory, ManagerFactory, ticket_in_status
from tests.recovery.page_steps import assert_back_on_the_page, fresh, step

# Real transactions, so each thread's connection sees only what the other committed.
# SQLite locks the whole file instead of a row, so the race only means something
# on PostgreSQL, which production and `make test` use.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="races two connections on PostgreSQL row locks"
    ),
]


def test_two_agents_apologizing_at_once_one_wins_and_the_other_is_told_to_reload():
    first, second = AgentFactory(), AgentFactory()
    ticket = ticket_in_status(Status.ACKNOWLEDGED, actor=first)
    page_version = ticket.version

    def apologize(agent, text):
        # Each request loads the ticket, as a page's POST would; both before
        # either writes, so both pass every check and meet at the UPDATE.
        fresh = Ticket.objects.get(pk=ticket.pk)
        return lambda: ticket_apologize(
            ticket=fresh, actor=agent, text=text, expected_version=page_version
        )

    outcomes = race(apologize(first, "Sorry from Ana"), apologize(second, "Sorry from Ben"))

    winners = [o for o in outcomes if not isinstance(o, Exception)]
    losers = [o for o in outcomes if isinstance(o, Exception)]
    assert len(winners) == 1
    assert len(losers) == 1 and isinstance(losers[0], StaleTicket), losers
    row = Ticket.objects.get(pk=ticket.pk)
    assert row.status == Status.APOLOGIZED
    assert row.version == page_version + 1
    (event,) = row.events.filter(to_status=Status.APOLOGIZED)
    assert event.payload["text"] == winners[0].payload["text"]


def test_two_managers_approving_the_same_compensation_approve_it_once():
    agent, one, other = AgentFactory(), ManagerFactory(), ManagerFactory()
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent)
    line = compensation_propose(
        ticket=ticket, actor=agent, kind=CompensationKind.REFUND, amount="80", currency="EUR"
    )

    def approve(manager):
        fresh = Compensation.objects.select_related("ticket").get(pk=line.pk)
        return lambda: compensation_approve(compensation=fresh, actor=manager)

    outcomes = race(approve(one), approve(other))

    assert sum(isinstance(o, StaleTicket) for o in outcomes) == 1, outcomes
    events = ticket.events.filter(kind=EventKind.COMPENSATION, payload__change="approved")
    assert events.count() == 1


def test_a_step_from_a_stale_tab_returns_to_the_ticket_with_the_typed_text_in_its_form(client):
    agent, colleague = AgentFactory(), AgentFactory()
    ticket = ticket_in_status(Status.ACKNOWLEDGED, actor=agent)
    seen = ticket.version
    client.force_login(agent)
    # A colleague raises the priority: the apology is still the next step, on a newer ticket.
    colleague_client = type(client)()
    colleague_client.force_login(colleague)
    step(colleague_client, ticket, "ticket_priority", "priority", priority="high")

    response = step(
        client, ticket, "ticket_apologize", "apology", version=seen, text="We are so sorry."
    )

    assert_back_on_the_page(response, ticket)
    assert not fresh(ticket).events.filter(to_status=Status.APOLOGIZED).exists()
    page = client.get(response["Location"]).content.decode()
    assert "This ticket changed while you were working on it" in page
    assert 'name="apology-text"' in page
    assert page.count("We are so sorry.</textarea>") == 2  # in its form, and in the copy
    assert f'name="apology-version" value="{fresh(ticket).version}"' in page
    # Given back once: the next view is the plain page.
    assert "We are so sorry." not in client.get(response["Location"]).content.decode()
