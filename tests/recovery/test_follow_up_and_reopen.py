"""The follow-up date, resolving, and a customer's message reopening a resolved ticket."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from recovery.choices import CompensationKind, EventKind, Status
from recovery.compensation import (
    compensation_approve,
    compensation_fulfil,
    compensation_propose,
)
from recovery.errors import IllegalTransition
from recovery.models import SlaSettings, Ticket
from recovery.services import ticket_resolve, ticket_start_follow_up
from recovery.workflow import ticket_customer_message
from tests.factories import ticket_in_status

pytestmark = pytest.mark.django_db
FULFILLED = datetime(2026, 3, 27, 14, 30, 15, tzinfo=UTC)


def compensated(agent, manager):
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent)
    compensation = compensation_propose(
        ticket=ticket, actor=agent, kind=CompensationKind.REFUND, amount="30", currency="EUR"
    )
    compensation_approve(compensation=compensation, actor=manager)
    return ticket, compensation


def test_follow_up_is_due_the_default_seven_days_after_fulfilment(agent, manager):
    ticket, compensation = compensated(agent, manager)
    assert Ticket.objects.get(pk=ticket.pk).follow_up_due_at is None
    with time_machine.travel(FULFILLED, tick=False):
        compensation_fulfil(compensation=compensation, actor=agent)
    assert Ticket.objects.get(pk=ticket.pk).follow_up_due_at == FULFILLED + timedelta(days=7)


def test_follow_up_delay_follows_the_sla_settings(agent, manager):
    SlaSettings.objects.update_or_create(pk=1, defaults={"follow_up_days": 3})
    ticket, compensation = compensated(agent, manager)
    with time_machine.travel(FULFILLED, tick=False):
        compensation_fulfil(compensation=compensation, actor=agent)
    assert Ticket.objects.get(pk=ticket.pk).follow_up_due_at == FULFILLED + timedelta(days=3)


def test_a_new_proposal_unschedules_the_follow_up_until_it_is_settled(agent, manager):
    ticket, compensation = compensated(agent, manager)
    compensation_fulfil(compensation=compensation, actor=agent)
    compensation_propose(ticket=ticket, actor=agent, kind=CompensationKind.GIFT)
    assert Ticket.objects.get(pk=ticket.pk).follow_up_due_at is None


def test_starting_the_follow_up_keeps_the_scheduled_date(agent, manager):
    ticket, compensation = compensated(agent, manager)
    with time_machine.travel(FULFILLED, tick=False):
        compensation_fulfil(compensation=compensation, actor=agent)
    with time_machine.travel(FULFILLED + timedelta(days=1), tick=False):
        ticket_start_follow_up(ticket=ticket, actor=agent)
    row = Ticket.objects.get(pk=ticket.pk)
    assert row.status == Status.FOLLOW_UP
    assert row.follow_up_due_at == FULFILLED + timedelta(days=7)


def test_resolving_from_follow_up_sets_resolved_at_and_clears_the_follow_up(agent):
    ticket = ticket_in_status(Status.FOLLOW_UP, actor=agent)
    with time_machine.travel(FULFILLED, tick=False):
        event = ticket_resolve(ticket=ticket, actor=agent, note="Happy with the voucher")
    row = Ticket.objects.get(pk=ticket.pk)
    assert row.status == Status.RESOLVED
    assert row.resolved_at == FULFILLED
    assert row.follow_up_due_at is None
    assert event.payload["note"] == "Happy with the voucher"


def test_resolving_before_the_follow_up_is_refused(agent):
    ticket = ticket_in_status(Status.COMPENSATED, actor=agent)
    with pytest.raises(IllegalTransition, match="start the follow-up"):
        ticket_resolve(ticket=ticket, actor=agent)


def test_customer_message_reopens_a_resolved_ticket_and_asks_to_tell_the_assignee(agent):
    ticket = ticket_in_status(Status.RESOLVED, actor=agent)
    message = ticket_customer_message(ticket=ticket, text="The voucher code does not work.")
    row = Ticket.objects.get(pk=ticket.pk)
    assert row.status == Status.ACKNOWLEDGED
    assert row.resolved_at is None
    reopen = row.events.get(kind=EventKind.STATUS, from_status=Status.RESOLVED)
    assert reopen.to_status == Status.ACKNOWLEDGED
    assert reopen.payload["notify_assignee"] is True
    assert reopen.payload["message_event"] == message.pk
    assert reopen.actor is None


@pytest.mark.parametrize(
    "status", [Status.NEW, Status.APOLOGIZED, Status.FOLLOW_UP, Status.CLOSED_INVALID]
)
def test_customer_message_on_a_ticket_not_resolved_only_adds_the_message(status, agent):
    ticket = ticket_in_status(status, actor=agent)
    ticket_customer_message(ticket=ticket, text="Any news?")
    row = Ticket.objects.get(pk=ticket.pk)
    assert (row.status, row.version) == (status, ticket.version)
    assert row.events.filter(kind=EventKind.CUSTOMER_MESSAGE).count() == 1


def test_a_reopened_ticket_goes_through_the_apology_again(agent):
    ticket = ticket_in_status(Status.RESOLVED, actor=agent)
    ticket_customer_message(ticket=ticket, text="Still broken.")
    ticket.refresh_from_db()
    with pytest.raises(IllegalTransition):
        ticket_resolve(ticket=ticket, actor=agent)
