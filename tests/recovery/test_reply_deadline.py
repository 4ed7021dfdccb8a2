"""The next-reply promise: once acknowledged, a customer's message owes an answer in time."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification, NotificationKind
from recovery.choices import CallbackOutcome, EventKind, Priority, Status
from recovery.deadlines import deadlines_sweep
from recovery.errors import IllegalTransition
from recovery.models import OpeningHours, SlaSettings, Weekday
from recovery.services import (
    callback_attempt_record,
    ticket_add_note,
    ticket_apologize,
    ticket_assign,
    ticket_close_invalid,
    ticket_customer_message,
    ticket_priority_change,
)
from recovery.workflow.waiting import ticket_await_customer
from tests.concurrency import race_cleanly
from tests.factories import AgentFactory, ManagerFactory, ticket_in_status

pytestmark = pytest.mark.django_db

# A Monday morning, well clear of any DST change.
MONDAY = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(hours=24)


def at(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def agent():
    return AgentFactory()


@pytest.fixture
def ticket(agent):
    """An acknowledged standard ticket, as of MONDAY."""
    with at(MONDAY - timedelta(hours=1)):
        return ticket_in_status(Status.ACKNOWLEDGED, actor=agent)


def message(ticket, when, text="Any news?"):
    with at(when):
        ticket_customer_message(ticket=ticket, text=text)
    ticket.refresh_from_db()
    return ticket


def sweep(when):
    with at(when):
        return deadlines_sweep()


def reply_breaches(ticket):
    return ticket.events.filter(kind=EventKind.REPLY_BREACHED).count()


# --- The clock starts, and what stops it ------------------------------------------


def test_a_customer_message_on_an_acknowledged_ticket_owes_a_reply_within_the_window(ticket):
    message(ticket, MONDAY)
    assert ticket.reply_due_at == MONDAY + DAY
    assert ticket.reply_reminder_due_at == MONDAY + timedelta(hours=12)
    # The queue sorts by it once no callback is owed.
    assert ticket.due_at == MONDAY + DAY


def test_a_message_before_the_first_contact_owes_the_callback_not_a_reply():
    with at(MONDAY):
        ticket = ticket_in_status(Status.NEW)
        ticket_customer_message(ticket=ticket, text="Hello?")
    ticket.refresh_from_db()
    assert ticket.reply_due_at is None
    assert ticket.due_at == ticket.callback_due_at


def test_a_second_message_does_not_push_the_deadline_back(ticket):
    message(ticket, MONDAY)
    message(ticket, MONDAY + timedelta(hours=5), text="Still there?")
    assert ticket.reply_due_at == MONDAY + DAY


def test_the_customer_writing_does_not_make_the_agents_page_stale(ticket):
    version = ticket.version
    message(ticket, MONDAY)
    assert ticket.version == version


def test_the_window_is_set_per_priority_by_the_managers(ticket, agent):
    SlaSettings.objects.filter(pk=1).update(high_reply_hours=4, standard_reply_hours=36)
    message(ticket, MONDAY)
    assert ticket.reply_due_at == MONDAY + timedelta(hours=36)
    ticket_add_note(ticket=ticket, actor=agent, text="Looking into it.", customer_visible=True)
    ticket_priority_change(ticket=ticket, actor=agent, priority=Priority.HIGH)
    message(ticket, MONDAY + timedelta(hours=1))
    assert ticket.reply_due_at == MONDAY + timedelta(hours=5)


def test_a_message_to_the_customer_answers_and_clears_the_deadline(ticket, agent):
    message(ticket, MONDAY)
    with at(MONDAY + timedelta(hours=2)):
        ticket_add_note(ticket=ticket, actor=agent, text="On it.", customer_visible=True)
    ticket.refresh_from_db()
    assert (ticket.reply_due_at, ticket.reply_reminder_due_at, ticket.due_at) == (None,) * 3


def test_an_internal_note_is_no_answer(ticket, agent):
    message(ticket, MONDAY)
    ticket_add_note(ticket=ticket, actor=agent, text="Customer is impatient.")
    ticket.refresh_from_db()
    assert ticket.reply_due_at == MONDAY + DAY


def test_the_apology_answers_the_customer(ticket, agent):
    message(ticket, MONDAY)
    ticket_apologize(ticket=ticket, actor=agent, text="We are sorry.")
    ticket.refresh_from_db()
    assert ticket.reply_due_at is None


def test_a_call_that_reached_the_customer_answers_a_missed_one_does_not(ticket, agent):
    message(ticket, MONDAY)
    phone = "+33612345678"
    callback_attempt_record(
        ticket=ticket, actor=agent, number_called=phone, outcome=CallbackOutcome.NO_ANSWER
    )
    ticket.refresh_from_db()
    assert ticket.reply_due_at == MONDAY + DAY
    callback_attempt_record(
        ticket=ticket, actor=agent, number_called=phone, outcome=CallbackOutcome.REACHED
    )
    ticket.refresh_from_db()
    assert ticket.reply_due_at is None


def test_the_next_message_after_an_answer_starts_a_fresh_window(ticket, agent):
    message(ticket, MONDAY)
    ticket_add_note(ticket=ticket, actor=agent, text="Done.", customer_visible=True)
    message(ticket, MONDAY + timedelta(hours=30))
    assert ticket.reply_due_at == MONDAY + timedelta(hours=54)


def test_closing_the_ticket_stops_the_clock(ticket, agent):
    message(ticket, MONDAY)
    ticket_close_invalid(ticket=ticket, actor=agent, reason="Duplicate")
    ticket.refresh_from_db()
    assert ticket.reply_due_at is None
    assert ticket.reply_reminder_due_at is None


def test_a_message_that_reopens_a_resolved_ticket_owes_a_reply(agent):
    with at(MONDAY - timedelta(hours=1)):
        ticket = ticket_in_status(Status.RESOLVED, actor=agent)
    message(ticket, MONDAY)
    assert ticket.status == Status.ACKNOWLEDGED
    assert ticket.reply_due_at == MONDAY + DAY


# --- Waiting on the customer -----------------------------------------------------


def test_waiting_on_the_customer_pauses_and_stopping_resumes_with_what_was_left(ticket, agent):
    message(ticket, MONDAY)
    with at(MONDAY + timedelta(hours=10)):
        ticket_await_customer(ticket=ticket, actor=agent, waiting=True)
    ticket.refresh_from_db()
    assert ticket.awaiting_customer_since == MONDAY + timedelta(hours=10)
    assert ticket.reply_remaining == timedelta(hours=14)
    assert (ticket.reply_due_at, ticket.due_at) == (None, None)
    # Paused: nothing breaches, however long they take.
    assert sweep(MONDAY + timedelta(days=5))["replies_missed"] == 0
    with at(MONDAY + timedelta(days=5)):
        ticket_await_customer(ticket=ticket, actor=agent, waiting=False)
    ticket.refresh_from_db()
    assert ticket.awaiting_customer_since is None
    assert ticket.reply_due_at == MONDAY + timedelta(days=5, hours=14)
    # 14 h left of a 24 h window: the 50 % reminder (12 h left) is still ahead.
    assert ticket.reply_reminder_due_at == MONDAY + timedelta(days=5, hours=2)


def test_the_customers_next_message_ends_the_wait_with_a_fresh_window(ticket, agent):
    message(ticket, MONDAY)
    with at(MONDAY + timedelta(hours=20)):
        ticket_await_customer(ticket=ticket, actor=agent, waiting=True)
    message(ticket, MONDAY + timedelta(hours=40), text="Here is the photo.")
    assert ticket.awaiting_customer_since is None
    assert ticket.reply_remaining is None
    assert ticket.reply_due_at == MONDAY + timedelta(hours=64)


def test_the_wait_is_on_the_timeline_and_twice_is_once(ticket, agent):
    assert ticket_await_customer(ticket=ticket, actor=agent, waiting=True) is not None
    ticket.refresh_from_db()
    assert ticket_await_customer(ticket=ticket, actor=agent, waiting=True) is None
    event = ticket.events.get(kind=EventKind.AWAITING_CUSTOMER)
    assert (event.payload["waiting"], event.customer_visible) == (True, False)


def test_a_new_ticket_cannot_wait_on_the_customer(agent):
    ticket = ticket_in_status(Status.NEW)
    with pytest.raises(IllegalTransition):
        ticket_await_customer(ticket=ticket, actor=agent, waiting=True)


# --- The sweep: reminders and the breach, once ----------------------------------


def test_the_reply_breaches_at_its_deadline_not_a_second_before(ticket):
    message(ticket, MONDAY)
    assert sweep(MONDAY + DAY - timedelta(seconds=1))["replies_missed"] == 0
    assert sweep(MONDAY + DAY)["replies_missed"] == 1
    ticket.refresh_from_db()
    assert ticket.reply_breached_at == MONDAY + DAY
    # The answer is still owed: the queue keeps it, overdue.
    assert ticket.reply_due_at == MONDAY + DAY


def test_a_missed_reply_is_recorded_once_when_the_sweep_runs_twice(ticket):
    message(ticket, MONDAY)
    assert sweep(MONDAY + DAY + timedelta(seconds=1))["replies_missed"] == 1
    assert sweep(MONDAY + DAY + timedelta(minutes=1))["replies_missed"] == 0
    assert reply_breaches(ticket) == 1
    event = ticket.events.get(kind=EventKind.REPLY_BREACHED)
    assert event.payload["late_seconds"] == 1.0


def test_an_answered_reply_never_breaches(ticket, agent):
    message(ticket, MONDAY)
    with at(MONDAY + DAY - timedelta(seconds=1)):
        ticket_add_note(ticket=ticket, actor=agent, text="Sorted.", customer_visible=True)
    assert sweep(MONDAY + 2 * DAY)["replies_missed"] == 0


def test_each_window_breaches_once_of_its_own(ticket, agent):
    message(ticket, MONDAY)
    sweep(MONDAY + DAY)
    ticket_add_note(ticket=ticket, actor=agent, text="Sorry for the wait.", customer_visible=True)
    message(ticket, MONDAY + 2 * DAY)
    assert ticket.reply_breached_at is None
    assert sweep(MONDAY + 3 * DAY)["replies_missed"] == 1
    assert reply_breaches(ticket) == 2


def test_a_missed_reply_on_nobodys_ticket_escalates_and_alerts_the_managers():
    manager = ManagerFactory()
    with at(MONDAY - timedelta(hours=1)):
        ticket = ticket_in_status(Status.ACKNOWLEDGED)
    assert ticket.assignee_id is None
    message(ticket, MONDAY)
    sweep(MONDAY + DAY)
    ticket.refresh_from_db()
    assert ticket.escalated_at == MONDAY + DAY
    alerts = Notification.objects.filter(ticket=ticket, kind=NotificationKind.REPLY_BREACH_ALERT)
    assert list(alerts.values_list("recipient", flat=True)) == [manager.email]
    # No apology email to the customer: the answer is what they wait for.
    assert not Notification.objects.filter(
        ticket=ticket, kind=NotificationKind.DEADLINE_MISSED
    ).exists()


def test_reminders_fire_at_half_and_three_quarters_of_the_window_once_each(ticket, agent):
    ticket_add_note(ticket=ticket, actor=agent, text="Mine.")  # no answer owed yet
    message(ticket, MONDAY)
    assert sweep(MONDAY + timedelta(hours=12, seconds=-1))["replies_reminded"] == 0
    assert sweep(MONDAY + timedelta(hours=12))["replies_reminded"] == 1
    assert sweep(MONDAY + timedelta(hours=12, minutes=1))["replies_reminded"] == 0
    ticket.refresh_from_db()
    assert ticket.reply_reminder_due_at == MONDAY + timedelta(hours=18)
    assert sweep(MONDAY + timedelta(hours=18))["replies_reminded"] == 1
    ticket.refresh_from_db()
    assert ticket.reply_reminder_due_at is None
    assert ticket.events.filter(kind=EventKind.REPLY_REMINDED).count() == 2


def test_a_late_sweep_sends_one_reminder_not_a_burst(ticket):
    message(ticket, MONDAY)
    assert sweep(MONDAY + timedelta(hours=19))["replies_reminded"] == 1
    ticket.refresh_from_db()
    assert ticket.reply_reminder_due_at is None


def test_the_reply_reminder_goes_to_the_assignee_or_else_every_agent(ticket, agent):
    other = AgentFactory()
    message(ticket, MONDAY)
    sweep(MONDAY + timedelta(hours=12))
    reminders = Notification.objects.filter(ticket=ticket, kind=NotificationKind.REPLY_REMINDER)
    assert set(reminders.values_list("recipient", flat=True)) == {agent.email, other.email}
    ticket.refresh_from_db()
    ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    sweep(MONDAY + timedelta(hours=18))
    second = ticket.events.filter(kind=EventKind.REPLY_REMINDED).latest("created_at")
    assert list(reminders.filter(event=second).values_list("recipient", flat=True)) == [agent.email]


# --- Opening hours ----------------------------------------------------------------


def test_the_window_counts_opening_hours_when_the_sla_says_so(ticket):
    sla = SlaSettings.current()
    sla.business_hours = True
    sla.time_zone = "UTC"
    sla.standard_reply_hours = 8
    sla.save()
    for day in (Weekday.MONDAY, Weekday.TUESDAY):
        OpeningHours.objects.create(sla=sla, weekday=day, opens=time(9), closes=time(17))
    # Monday 15:00: two hours left today, six more from Tuesday 09:00.
    message(ticket, MONDAY + timedelta(hours=6))
    assert ticket.reply_due_at == datetime(2026, 6, 2, 15, 0, tzinfo=UTC)
    # The 50 % reminder, when four opening hours are left: Tuesday 11:00.
    assert ticket.reply_reminder_due_at == datetime(2026, 6, 2, 11, 0, tzinfo=UTC)


def test_a_pause_keeps_the_opening_hours_left_not_the_real_ones(ticket, agent):
    sla = SlaSettings.current()
    sla.business_hours = True
    sla.time_zone = "UTC"
    sla.standard_reply_hours = 8
    sla.save()
    for day in (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY):
        OpeningHours.objects.create(sla=sla, weekday=day, opens=time(9), closes=time(17))
    message(ticket, MONDAY + timedelta(hours=6))  # due Tuesday 15:00
    with at(MONDAY + timedelta(hours=7)):  # Monday 16:00: seven opening hours left
        ticket_await_customer(ticket=ticket, actor=agent, waiting=True)
    ticket.refresh_from_db()
    assert ticket.reply_remaining == timedelta(hours=7)
    with at(datetime(2026, 6, 3, 9, 0, tzinfo=UTC)):
        ticket_await_customer(ticket=ticket, actor=agent, waiting=False)
    ticket.refresh_from_db()
    assert ticket.reply_due_at == datetime(2026, 6, 3, 16, 0, tzinfo=UTC)


def test_the_reply_passes_run_the_same_queries_for_one_due_reply_as_for_forty(agent):
    ManagerFactory()

    def replies_owed(n):
        tickets = []
        with at(MONDAY - timedelta(hours=1)):
            tickets = [ticket_in_status(Status.ACKNOWLEDGED, actor=agent) for _ in range(n)]
        for ticket in tickets:
            message(ticket, MONDAY)
        return tickets

    def sweep_queries(when):
        with at(when), CaptureQueriesContext(connection) as queries:
            counts = deadlines_sweep()
        return len(queries), counts

    replies_owed(1)
    sweep_queries(MONDAY)  # the first sweep ever records its beat (config), then updates it
    one, counts = sweep_queries(MONDAY + timedelta(hours=12))
    assert counts["replies_reminded"] == 1
    replies_owed(40)
    many, counts = sweep_queries(MONDAY + timedelta(hours=12, minutes=1))
    assert counts["replies_reminded"] == 40
    assert one == many
    _queries, counts = sweep_queries(MONDAY + DAY)
    assert counts["replies_missed"] == 41


@pytest.mark.django_db(transaction=True)
def test_four_concurrent_sweeps_give_one_missed_reply_one_event_and_one_alert():
    ManagerFactory(email="boss@amends.test")
    with at(MONDAY - timedelta(hours=1)):
        ticket = ticket_in_status(Status.ACKNOWLEDGED)
    message(ticket, MONDAY)
    due = MONDAY + DAY + timedelta(seconds=5)
    results = race_cleanly(*[lambda: deadlines_sweep(now=due)] * 4)
    assert sum(r["replies_missed"] for r in results) == 1
    assert reply_breaches(ticket) == 1
    assert ticket.notifications.filter(kind=NotificationKind.REPLY_BREACH_ALERT).count() == 1
