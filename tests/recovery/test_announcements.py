"""Every event recovery records is announced once, inside the transaction that wrote it.

``recovery.signals.events_recorded`` is how the apps above recovery hear of
its events without recovery knowing them: notifications writes the emails an
event owes in the same transaction, so a step commits with its emails or not
at all.
"""

from datetime import timedelta

import pytest
from django.db import connection

from recovery.choices import Status
from recovery.deadlines import deadlines_sweep
from recovery.models import TicketEvent
from recovery.services import ticket_apologize
from recovery.signals import events_recorded
from tests.factories import AgentFactory, ticket_in_status, ticketed_complaint

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def heard():
    """``[(event ids, batch, inside a transaction)]`` for each announcement."""
    announcements = []

    def listen(sender, events, batch=False, **kwargs):
        announcements.append(([e.pk for e in events], batch, connection.in_atomic_block))

    events_recorded.connect(listen, dispatch_uid="test.heard")
    yield announcements
    events_recorded.disconnect(dispatch_uid="test.heard")


def test_every_event_of_a_ticket_is_announced_once_inside_its_transaction(heard):
    ticket = ticket_in_status(Status.ACKNOWLEDGED)
    ticket_apologize(ticket=ticket, actor=AgentFactory(), text="We are sorry.")
    announced = [pk for ids, _batch, _atomic in heard for pk in ids]
    assert sorted(announced) == sorted(TicketEvent.objects.values_list("pk", flat=True))
    assert all(atomic for _ids, _batch, atomic in heard)
    assert not any(batch for _ids, batch, _atomic in heard)


def test_the_sweep_announces_its_breaches_as_one_batch(heard):
    tickets = [ticketed_complaint().ticket for _ in range(3)]
    heard.clear()
    deadlines_sweep(now=max(t.callback_due_at for t in tickets) + timedelta(seconds=1))
    (breaches,) = [(ids, atomic) for ids, batch, atomic in heard if batch and ids]
    ids, atomic = breaches
    assert sorted(ids) == sorted(
        TicketEvent.objects.filter(kind="breached").values_list("pk", flat=True)
    )
    assert len(ids) == 3 and atomic
