"""Two agents merging crosswise, or undoing one merge twice, at once on real PostgreSQL connections."""

import pytest
from django.db import connection

from recovery.choices import Status
from recovery.errors import MergeRefused, StaleTicket
from recovery.models import Ticket, TicketMerge
from recovery.workflow import ticket_merge, ticket_unmerge
from tests.concurrency import race
from tests.factories import AgentFactory, CustomerFactory, ticket_in_status

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="races two connections on PostgreSQL row locks"
    ),
]


def test_two_agents_merging_two_complaints_into_each_other_merge_once_without_deadlock():
    ana, ben = AgentFactory(), AgentFactory()
    customer = CustomerFactory()
    one = ticket_in_status(Status.NEW, actor=ana, customer=customer)
    two = ticket_in_status(Status.NEW, actor=ana, customer=customer)

    def merge(agent, merged, into):
        # Each request reads both tickets before either writes, as two pages' POSTs would.
        source, target = Ticket.objects.get(pk=merged.pk), Ticket.objects.get(pk=into.pk)
        return lambda: ticket_merge(merged=source, into=target, actor=agent)

    outcomes = race(merge(ana, one, two), merge(ben, two, one))

    merges = [o for o in outcomes if isinstance(o, TicketMerge)]
    refusals = [o for o in outcomes if isinstance(o, Exception)]
    assert len(merges) == 1 and len(refusals) == 1, outcomes
    # The loser waited for the winner's locks, then read the tickets as merged.
    assert isinstance(refusals[0], MergeRefused | StaleTicket), refusals
    assert TicketMerge.objects.count() == 1
    statuses = sorted(
        Ticket.objects.filter(pk__in=[one.pk, two.pk]).values_list("status", flat=True)
    )
    assert statuses == sorted([Status.MERGED, Status.NEW])


def test_two_undos_at_once_undo_the_merge_once():
    ana, ben = AgentFactory(), AgentFactory()
    customer = CustomerFactory()
    into = ticket_in_status(Status.NEW, actor=ana, customer=customer)
    merged = ticket_in_status(Status.NEW, actor=ana, customer=customer)
    merge = ticket_merge(merged=merged, into=into, actor=ana)

    def undo(agent):
        row = TicketMerge.objects.get(pk=merge.pk)
        return lambda: ticket_unmerge(merge=row, actor=agent)

    outcomes = race(undo(ana), undo(ben))

    refusals = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refusals) == 1 and "already undone" in str(refusals[0]), outcomes
    assert Ticket.objects.get(pk=merged.pk).events.filter(kind="unmerged").count() == 1
    assert Ticket.objects.get(pk=merged.pk).status == Status.NEW
