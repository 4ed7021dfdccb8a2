"""The queue's "breached" filter: promises not kept, whatever the status."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from recovery.choices import Status
from recovery.selectors import ticket_queue
from recovery.workflow import transition
from tests.factories import days_ago, ticket_in_status

pytestmark = pytest.mark.django_db


def test_breached_queue_holds_overdue_unacknowledged_and_marked_tickets(agent):
    overdue = ticket_in_status(Status.NEW, actor=agent, submitted_at=days_ago(3))
    due_later = ticket_in_status(Status.NEW, actor=agent)
    called_late = ticket_in_status(Status.ACKNOWLEDGED, actor=agent, submitted_at=days_ago(3))
    marked = ticket_in_status(Status.APOLOGIZED, actor=agent, submitted_at=days_ago(3))
    transition(ticket=marked, actor=None, changes={"breached_at": timezone.now()})
    closed = ticket_in_status(Status.CLOSED_INVALID, actor=agent, submitted_at=days_ago(3))

    breached = {t.pk for t in ticket_queue(breached=True)}

    assert breached == {overdue.pk, marked.pk}
    assert {due_later.pk, called_late.pk, closed.pk}.isdisjoint(breached)


def test_a_ticket_is_breached_from_the_second_after_its_deadline(agent):
    ticket = ticket_in_status(Status.NEW, actor=agent)
    with time_machine.travel(ticket.callback_due_at - timedelta(seconds=1), tick=False):
        assert not ticket_queue(breached=True)
    with time_machine.travel(ticket.callback_due_at, tick=False):
        assert not ticket_queue(breached=True)
    with time_machine.travel(ticket.callback_due_at + timedelta(seconds=1), tick=False):
        assert ticket_queue(breached=True) == [ticket]
