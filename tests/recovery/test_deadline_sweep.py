"""The callback promise enforced: one breach, at the deadline, however often the sweep runs."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command

from recovery.choices import EventKind, Priority, Status
from recovery.deadlines import LOOKAHEAD, deadlines_sweep, ticket_breach
from recovery.services import ticket_acknowledge
from tests.concurrency import race_cleanly
from tests.factories import AgentFactory, ManagerFactory, ticketed_complaint


def breaches(ticket):
    return ticket.events.filter(kind=EventKind.BREACHED).count()


@pytest.fixture
def ticket(db):
    return ticketed_complaint().ticket


@pytest.mark.django_db
class TestAtTheBoundary:
    def test_a_second_before_the_deadline_nothing_happens(self, ticket):
        with time_machine.travel(ticket.callback_due_at - timedelta(seconds=1), tick=False):
            assert deadlines_sweep()["breached"] == 0
        ticket.refresh_from_db()
        assert ticket.breached_at is None and breaches(ticket) == 0

    def test_at_the_deadline_the_ticket_is_breached(self, ticket):
        due = ticket.callback_due_at
        with time_machine.travel(due, tick=False):
            assert deadlines_sweep()["breached"] == 1
        ticket.refresh_from_db()
        assert ticket.breached_at == due

    def test_after_the_deadline_it_is_breached_once_with_its_lateness(self, ticket):
        due = ticket.callback_due_at
        with time_machine.travel(due + timedelta(seconds=42), tick=False):
            deadlines_sweep()
            deadlines_sweep()
        ticket.refresh_from_db()
        (event,) = ticket.events.filter(kind=EventKind.BREACHED)
        assert event.payload["late_seconds"] == 42
        assert not event.customer_visible


@pytest.mark.django_db
def test_breach_raises_priority_and_keeps_the_call_owed(ticket):
    assert ticket.priority == Priority.STANDARD
    with time_machine.travel(ticket.callback_due_at + timedelta(minutes=1), tick=False):
        ticket_breach(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH
    assert ticket.status == Status.NEW
    assert ticket.callback_due_at is not None  # still owed: stays on top of the queue


@pytest.mark.django_db
def test_a_ticket_acknowledged_in_time_is_never_breached(ticket):
    promised = ticket.callback_due_at
    ticket_acknowledge(
        ticket=ticket, actor=AgentFactory(), method="message", message="We are on it."
    )
    with time_machine.travel(promised + timedelta(days=3), tick=False):
        counts = deadlines_sweep()
    assert (counts["breached"], counts["reminded"], counts["scheduled"]) == (0, 0, 0)
    assert breaches(ticket) == 0


@pytest.mark.django_db
def test_breaching_a_gone_or_closed_ticket_is_a_quiet_no_op(ticket):
    assert ticket_breach(ticket_id=999_999_999) is False
    assert ticket_breach(ticket_id=ticket.pk) is False  # not due yet


@pytest.mark.django_db
def test_sweep_catches_everything_missed_while_nothing_ran():
    tickets = [ticketed_complaint().ticket for _ in range(5)]
    with time_machine.travel(tickets[-1].callback_due_at + timedelta(hours=6), tick=False):
        assert deadlines_sweep()["breached"] == 5


@pytest.mark.django_db
def test_sweep_schedules_only_what_falls_due_before_its_next_run():
    soon = ticketed_complaint().ticket
    scheduled = []
    start = soon.callback_due_at - timedelta(seconds=30)
    # Filed 9 min 30 s later, with the same promise: due ten minutes after the sweep.
    later = ticketed_complaint(submitted_at=soon.complaint.submitted_at + timedelta(seconds=570))
    assert later.ticket.callback_due_at == start + timedelta(minutes=10)
    with time_machine.travel(start, tick=False):
        counts = deadlines_sweep(schedule=lambda pk, due: scheduled.append((pk, due)))
    assert counts["scheduled"] == 1
    assert scheduled == [(soon.pk, soon.callback_due_at)]
    # No ETA is ever further ahead than the look-ahead, and that is under five minutes.
    assert all(due - start <= LOOKAHEAD for _pk, due in scheduled)
    assert timedelta(minutes=5) >= LOOKAHEAD


@pytest.mark.django_db
def test_enforce_deadlines_command_says_what_it_did(ticket, capsys):
    with time_machine.travel(ticket.callback_due_at + timedelta(seconds=1), tick=False):
        call_command("enforce_deadlines")
        call_command("enforce_deadlines")
    out = capsys.readouterr().out.splitlines()
    # The "complaint received" email, pending since the ticket opened a day
    # earlier (no worker here), is published again once; the breach's new ones are not yet.
    assert out == [
        "1 ticket(s) breached, 0 reminded, 1 unsent email(s) requeued.",
        "0 ticket(s) breached, 0 reminded, 0 unsent email(s) requeued.",
    ]


@pytest.mark.django_db
def test_breach_owes_the_customer_an_apology_and_each_manager_an_alert(ticket):
    ManagerFactory(email="boss@amends.test")
    ManagerFactory(email="")  # no address, no row
    with time_machine.travel(ticket.callback_due_at + timedelta(seconds=1), tick=False):
        deadlines_sweep()
        deadlines_sweep()
    breach = ticket.notifications.filter(event__kind="breached")
    rows = sorted(breach.values_list("kind", "recipient", "language"))
    assert rows == [
        ("breach_alert", "boss@amends.test", "en"),
        ("deadline_missed", ticket.complaint.customer.email, "en"),
    ]


@pytest.mark.django_db(transaction=True)
def test_four_concurrent_sweeps_give_one_breach_one_event_and_one_alert():
    ManagerFactory(email="boss@amends.test")
    ticket = ticketed_complaint().ticket
    at = ticket.callback_due_at + timedelta(seconds=5)
    results = race_cleanly(*[lambda: deadlines_sweep(now=at)] * 4)
    assert sum(r["breached"] for r in results) == 1
    assert breaches(ticket) == 1
    assert ticket.notifications.filter(kind="breach_alert").count() == 1
    assert ticket.notifications.filter(kind="deadline_missed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_eta_task_racing_the_sweep_gives_one_breach():
    ticket = ticketed_complaint().ticket
    at = ticket.callback_due_at + timedelta(seconds=1)
    results = race_cleanly(
        *[
            lambda: ticket_breach(ticket_id=ticket.pk, now=at),
            lambda: deadlines_sweep(now=at)["breached"],
        ]
        * 2
    )
    assert sum(int(r) for r in results) == 1
    assert breaches(ticket) == 1


def test_beat_runs_the_sweep_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["enforce-deadlines"]
    assert entry == {"task": "recovery.enforce_deadlines", "schedule": 60.0}
