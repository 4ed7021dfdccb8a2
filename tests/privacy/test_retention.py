"""Past the retention periods the daily sweep anonymises closed complaints and old IP addresses, once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from complaints.models import Complaint, Customer
from privacy.models import PrivacyAction, PrivacyKind
from privacy.services import RetentionResult, retention_sweep
from privacy.tasks import retention_sweep as retention_task
from recovery.choices import Status
from tests.factories import CustomerFactory, ticket_in_status, ticketed_complaint

pytestmark = pytest.mark.django_db

T = datetime(2023, 5, 2, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
SECOND = timedelta(seconds=1)


@pytest.fixture(autouse=True)
def _periods(settings):
    settings.AMENDS = {**settings.AMENDS, "RETENTION_CLOSED_DAYS": 1095, "RETENTION_IP_DAYS": 30}


def closed_at(moment, status=Status.RESOLVED, **kwargs):
    with time_machine.travel(moment, tick=False):
        return ticket_in_status(status, description="My private story", **kwargs).complaint


def sweep_at(moment, **kwargs):
    with time_machine.travel(moment, tick=False):
        return retention_sweep(**kwargs)


def test_a_closed_complaint_is_anonymised_only_once_strictly_past_the_period(
    django_capture_on_commit_callbacks,
):
    complaint = closed_at(T)
    limit = T + timedelta(days=1095)
    assert sweep_at(limit - SECOND).complaints == 0
    assert sweep_at(limit).complaints == 0
    with django_capture_on_commit_callbacks(execute=True):
        result = sweep_at(limit + SECOND)
    assert (result.complaints, result.customers) == (1, 1)
    complaint.refresh_from_db()
    assert complaint.description == "[erased]"
    customer = Customer.objects.get(pk=complaint.customer_id)
    assert customer.name == f"Erased customer #{customer.pk}" and customer.email == ""
    action = PrivacyAction.objects.get()
    assert (action.kind, action.customer_id, action.actor) == (
        PrivacyKind.RETENTION,
        customer.pk,
        None,
    )


def test_a_second_sweep_changes_nothing():
    closed_at(T)
    later = T + timedelta(days=1096)
    sweep_at(later)
    complaints = list(Complaint.objects.values())
    customers = list(Customer.objects.values())
    assert sweep_at(later + timedelta(days=1)) == RetentionResult()
    assert list(Complaint.objects.values()) == complaints
    assert list(Customer.objects.values()) == customers
    assert PrivacyAction.objects.count() == 1


def test_invalid_complaints_count_as_closed():
    complaint = closed_at(T, status=Status.CLOSED_INVALID)
    assert sweep_at(T + timedelta(days=1096)).complaints == 1
    complaint.refresh_from_db()
    assert complaint.anonymised_at is not None


def test_open_complaints_are_kept_however_old():
    complaint = closed_at(T, status=Status.ACKNOWLEDGED)
    assert sweep_at(T + timedelta(days=4000)).complaints == 0
    complaint.refresh_from_db()
    assert complaint.description == "My private story"


def test_a_customer_with_a_newer_open_complaint_keeps_their_contact_data():
    customer = CustomerFactory(name="Bea Keeps", email="bea@example.com")
    old = closed_at(T, customer=customer)
    with time_machine.travel(T + timedelta(days=1000), tick=False):
        newer = ticketed_complaint(customer=customer, description="Still going")
    result = sweep_at(T + timedelta(days=1096))
    assert (result.complaints, result.customers) == (1, 0)
    old.refresh_from_db()
    newer.refresh_from_db()
    customer.refresh_from_db()
    assert old.description == "[erased]"
    assert newer.description == "Still going"
    assert (customer.name, customer.email, customer.erased_at) == (
        "Bea Keeps",
        "bea@example.com",
        None,
    )


def test_ip_addresses_go_strictly_after_their_period():
    with time_machine.travel(T, tick=False):
        complaint = ticketed_complaint(ip_address="198.51.100.4")
    limit = T + timedelta(days=30)
    assert sweep_at(limit - SECOND).ip_addresses == 0
    assert sweep_at(limit).ip_addresses == 0
    assert sweep_at(limit + SECOND).ip_addresses == 1
    complaint.refresh_from_db()
    assert complaint.ip_address is None
    assert complaint.description != "[erased]"
    assert sweep_at(limit + 2 * SECOND).ip_addresses == 0


def test_the_sweep_works_through_more_than_one_batch():
    for _ in range(5):
        closed_at(T)
    result = sweep_at(T + timedelta(days=1096), batch_size=2)
    assert (result.complaints, result.customers) == (5, 5)
    assert not Complaint.objects.filter(anonymised_at__isnull=True).exists()


def test_the_beat_task_runs_the_sweep():
    closed_at(T)
    with time_machine.travel(T + timedelta(days=1096), tick=False):
        assert retention_task() == {"complaints": 1, "customers": 1, "ip_addresses": 0}
