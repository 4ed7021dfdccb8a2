"""The 24/48-hour callback promise, and who gets the faster one."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from recovery.choices import EventKind, Priority, Status
from recovery.models import SlaSettings
from recovery.sla import callback_due_at
from recovery.workflow import ticket_open
from tests.factories import CategoryFactory, ComplaintFactory, CustomerFactory

pytestmark = pytest.mark.django_db
# Two days before Paris moves its clocks forward (29 March 2026).
SUBMITTED = datetime(2026, 3, 27, 14, 30, 15, tzinfo=ZoneInfo("Europe/Paris"))
# Expected deadlines are counted in real hours, i.e. in UTC.
UTC_SUBMITTED = SUBMITTED.astimezone(UTC)


def test_standard_complaint_is_due_48_hours_after_submission_to_the_second():
    complaint = ComplaintFactory(submitted_at=SUBMITTED)
    ticket = ticket_open(complaint=complaint)
    assert ticket.priority == Priority.STANDARD
    assert ticket.callback_due_at == UTC_SUBMITTED + timedelta(hours=48)
    assert ticket.status == Status.NEW


def test_high_priority_category_is_due_24_hours_after_submission():
    complaint = ComplaintFactory(
        submitted_at=SUBMITTED, category=CategoryFactory(default_priority=Priority.HIGH)
    )
    ticket = ticket_open(complaint=complaint)
    assert ticket.priority == Priority.HIGH
    assert ticket.callback_due_at == UTC_SUBMITTED + timedelta(hours=24)


def test_deadline_counts_elapsed_hours_across_a_daylight_saving_change():
    # 28-29 March 2026: Paris moves its clocks forward; 48 real hours still pass.
    due = callback_due_at(submitted_at=SUBMITTED, priority=Priority.STANDARD)
    assert due.timestamp() - SUBMITTED.timestamp() == 48 * 3600
    assert due.astimezone(ZoneInfo("Europe/Paris")).hour == 15


def test_deadline_follows_the_sla_settings_managers_edit():
    SlaSettings.objects.filter(pk=1).update(high_hours=8, standard_hours=72)
    high = callback_due_at(submitted_at=SUBMITTED, priority=Priority.HIGH)
    standard = callback_due_at(submitted_at=SUBMITTED, priority=Priority.STANDARD)
    assert high == UTC_SUBMITTED + timedelta(hours=8)
    assert standard == UTC_SUBMITTED + timedelta(hours=72)


@pytest.mark.parametrize(
    ("days_between", "expected"),
    [(1, Priority.HIGH), (89, Priority.HIGH), (90, Priority.HIGH), (91, Priority.STANDARD)],
)
def test_repeat_complainant_within_90_days_is_raised_to_high(days_between, expected):
    customer = CustomerFactory()
    earlier = SUBMITTED - timedelta(days=days_between)
    first = ComplaintFactory(customer=customer, submitted_at=earlier)
    ticket_open(complaint=first)
    second = ComplaintFactory(customer=customer, submitted_at=SUBMITTED)
    ticket = ticket_open(complaint=second)
    assert ticket.priority == expected
    hours = 24 if expected == Priority.HIGH else 48
    assert ticket.callback_due_at == UTC_SUBMITTED + timedelta(hours=hours)


def test_another_customers_complaint_does_not_raise_priority():
    ComplaintFactory(submitted_at=SUBMITTED - timedelta(days=2))
    ticket = ticket_open(complaint=ComplaintFactory(submitted_at=SUBMITTED))
    assert ticket.priority == Priority.STANDARD


def test_opening_a_ticket_writes_a_customer_visible_opened_event():
    with time_machine.travel(SUBMITTED + timedelta(minutes=1), tick=False):
        ticket = ticket_open(complaint=ComplaintFactory(submitted_at=SUBMITTED))
    (event,) = ticket.events.all()
    assert event.kind == EventKind.OPENED
    assert event.to_status == Status.NEW
    assert event.customer_visible
    assert event.created_at == SUBMITTED


def test_opening_a_ticket_keeps_the_promised_deadline_beside_the_live_one():
    ticket = ticket_open(complaint=ComplaintFactory(submitted_at=SUBMITTED))
    assert (
        ticket.callback_promised_at == ticket.callback_due_at == UTC_SUBMITTED + timedelta(hours=48)
    )
