"""Who works a ticket, and what they write on it."""

import pytest
from django.core.exceptions import ValidationError

from recovery.choices import EventKind, Status
from recovery.models import Ticket
from recovery.services import ticket_add_note, ticket_assign, tickets_assign
from tests.factories import AgentFactory, UserFactory, ticket_in_status

pytestmark = pytest.mark.django_db


def test_claiming_assigns_the_ticket_to_oneself_with_an_event(agent):
    ticket = ticket_in_status(Status.NEW, actor=agent)
    event = ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    row = Ticket.objects.get(pk=ticket.pk)
    assert row.assignee == agent
    assert row.version == ticket.version
    assert event.kind == EventKind.ASSIGNED
    assert event.payload["claimed"] is True
    assert not event.customer_visible


def test_unassigning_leaves_the_ticket_to_nobody(agent):
    ticket = ticket_in_status(Status.NEW, actor=agent)
    ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    event = ticket_assign(ticket=ticket, assignee=None, actor=agent)
    assert Ticket.objects.get(pk=ticket.pk).assignee is None
    assert event.payload == {"from": agent.pk, "to": None, "to_name": "", "claimed": False}


def test_assigning_the_current_assignee_again_writes_nothing(agent):
    ticket = ticket_in_status(Status.NEW, actor=agent)
    ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    events = ticket.events.count()
    assert ticket_assign(ticket=ticket, assignee=agent, actor=agent) is None
    assert ticket.events.count() == events


def test_only_agents_can_be_assigned(agent):
    ticket = ticket_in_status(Status.NEW, actor=agent)
    with pytest.raises(ValidationError) as refused:
        ticket_assign(ticket=ticket, assignee=UserFactory(), actor=agent)
    assert "assignee" in refused.value.message_dict
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


def test_bulk_assignment_counts_what_it_did(agent, manager):
    colleague = AgentFactory()
    first = ticket_in_status(Status.NEW, actor=agent)
    second = ticket_in_status(Status.ACKNOWLEDGED, actor=agent)
    third = ticket_in_status(Status.NEW, actor=agent)
    ticket_assign(ticket=third, assignee=colleague, actor=manager)

    counts = tickets_assign(
        assignee=colleague,
        actor=manager,
        references=[first.reference, "AM-NOPE-0000"],
        ids=[second.pk, third.pk, 999999],
    )

    assert counts == {"assigned": 2, "unchanged": 1, "not_found": 2, "conflicts": 0}
    assert set(Ticket.objects.filter(assignee=colleague).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
        third.pk,
    }


def test_internal_note_stays_internal(agent):
    ticket = ticket_in_status(Status.NEW, actor=agent)
    event = ticket_add_note(ticket=ticket, actor=agent, text="Customer sounds angry")
    assert (event.kind, event.customer_visible) == (EventKind.NOTE, False)
    assert event.payload == {"text": "Customer sounds angry"}


def test_customer_visible_note_is_a_message_to_the_customer(agent):
    ticket = ticket_in_status(Status.NEW, actor=agent)
    event = ticket_add_note(ticket=ticket, actor=agent, text="We are on it", customer_visible=True)
    assert (event.kind, event.customer_visible) == (EventKind.AGENT_MESSAGE, True)


def test_empty_note_is_refused(agent):
    ticket = ticket_in_status(Status.NEW, actor=agent)
    with pytest.raises(ValidationError):
        ticket_add_note(ticket=ticket, actor=agent, text="  ")
    assert ticket.events.count() == 1
