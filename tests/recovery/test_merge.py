"""Merging a duplicate into another complaint of the same customer, and undoing it within 7 days."""

from datetime import timedelta

import pytest
import time_machine

from notifications.models import Notification
from recovery.choices import CompensationKind, EventKind, Status
from recovery.compensation import compensation_propose
from recovery.deadlines import deadlines_sweep
from recovery.errors import MergeRefused, StaleTicket
from recovery.models import Ticket, TicketMerge
from recovery.services import ticket_assign
from recovery.workflow import ticket_merge, ticket_unmerge
from recovery.workflow.merge import MERGE_CLEARS
from tests.factories import CustomerFactory, ticket_in_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer():
    return CustomerFactory()


@pytest.fixture
def pair(customer, agent):
    """Two open complaints of one customer: the duplicate (new) and the one it joins."""
    into = ticket_in_status(Status.ACKNOWLEDGED, actor=agent, customer=customer)
    merged = ticket_in_status(Status.NEW, actor=agent, customer=customer)
    return merged, into


def row(ticket):
    return Ticket.objects.get(pk=ticket.pk)


def snapshot(ticket):
    t = row(ticket)
    return (t.status, t.version, t.callback_due_at, t.due_at, t.events.count())


def test_the_merged_ticket_closes_without_its_deadlines(pair, agent):
    merged, into = pair
    assert merged.callback_due_at is not None and merged.reminder_due_at is not None

    merge = ticket_merge(merged=merged, into=into, actor=agent)

    t = row(merged)
    assert t.status == Status.MERGED and not t.is_open
    assert all(getattr(t, name) is None for name in MERGE_CLEARS) and t.due_at is None
    # The promise as first made stays, for the statistics.
    assert t.callback_promised_at is not None
    assert (merge.merged, merge.into, merge.status_before) == (merged, into, Status.NEW)
    assert merge.merged_by == agent and merge.undone_at is None
    assert merged.status == Status.MERGED and merged.version == t.version


def test_the_survivors_callback_promise_stands(customer, agent):
    into = ticket_in_status(Status.NEW, actor=agent, customer=customer)
    merged = ticket_in_status(Status.NEW, actor=agent, customer=customer)
    before = row(into)

    ticket_merge(merged=merged, into=into, actor=agent)

    after = row(into)
    assert after.status == Status.NEW
    for name in ("callback_due_at", "callback_promised_at", "reminder_due_at", "due_at"):
        assert getattr(after, name) == getattr(before, name) is not None
    # Only the version moves: an agent on its page reloads to see what joined.
    assert after.version == before.version + 1 == into.version


def test_both_timelines_record_the_merge_and_only_the_survivors_is_shown_to_the_customer(
    pair, agent
):
    merged, into = pair
    merge = ticket_merge(merged=merged, into=into, actor=agent)

    out = merged.events.get(kind=EventKind.MERGED)
    inn = into.events.get(kind=EventKind.MERGED)
    assert (out.from_status, out.to_status) == (Status.NEW, Status.MERGED)
    assert out.payload["into"] == into.reference and out.payload["merge"] == merge.pk
    assert out.payload["deadlines"]["callback_due_at"]  # what an undo gives back
    assert not out.customer_visible
    assert inn.payload == {"merge": merge.pk, "merged": merged.reference}
    assert inn.customer_visible and inn.actor == agent


def test_a_merge_emails_nobody(pair, agent, django_capture_on_commit_callbacks):
    merged, into = pair
    emails = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        merge = ticket_merge(merged=merged, into=into, actor=agent)
        ticket_unmerge(merge=merge, actor=agent)
    assert Notification.objects.count() == emails


def refused(merged, into, agent, match, **kwargs):
    before = snapshot(merged), snapshot(into), TicketMerge.objects.count()
    with pytest.raises(MergeRefused, match=match):
        ticket_merge(merged=merged, into=into, actor=agent, **kwargs)
    assert (snapshot(merged), snapshot(into), TicketMerge.objects.count()) == before


def test_another_customers_complaint_is_refused(pair, agent):
    merged, _into = pair
    stranger = ticket_in_status(Status.NEW, actor=agent)
    refused(merged, stranger, agent, "another customer's complaint")


def test_a_ticket_is_not_merged_into_itself(pair, agent):
    merged, _into = pair
    refused(merged, merged, agent, "into itself")


def test_merging_into_a_merged_ticket_is_refused_naming_its_survivor(pair, customer, agent):
    merged, into = pair
    third = ticket_in_status(Status.NEW, actor=agent, customer=customer)
    ticket_merge(merged=merged, into=into, actor=agent)
    refused(third, merged, agent, f"merged into {into.reference}: merge into {into.reference}")


def test_a_ticket_already_merged_is_not_merged_again(pair, customer, agent):
    merged, into = pair
    third = ticket_in_status(Status.NEW, actor=agent, customer=customer)
    ticket_merge(merged=merged, into=into, actor=agent)
    refused(row(merged), third, agent, f"already merged into {into.reference}")


def test_a_ticket_with_merges_into_it_is_not_merged(pair, customer, agent):
    merged, into = pair
    third = ticket_in_status(Status.NEW, actor=agent, customer=customer)
    ticket_merge(merged=merged, into=into, actor=agent)
    refused(row(into), third, agent, f"{merged.reference} merged into it")


@pytest.mark.parametrize("status", [Status.RESOLVED, Status.CLOSED_INVALID])
def test_a_closed_target_is_refused(pair, customer, agent, status):
    merged, _into = pair
    closed = ticket_in_status(status, actor=agent, customer=customer)
    refused(merged, closed, agent, "is closed .*: merge into an open complaint")


def test_a_closed_ticket_is_not_merged(pair, customer, agent):
    _merged, into = pair
    closed = ticket_in_status(Status.RESOLVED, actor=agent, customer=customer)
    refused(closed, into, agent, "only an open complaint is merged")


def test_a_ticket_with_a_compensation_waiting_is_not_merged(customer, agent):
    into = ticket_in_status(Status.NEW, actor=agent, customer=customer)
    merged = ticket_in_status(Status.APOLOGIZED, actor=agent, customer=customer)
    compensation_propose(
        ticket=merged, actor=agent, kind=CompensationKind.VOUCHER, amount="500", currency="EUR"
    )
    refused(row(merged), into, agent, "compensation waiting")


def test_a_merge_from_an_old_page_is_refused_as_stale(pair, agent):
    merged, into = pair
    page_version = merged.version
    ticket_assign(ticket=merged, assignee=agent, actor=agent)
    before = snapshot(merged), snapshot(into)
    with pytest.raises(StaleTicket):
        ticket_merge(merged=row(merged), into=into, actor=agent, expected_version=page_version)
    assert (snapshot(merged), snapshot(into)) == before


def test_undo_gives_back_the_status_and_the_deadlines(pair, agent):
    merged, into = pair
    before = row(merged)
    merge = ticket_merge(merged=merged, into=into, actor=agent)

    ticket_unmerge(merge=merge, actor=agent)

    t = row(merged)
    assert t.status == Status.NEW
    for name in (*MERGE_CLEARS, "due_at"):
        assert getattr(t, name) == getattr(before, name)
    assert t.callback_due_at is not None
    merge.refresh_from_db()
    assert merge.undone_at is not None and merge.undone_by == agent
    out = merged.events.get(kind=EventKind.UNMERGED)
    assert (out.from_status, out.to_status) == (Status.MERGED, Status.NEW)
    inn = into.events.get(kind=EventKind.UNMERGED)
    assert inn.customer_visible and inn.payload["merged"] == merged.reference
    assert row(into).callback_due_at == into.callback_due_at


def test_undoing_twice_is_refused(pair, agent):
    merged, into = pair
    merge = ticket_merge(merged=merged, into=into, actor=agent)
    ticket_unmerge(merge=merge, actor=agent)
    before = snapshot(merged), snapshot(into)
    with pytest.raises(MergeRefused, match="already undone"):
        ticket_unmerge(merge=TicketMerge.objects.get(pk=merge.pk), actor=agent)
    assert (snapshot(merged), snapshot(into)) == before


def test_after_an_undo_the_ticket_can_be_merged_again(pair, agent):
    merged, into = pair
    ticket_unmerge(merge=ticket_merge(merged=merged, into=into, actor=agent), actor=agent)
    again = ticket_merge(merged=row(merged), into=row(into), actor=agent)
    assert TicketMerge.objects.filter(merged=merged).count() == 2
    assert again.undone_at is None


class TestTheSevenDays:
    @pytest.fixture
    def merge(self, pair, agent):
        merged, into = pair
        return ticket_merge(merged=merged, into=into, actor=agent)

    def test_a_second_before_the_seventh_day_the_merge_is_undone(self, merge, agent):
        with time_machine.travel(merge.merged_at + timedelta(days=7, seconds=-1), tick=False):
            ticket_unmerge(merge=merge, actor=agent)
        assert row(merge.merged).status == Status.NEW

    @pytest.mark.parametrize("late", [timedelta(0), timedelta(seconds=1), timedelta(days=30)])
    def test_from_the_seventh_day_on_the_merge_stays(self, merge, agent, late):
        moment = merge.merged_at + timedelta(days=7) + late
        with (
            time_machine.travel(moment, tick=False),
            pytest.raises(MergeRefused, match="undone for 7 days"),
        ):
            ticket_unmerge(merge=merge, actor=agent)
        assert row(merge.merged).status == Status.MERGED
        assert TicketMerge.objects.get(pk=merge.pk).undone_at is None


def test_the_sweep_neither_reminds_nor_breaches_a_merged_ticket(pair, agent):
    merged, into = pair
    due = merged.callback_due_at
    ticket_merge(merged=merged, into=into, actor=agent)
    with time_machine.travel(due + timedelta(hours=1), tick=False):
        deadlines_sweep()
    t = row(merged)
    assert t.breached_at is None and t.status == Status.MERGED
    assert not t.events.filter(kind__in=[EventKind.BREACHED, EventKind.REMINDED]).exists()


def test_the_sweep_still_breaches_the_survivor_as_promised(customer, agent):
    into = ticket_in_status(Status.NEW, actor=agent, customer=customer)
    merged = ticket_in_status(Status.NEW, actor=agent, customer=customer)
    ticket_merge(merged=merged, into=into, actor=agent)
    with time_machine.travel(into.callback_due_at, tick=False):
        assert deadlines_sweep()["breached"] == 1
    assert row(into).breached_at == into.callback_due_at


def test_a_promise_that_passed_during_the_merge_is_breached_after_the_undo(pair, agent):
    merged, into = pair
    due = merged.callback_due_at
    merge = ticket_merge(merged=merged, into=into, actor=agent)
    later = due + timedelta(hours=2)
    with time_machine.travel(later, tick=False):
        deadlines_sweep()
        ticket_unmerge(merge=merge, actor=agent)
        assert row(merged).callback_due_at == due
        assert deadlines_sweep()["breached"] == 1
    assert row(merged).breached_at == later
