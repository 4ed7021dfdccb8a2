"""A second attempt owes a new callback: counted from the unhappy answer, reminded, breached once.

An unhappy follow-up answer (a detractor, or "not solved") sends the ticket
back to the agents. The callback it owes is the same rule as a new
complaint's (``recovery.sla``), counted from the answer; the sweep reminds
and breaches it like the first, and the once-guard holds once per promise
even when the first promise was already broken.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from notifications.models import Notification, NotificationKind
from recovery.choices import AcknowledgeMethod, CallbackOutcome, EventKind, Priority, Status
from recovery.compensation import compensation_propose
from recovery.deadlines import breach_due, remind_due, send_due_surveys
from recovery.models import OpeningHours, SlaSettings, Ticket
from recovery.queue import QueueFilters, due_state, ticket_queue
from recovery.selectors import ticket_next_step
from recovery.services import (
    callback_attempt_record,
    ticket_acknowledge,
    ticket_apologize,
    ticket_assign,
    ticket_start_follow_up,
)
from recovery.sla import callback_due_at, reminder_times
from recovery.survey import latest_survey, survey_answer
from tests.factories import AgentFactory, ManagerFactory, ticketed_complaint

pytestmark = pytest.mark.django_db

UNHAPPY = {"csat": 2, "nps": 3, "solved": "no", "comment": "The new vase broke too."}
# A Wednesday morning, well inside any opening hours.
ANSWERED = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)


def to_follow_up(ticket, agent, *, breach_first=False):
    """Through the real steps to follow-up; ``breach_first`` lets the first callback pass."""
    if breach_first:
        with time_machine.travel(ticket.callback_due_at + timedelta(seconds=1), tick=False):
            assert breach_due() == 1
        ticket.refresh_from_db()
    ticket_acknowledge(
        ticket=ticket, actor=agent, method=AcknowledgeMethod.MESSAGE, message="Hello, Ana here."
    )
    ticket_apologize(ticket=ticket, actor=agent, text="We are sorry about the vase.")
    compensation_propose(ticket=ticket, actor=agent, kind="none", reason="Already refunded.")
    ticket_start_follow_up(ticket=ticket, actor=agent)
    # The survey goes out when the follow-up falls due.
    assert send_due_surveys(now=ticket.follow_up_due_at) == 1
    return ticket


def unhappy_ticket(*, assignee=None, breach_first=False, at=ANSWERED):
    """A ticket whose customer answered the survey unhappy at ``at``: a second attempt."""
    agent = assignee or AgentFactory()
    with time_machine.travel(at - timedelta(days=20), tick=False):
        ticket = ticketed_complaint().ticket
        if assignee is not None:
            ticket_assign(ticket=ticket, assignee=assignee, actor=assignee)
        to_follow_up(ticket, agent, breach_first=breach_first)
    with time_machine.travel(at, tick=False):
        survey_answer(survey=latest_survey(ticket), now=at, **UNHAPPY)
    return Ticket.objects.get(pk=ticket.pk)


def breaches(ticket):
    return ticket.events.filter(kind=EventKind.BREACHED)


def reminded(ticket):
    return ticket.events.filter(kind=EventKind.REMINDED).count()


class TestTheNewCallback:
    def test_is_the_priority_window_counted_from_the_answer(self):
        ticket = unhappy_ticket()
        assert ticket.status == Status.ACKNOWLEDGED and ticket.second_attempt_at == ANSWERED
        due = callback_due_at(submitted_at=ANSWERED, priority=ticket.priority)
        assert ticket.callback_due_at == due == ANSWERED + timedelta(hours=48)
        assert ticket.due_at == due
        assert ticket.reminder_due_at == ANSWERED + timedelta(hours=24)
        assert ticket.reminders_sent == 0

    def test_keeps_the_first_promise_on_record_for_the_review(self):
        ticket = unhappy_ticket()
        # The review's "promise kept" compares the first contact with the first promise.
        assert ticket.callback_promised_at == ticket.opened_at + timedelta(hours=48)
        assert ticket.acknowledged_at < ticket.callback_promised_at

    def test_counts_opening_hours_when_the_sla_does(self):
        sla = SlaSettings.current()
        sla.business_hours = True
        sla.save()
        OpeningHours.objects.bulk_create(
            OpeningHours(sla=sla, weekday=day, opens=time(9), closes=time(17)) for day in range(5)
        )
        # Friday 6 March 2026, 16:00 in Paris: 1 open hour left that day.
        friday = datetime(2026, 3, 6, 16, tzinfo=ZoneInfo("Europe/Paris"))
        ticket = unhappy_ticket(at=friday)
        # Friday 1 h, Monday to Friday 40 h, Monday 7 h: as a complaint filed then.
        assert ticket.callback_due_at == datetime(2026, 3, 16, 16, tzinfo=ZoneInfo("Europe/Paris"))
        assert ticket.callback_due_at == callback_due_at(
            submitted_at=friday, priority=Priority.STANDARD
        )

    def test_the_ticket_page_asks_for_the_call_first(self):
        ticket = unhappy_ticket()
        step = ticket_next_step(ticket)
        assert step["step"] == "acknowledge" and step["due"] == ticket.callback_due_at


class TestReminders:
    def test_the_first_reminder_comes_at_half_the_window_from_the_answer_and_only_once(self):
        ticket = unhappy_ticket()
        first, second = reminder_times(submitted_at=ANSWERED, priority=ticket.priority)
        assert ticket.reminder_due_at == first
        with time_machine.travel(first - timedelta(seconds=1), tick=False):
            assert remind_due() == 0
        with time_machine.travel(first, tick=False):
            assert remind_due() == 1
            assert remind_due() == 0
        with time_machine.travel(first + timedelta(seconds=1), tick=False):
            assert remind_due() == 0
        assert reminded(ticket) == 1
        assert Ticket.objects.get(pk=ticket.pk).reminder_due_at == second

    def test_the_reminder_goes_to_the_assignee(self):
        agent = AgentFactory(email="ana@amends.test")
        ticket = unhappy_ticket(assignee=agent)
        with time_machine.travel(ticket.reminder_due_at, tick=False):
            assert remind_due() == 1
        rows = Notification.objects.filter(ticket=ticket, kind=NotificationKind.CALLBACK_REMINDER)
        assert list(rows.values_list("recipient", flat=True)) == ["ana@amends.test"]


class TestBreach:
    def test_breaches_at_the_new_deadline_not_a_second_before(self):
        ticket = unhappy_ticket()
        ManagerFactory(email="boss@amends.test")
        due = ticket.callback_due_at
        with time_machine.travel(due - timedelta(seconds=1), tick=False):
            assert breach_due() == 0
        with time_machine.travel(due, tick=False):
            assert breach_due() == 1
        with time_machine.travel(due + timedelta(seconds=1), tick=False):
            assert breach_due() == 0
        (event,) = breaches(ticket)
        assert event.payload["second_attempt"] is True
        assert Ticket.objects.get(pk=ticket.pk).breached_at == due
        alerts = Notification.objects.filter(event=event, kind=NotificationKind.BREACH_ALERT)
        assert list(alerts.values_list("recipient", flat=True)) == ["boss@amends.test"]

    def test_breaches_again_when_the_first_promise_was_already_broken(self):
        ticket = unhappy_ticket(breach_first=True)
        first_breach = ticket.breached_at
        assert first_breach is not None and breaches(ticket).count() == 1
        due = ticket.callback_due_at
        with time_machine.travel(due - timedelta(seconds=1), tick=False):
            assert breach_due() == 0
        with time_machine.travel(due, tick=False):
            assert breach_due() == 1
        with time_machine.travel(due + timedelta(minutes=5), tick=False):
            # Once per promise: the sweep running again finds nothing.
            assert breach_due() == 0
        assert breaches(ticket).count() == 2
        row = Ticket.objects.get(pk=ticket.pk)
        assert row.breached_at == due > first_breach

    def test_a_second_attempt_called_back_in_time_is_never_breached(self):
        ticket = unhappy_ticket()
        with time_machine.travel(ticket.callback_due_at - timedelta(hours=1), tick=False):
            callback_attempt_record(
                ticket=ticket,
                actor=AgentFactory(),
                number_called="+33612345678",
                outcome=CallbackOutcome.REACHED,
            )
        ticket.refresh_from_db()
        assert ticket.callback_due_at is None and ticket.reminder_due_at is None
        with time_machine.travel(ANSWERED + timedelta(days=10), tick=False):
            assert breach_due() == 0 and remind_due() == 0
        assert not breaches(ticket).exists()


class TestCallingBack:
    def test_a_reached_call_clears_the_callback_and_keeps_the_first_contact(self):
        ticket = unhappy_ticket()
        first_contact = ticket.acknowledged_at
        with time_machine.travel(ANSWERED + timedelta(hours=2), tick=False):
            attempt = callback_attempt_record(
                ticket=ticket,
                actor=AgentFactory(),
                number_called="06 12 34 56 78",
                outcome=CallbackOutcome.REACHED,
            )
        ticket.refresh_from_db()
        assert attempt.outcome == CallbackOutcome.REACHED
        assert ticket.status == Status.ACKNOWLEDGED
        assert ticket.callback_due_at is None and ticket.due_at is None
        assert ticket.acknowledged_at == first_contact
        event = ticket.events.get(kind=EventKind.CALLBACK_ATTEMPT)
        assert event.payload["second_attempt_callback"] is True
        assert ticket_next_step(ticket)["step"] == "apologize"

    def test_a_voicemail_leaves_the_callback_owed(self):
        ticket = unhappy_ticket()
        callback_attempt_record(
            ticket=ticket,
            actor=AgentFactory(),
            number_called="+33612345678",
            outcome=CallbackOutcome.VOICEMAIL,
        )
        ticket.refresh_from_db()
        assert ticket.callback_due_at is not None

    def test_a_personal_message_clears_it_and_reaches_the_customer(self):
        ticket = unhappy_ticket()
        ticket_acknowledge(
            ticket=ticket,
            actor=AgentFactory(),
            method=AcknowledgeMethod.MESSAGE,
            message="I am sorry the new vase broke too; a third is on its way.",
        )
        ticket.refresh_from_db()
        assert ticket.callback_due_at is None and ticket.status == Status.ACKNOWLEDGED
        event = ticket.events.get(kind=EventKind.AGENT_MESSAGE)
        assert event.customer_visible
        assert Notification.objects.filter(event=event, kind=NotificationKind.AGENT_MESSAGE)


class TestTheQueue:
    def test_shows_the_second_attempt_due_coloured_and_in_due_order(self):
        agent = AgentFactory()
        second = unhappy_ticket(breach_first=True)
        with time_machine.travel(ANSWERED + timedelta(hours=1), tick=False):
            later = ticketed_complaint().ticket  # due 48 hours after it was filed
        page = ticket_queue(filters=QueueFilters(), user=agent, now=ANSWERED + timedelta(hours=2))
        ids = [t.pk for t in page.tickets]
        assert ids.index(second.pk) < ids.index(later.pk)
        row = next(t for t in page.tickets if t.pk == second.pk)
        assert row.due_at == second.callback_due_at
        # Its own promise decides, not the first one's breach.
        assert row.due_state == ""
        due = second.callback_due_at
        assert due_state(row, due - timedelta(hours=1)) == "soon"
        assert due_state(row, due) == "breached"


class TestTheEmail:
    def test_goes_to_the_assignee(self):
        agent = AgentFactory(email="ana@amends.test")
        AgentFactory(email="other@amends.test")
        ticket = unhappy_ticket(assignee=agent)
        rows = Notification.objects.filter(ticket=ticket, kind=NotificationKind.SECOND_ATTEMPT)
        assert list(rows.values_list("recipient", flat=True)) == ["ana@amends.test"]

    def test_goes_to_every_agent_while_nobody_has_the_ticket(self):
        AgentFactory(email="one@amends.test")
        AgentFactory(email="two@amends.test")
        ticket = unhappy_ticket()
        assert ticket.assignee is None
        rows = Notification.objects.filter(ticket=ticket, kind=NotificationKind.SECOND_ATTEMPT)
        recipients = set(rows.values_list("recipient", flat=True))
        assert {"one@amends.test", "two@amends.test"} <= recipients


class TestThePage:
    def test_a_message_on_a_second_attempt_says_the_second_callback_is_met(self, client):
        agent = AgentFactory()
        ticket = unhappy_ticket(assignee=agent)
        client.force_login(agent)
        response = client.post(
            reverse("agent:ticket_acknowledge", args=[ticket.complaint.reference]),
            {"ack-message": "I am calling about the second vase.", "ack-version": ticket.version},
            follow=True,
        )
        assert "the callback is met" in response.text
        assert "Ticket acknowledged by your message." not in response.text
        assert Ticket.objects.get(pk=ticket.pk).callback_due_at is None

    def test_a_reminded_second_attempt_after_a_broken_first_promise_shows_its_badges(self, client):
        agent = AgentFactory()
        ticket = unhappy_ticket(assignee=agent, breach_first=True)
        client.force_login(agent)
        with time_machine.travel(ticket.reminder_due_at, tick=False):
            assert remind_due() == 1
            page = client.get("/agent/?scope=mine").content.decode()
        assert "badge--reminder" in page
        assert "tabs__count--alert" in page
