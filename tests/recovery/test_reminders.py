"""Reminders before the callback deadline: at 50 % and 75 % of the window, once each."""

from datetime import timedelta

import pytest
import time_machine

from notifications.models import Notification
from recovery.choices import EventKind
from recovery.deadlines import deadlines_sweep, remind_due
from recovery.models import SlaSettings, Ticket
from recovery.services import ticket_acknowledge, ticket_assign
from tests.factories import AgentFactory, ManagerFactory, ticketed_complaint

pytestmark = pytest.mark.django_db


def reminders(ticket):
    return ticket.events.filter(kind=EventKind.REMINDED).count()


def reminder_rows(ticket):
    return sorted(
        Notification.objects.filter(ticket=ticket, kind="callback_reminder").values_list(
            "recipient", flat=True
        )
    )


@pytest.fixture
def ticket():
    return ticketed_complaint().ticket  # standard: 48 hours


def at_hours(ticket, hours, seconds=0):
    return time_machine.travel(
        ticket.opened_at + timedelta(hours=hours, seconds=seconds), tick=False
    )


def test_a_new_ticket_knows_its_first_reminder_time(ticket):
    assert ticket.reminder_due_at == ticket.opened_at + timedelta(hours=24)
    assert ticket.reminders_sent == 0


def test_reminders_fire_at_half_and_three_quarters_of_the_window_once_each(ticket):
    with at_hours(ticket, 24, seconds=-1):
        assert remind_due() == 0
    with at_hours(ticket, 24):
        assert remind_due() == 1
        assert remind_due() == 0
    ticket.refresh_from_db()
    assert ticket.reminders_sent == 1
    assert ticket.reminder_due_at == ticket.opened_at + timedelta(hours=36)
    with at_hours(ticket, 36):
        assert deadlines_sweep()["reminded"] == 1
        assert deadlines_sweep()["reminded"] == 0
    ticket.refresh_from_db()
    assert (ticket.reminders_sent, ticket.reminder_due_at) == (2, None)
    assert reminders(ticket) == 2


def test_an_unassigned_ticket_reminds_every_agent_and_an_assigned_one_its_agent(ticket):
    AgentFactory(email="ann@amends.test")
    AgentFactory(email="bob@amends.test")
    AgentFactory(email="", username="no-address")
    ManagerFactory(email="boss@amends.test")
    with at_hours(ticket, 24):
        remind_due()
    assert reminder_rows(ticket) == ["ann@amends.test", "bob@amends.test"]

    other = ticketed_complaint().ticket
    carol = AgentFactory(email="carol@amends.test")
    ticket_assign(ticket=other, assignee=carol, actor=carol)
    with at_hours(other, 24):
        remind_due()
    assert reminder_rows(other) == ["carol@amends.test"]


def test_a_late_sweep_sends_only_the_latest_reminder_due(ticket):
    with at_hours(ticket, 40):
        assert remind_due() == 1
    ticket.refresh_from_db()
    assert (ticket.reminders_sent, ticket.reminder_due_at) == (2, None)
    assert reminders(ticket) == 1


def test_a_ticket_called_back_is_not_reminded(ticket):
    ticket_acknowledge(ticket=ticket, actor=AgentFactory(), method="message", message="Hello.")
    ticket.refresh_from_db()
    assert ticket.reminder_due_at is None
    with at_hours(ticket, 47):
        assert remind_due() == 0
    assert reminders(ticket) == 0


def test_a_breached_ticket_gets_no_more_reminders(ticket):
    with at_hours(ticket, 48, seconds=1):
        counts = deadlines_sweep()
    assert (counts["breached"], counts["reminded"]) == (1, 0)
    ticket.refresh_from_db()
    assert ticket.reminder_due_at is None


def test_reminder_shares_are_configurable_and_can_be_switched_off():
    SlaSettings.objects.filter(pk=1).update(first_reminder_percent=25, second_reminder_percent=None)
    ticket = ticketed_complaint().ticket
    assert ticket.reminder_due_at == ticket.opened_at + timedelta(hours=12)
    with at_hours(ticket, 12):
        remind_due()
    ticket.refresh_from_db()
    assert ticket.reminder_due_at is None

    SlaSettings.objects.filter(pk=1).update(first_reminder_percent=None)
    assert ticketed_complaint().ticket.reminder_due_at is None


def test_reminders_do_not_make_an_open_ticket_page_stale(ticket):
    with at_hours(ticket, 24):
        remind_due()
    assert Ticket.objects.get(pk=ticket.pk).version == ticket.version


def test_queue_shows_a_reminder_badge_on_the_row_and_on_mine(client, ticket):
    agent = AgentFactory()
    ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    client.force_login(agent)
    with at_hours(ticket, 24):
        remind_due()
        page = client.get("/agent/?scope=mine").content.decode()
    assert "badge--reminder" in page
    assert "tabs__count--alert" in page
