"""When the deadline clock stops, the managers are told by email, once per outage."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.models import SweepBeat
from config.watchdog import DEADLINES, clock_alert
from recovery.deadlines import deadlines_sweep
from tests.factories import AgentFactory, ManagerFactory

pytestmark = pytest.mark.django_db
STOPPED = timedelta(minutes=3, seconds=1)


@pytest.fixture
def managers():
    AgentFactory(email="agent@amends.test")  # agents are not told
    return [ManagerFactory(email="morgan@amends.test"), ManagerFactory(email="robin@amends.test")]


def test_a_stopped_clock_emails_each_manager_once_for_the_outage(managers):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        deadlines_sweep()
    with time_machine.travel(start + STOPPED, tick=False):
        assert clock_alert() == 2
        assert clock_alert() == 0  # the same outage, checked again by this or another worker
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        assert clock_alert() == 0
    assert sorted(message.to[0] for message in mail.outbox) == [
        "morgan@amends.test",
        "robin@amends.test",
    ]
    assert "deadline clock has stopped" in mail.outbox[0].subject
    assert "/readyz" in mail.outbox[0].body


def test_a_clock_on_time_tells_nobody(managers):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        deadlines_sweep()
    with time_machine.travel(start + timedelta(minutes=3), tick=False):
        assert clock_alert() == 0
    assert mail.outbox == []


def test_the_next_sweep_ends_the_outage_and_the_next_outage_is_told_again(managers):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        deadlines_sweep()
    with time_machine.travel(start + STOPPED, tick=False):
        assert clock_alert() == 2
        deadlines_sweep()  # beat is back
        assert SweepBeat.objects.get(name=DEADLINES).alerted_at is None
    with time_machine.travel(start + STOPPED * 2, tick=False):
        assert clock_alert() == 2
    assert len(mail.outbox) == 4


def test_a_clock_that_never_ran_is_counted_from_the_first_check(managers):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert clock_alert() == 0
    with time_machine.travel(start + STOPPED, tick=False):
        assert clock_alert() == 2
    assert "last ran at" in mail.outbox[0].body  # the moment it was first checked


def test_managers_see_a_red_banner_while_the_clock_is_stopped_and_agents_do_not(
    client, managers, agent
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        deadlines_sweep()
    with time_machine.travel(start + STOPPED, tick=False):
        clock_alert()
        client.force_login(managers[0])
        page = client.get("/agent/").content.decode()
        assert "The deadline clock has stopped." in page
        assert 'role="alert"' in page
        client.force_login(agent)
        assert "The deadline clock has stopped." not in client.get("/agent/").content.decode()
        deadlines_sweep()  # beat is back: the banner goes with the next page
        client.force_login(managers[0])
        assert "The deadline clock has stopped." not in client.get("/agent/").content.decode()


def test_the_banner_costs_no_query(client, managers, django_assert_num_queries):
    deadlines_sweep()
    client.force_login(managers[0])
    client.get("/agent/")
    with CaptureQueriesContext(connection) as running:
        client.get("/agent/")
    start = timezone.now()
    with time_machine.travel(start + STOPPED * 10, tick=False):
        clock_alert()
        with django_assert_num_queries(len(running.captured_queries)):
            page = client.get("/agent/").content.decode()
    assert "The deadline clock has stopped." in page
