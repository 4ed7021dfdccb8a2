"""``/metrics``: Prometheus's scrape, for the token's holder or internal addresses only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from recovery.deadlines import deadlines_sweep
from recovery.tasks import enforce_deadlines
from shared.choices import NotificationStatus
from tests.factories import ticketed_complaint

pytestmark = pytest.mark.django_db
TOKEN = "scrape-token-for-tests"
PROBE_HOST = "10.0.0.7:8000"  # a scraper reaching the container by its address


@pytest.fixture(autouse=True)
def _production(settings):
    settings.ALLOWED_HOSTS = ["amends.example.com"]
    settings.AMENDS = {**settings.AMENDS, "METRICS_TOKEN": TOKEN, "METRICS_INTERNAL": False}


def scrape(client, token=TOKEN, **extra):
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return client.get("/metrics", HTTP_HOST=PROBE_HOST, headers=headers, **extra)


def value(body, sample):
    """The value of one sample line (``name{labels}``) in the exposition text."""
    for line in body.splitlines():
        if line.startswith(sample + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{sample} not in the metrics")


def test_without_the_token_there_is_nothing_here(client):
    assert scrape(client, token=None).status_code == 404
    assert scrape(client, token="a-guess").status_code == 404


def test_internal_addresses_may_scrape_without_a_token_when_the_setting_says_so(client, settings):
    settings.AMENDS = {**settings.AMENDS, "METRICS_TOKEN": "", "METRICS_INTERNAL": True}
    assert scrape(client, token=None, REMOTE_ADDR="10.1.2.3").status_code == 200
    assert scrape(client, token=None, REMOTE_ADDR="93.184.216.34").status_code == 404


def test_the_work_in_hand_is_counted(client):
    soon = ticketed_complaint(ticket={"callback_due_at": timezone.now() + timedelta(minutes=20)})
    ticketed_complaint(ticket={"callback_due_at": timezone.now() + timedelta(hours=5)})
    ticketed_complaint(
        ticket={
            "callback_due_at": timezone.now() - timedelta(hours=1),
            "breached_at": timezone.now(),
        }
    )
    soon.ticket.notifications.update(status=NotificationStatus.FAILED)
    deadlines_sweep()
    response = scrape(client)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert value(body, "amends_tickets_due_next_hour") == 1
    assert value(body, "amends_tickets_breached_open") == 1
    assert value(body, "amends_breaches_last_day") == 1
    assert value(body, 'amends_outbox_rows{status="failed"}') == soon.ticket.notifications.count()
    assert value(body, "amends_sweep_age_seconds") < 60
    assert value(body, "amends_sweep_duration_seconds") >= 0


def test_requests_and_tasks_are_counted_by_view_status_name_and_outcome(agent_client):
    assert agent_client.get("/agent/", HTTP_HOST="amends.example.com").status_code == 200
    enforce_deadlines.apply()
    body = scrape(agent_client).content.decode()
    assert (
        value(
            body,
            'amends_http_request_duration_seconds_count{method="GET",status="200",view="agent:queue"}',
        )
        >= 1
    )
    assert (
        value(
            body, 'amends_celery_tasks_total{outcome="SUCCESS",task="recovery.enforce_deadlines"}'
        )
        >= 1
    )


def test_the_state_costs_a_fixed_number_of_queries(client, django_assert_num_queries):
    for _ in range(3):
        ticketed_complaint()
    with django_assert_num_queries(9):
        scrape(client)
