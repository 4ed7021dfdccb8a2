"""A sweep handles what is due in a few statements, whatever it finds; escalation of the unassigned."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recovery import deadlines
from recovery.choices import EventKind, Priority
from recovery.deadlines import breach_due, deadlines_sweep
from recovery.models import Ticket
from recovery.services import ticket_assign
from tests.factories import AgentFactory, ManagerFactory, ticketed_complaint

pytestmark = pytest.mark.django_db


def tickets_due(n):
    return [ticketed_complaint().ticket for _ in range(n)]


def sweep_queries(now):
    with CaptureQueriesContext(connection) as ctx:
        deadlines_sweep(now=now)
    return len(ctx)


def test_the_sweep_runs_the_same_queries_for_one_due_ticket_as_for_forty():
    ManagerFactory(email="boss@amends.test")
    one = tickets_due(1)
    first = sweep_queries(one[0].callback_due_at + timedelta(seconds=1))
    many = tickets_due(40)
    second = sweep_queries(many[-1].callback_due_at + timedelta(seconds=1))
    assert Ticket.objects.filter(breached_at__isnull=False).count() == 41
    assert first == second


def test_a_backlog_larger_than_a_batch_is_breached_in_several(monkeypatch):
    monkeypatch.setattr(deadlines, "BATCH", 3)
    due = tickets_due(7)
    counts = deadlines_sweep(now=due[-1].callback_due_at + timedelta(seconds=1))
    assert counts["breached"] == 7
    assert all(t.events.filter(kind=EventKind.BREACHED).count() == 1 for t in due)


def test_a_ticket_whose_breach_fails_does_not_hold_up_the_others(monkeypatch):
    due = tickets_due(3)
    poisoned = due[1].pk
    real = deadlines.tickets_breach

    def tickets_breach(*, now, ids=None):
        if ids is None or poisoned in ids:
            raise RuntimeError("poisoned row")
        return real(now=now, ids=ids)

    monkeypatch.setattr(deadlines, "tickets_breach", tickets_breach)
    counts = deadlines_sweep(now=due[-1].callback_due_at + timedelta(seconds=1))
    assert (counts["breached"], counts["failed"]) == (2, 1)
    assert Ticket.objects.get(pk=poisoned).breached_at is None


def test_an_unassigned_ticket_breached_goes_on_the_escalation_list(client):
    unassigned, assigned = tickets_due(2)
    agent = AgentFactory()
    ticket_assign(ticket=assigned, assignee=agent, actor=agent)
    at = assigned.callback_due_at + timedelta(seconds=1)
    assert breach_due(now=at) == 2
    unassigned.refresh_from_db()
    assigned.refresh_from_db()
    assert unassigned.escalated_at == at
    assert assigned.escalated_at is None
    assert unassigned.priority == assigned.priority == Priority.HIGH
    event = unassigned.events.get(kind=EventKind.BREACHED)
    assert event.payload["escalated"] is True

    client.force_login(agent)
    with time_machine.travel(at, tick=False):
        page = client.get("/agent/?scope=escalated").content.decode()
    assert unassigned.reference in page
    assert assigned.reference not in page
    # Taking the ticket takes it off the list.
    ticket_assign(ticket=unassigned, assignee=agent, actor=agent)
    with time_machine.travel(at, tick=False):
        page = client.get("/agent/?scope=escalated").content.decode()
    assert unassigned.reference not in page
