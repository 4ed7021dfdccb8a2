"""Changing a ticket's priority moves its callback deadline, counted from the submission."""

from datetime import timedelta

import pytest
import time_machine

from recovery.choices import EventKind, Priority
from recovery.deadlines import deadlines_sweep
from recovery.errors import IllegalTransition, StaleTicket
from recovery.services import ticket_acknowledge, ticket_priority_change
from recovery.workflow import ticket_reopen
from tests.factories import AgentFactory, ticket_in_status, ticketed_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return AgentFactory()


def test_raising_the_priority_makes_the_callback_due_24_hours_after_submission(agent):
    ticket = ticketed_complaint().ticket
    assert ticket.priority == Priority.STANDARD
    event = ticket_priority_change(ticket=ticket, actor=agent, priority=Priority.HIGH)
    ticket.refresh_from_db()
    assert ticket.callback_due_at == ticket.opened_at + timedelta(hours=24)
    assert ticket.callback_promised_at == ticket.callback_due_at
    assert ticket.due_at == ticket.callback_due_at
    assert ticket.reminder_due_at == ticket.opened_at + timedelta(hours=12)
    assert event.kind == EventKind.PRIORITY
    assert event.payload == {"from": "standard", "to": "high"}


def test_raising_it_late_in_the_window_breaches_at_the_next_sweep(agent):
    ticket = ticketed_complaint().ticket
    with time_machine.travel(ticket.opened_at + timedelta(hours=30), tick=False):
        ticket_priority_change(ticket=ticket, actor=agent, priority=Priority.HIGH)
        ticket.refresh_from_db()
        # The reminders of the shorter window are already past: none is owed.
        assert ticket.reminder_due_at is None
        assert deadlines_sweep()["breached"] == 1


def test_lowering_it_gives_the_longer_window(agent):
    ticket = ticketed_complaint().ticket
    ticket_priority_change(ticket=ticket, actor=agent, priority=Priority.HIGH)
    ticket.refresh_from_db()
    ticket_priority_change(ticket=ticket, actor=agent, priority=Priority.STANDARD)
    ticket.refresh_from_db()
    assert ticket.callback_due_at == ticket.opened_at + timedelta(hours=48)


def test_after_the_callback_only_the_priority_changes(agent):
    ticket = ticketed_complaint().ticket
    ticket_acknowledge(ticket=ticket, actor=agent, method="message", message="Hello.")
    ticket.refresh_from_db()
    ticket_priority_change(ticket=ticket, actor=agent, priority=Priority.HIGH)
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH
    assert ticket.callback_due_at is None


def test_the_same_priority_is_a_no_op_and_a_closed_ticket_refuses(agent):
    ticket = ticketed_complaint().ticket
    assert ticket_priority_change(ticket=ticket, actor=agent, priority=Priority.STANDARD) is None
    assert not ticket.events.filter(kind=EventKind.PRIORITY).exists()
    resolved = ticket_in_status("resolved", actor=agent)
    with pytest.raises(IllegalTransition):
        ticket_priority_change(ticket=resolved, actor=agent, priority=Priority.HIGH)
    ticket_reopen(ticket=resolved, actor=agent, reason="Not fixed.")
    ticket_priority_change(ticket=resolved, actor=agent, priority=Priority.HIGH)


def test_a_stale_page_cannot_change_the_priority(agent):
    ticket = ticketed_complaint().ticket
    with pytest.raises(StaleTicket):
        ticket_priority_change(
            ticket=ticket, actor=agent, priority=Priority.HIGH, expected_version=ticket.version - 1
        )


def test_agents_change_the_priority_from_the_ticket_page(client, agent):
    ticket = ticketed_complaint().ticket
    client.force_login(agent)
    url = f"/agent/tickets/{ticket.reference}/priority/"
    page = client.get(f"/agent/tickets/{ticket.reference}/").content.decode()
    assert 'name="priority-priority"' in page
    response = client.post(url, {"priority-version": ticket.version, "priority-priority": "high"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH
    bad = client.post(url, {"priority-version": ticket.version, "priority-priority": "urgent"})
    assert bad.status_code == 400
    stale = client.post(url, {"priority-version": 1, "priority-priority": "standard"})
    assert stale.status_code == 302  # back to the ticket page, told it changed
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH
