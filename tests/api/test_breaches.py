"""GET /api/v1/sla/breaches/: the managers' list of broken callback promises."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from recovery import services
from recovery.workflow import tickets_breach
from tests.api.conftest import error_of
from tests.factories import AgentFactory, CategoryFactory, ticketed_complaint

pytestmark = pytest.mark.django_db
URL = "/api/v1/sla/breaches/"


def breached(*, days_ago=3, at=None, **complaint_kwargs):
    """A ticket whose 48-hour promise the sweep marked as broken ``at``."""
    ticket = ticketed_complaint(
        submitted_at=timezone.now() - timedelta(days=days_ago), **complaint_kwargs
    ).ticket
    tickets_breach(now=at or timezone.now(), ids=[ticket.pk])
    ticket.refresh_from_db()
    return ticket


def references(response):
    return [row["reference"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("client_name", "status"),
    [("anonymous", 401), ("outsider_api", 403), ("agent_api", 403), ("manager_api", 200)],
)
def test_only_managers_read_the_breaches(request, client_name, status):
    response = request.getfixturevalue(client_name).get(URL)

    assert response.status_code == status
    if status != 200:
        error_of(response)


def test_breaches_say_how_late_the_callback_came_or_still_is(manager_api, agent):
    still_owed = breached()
    called_late = breached()
    with time_machine.travel(called_late.callback_promised_at + timedelta(hours=30)):
        services.ticket_acknowledge(
            ticket=called_late, actor=agent, method="message", message="Sorry for the wait"
        )

    rows = {row["reference"]: row for row in manager_api.get(URL).json()["results"]}

    late = rows[called_late.complaint.reference]
    assert late["late_seconds"] == 30 * 3600
    assert late["still_owed"] is False
    owed = rows[still_owed.complaint.reference]
    assert owed["still_owed"] is True
    assert owed["late_seconds"] >= 24 * 3600 - 5


def test_breaches_are_latest_first_and_filtered_by_period(manager_api):
    now = timezone.now()
    old = breached(days_ago=10, at=now - timedelta(days=7))
    recent = breached(at=now - timedelta(hours=1))

    assert references(manager_api.get(URL)) == [
        recent.complaint.reference,
        old.complaint.reference,
    ]
    since = (now - timedelta(days=1)).isoformat()
    assert references(manager_api.get(URL, {"from": since})) == [recent.complaint.reference]
    assert references(manager_api.get(URL, {"to": since})) == [old.complaint.reference]


def test_breaches_filtered_by_agent_and_category(manager_api):
    agent = AgentFactory()
    category = CategoryFactory()
    theirs = breached()
    services.ticket_assign(ticket=theirs, assignee=agent, actor=agent)
    in_category = breached(category=category)
    breached()

    assert references(manager_api.get(URL, {"assignee": agent.pk})) == [theirs.complaint.reference]
    assert references(manager_api.get(URL, {"category": category.pk})) == [
        in_category.complaint.reference
    ]


def test_promise_kept_is_not_a_breach(manager_api):
    ticketed_complaint()

    assert manager_api.get(URL).json()["results"] == []


def test_breaches_page_with_cursors(manager_api):
    at = timezone.now()
    tickets = [breached(at=at) for _ in range(3)]  # one sweep: the same breached_at

    first = manager_api.get(URL, {"page_size": 2}).json()
    second = manager_api.get(first["next"]).json()

    seen = [row["reference"] for row in first["results"] + second["results"]]
    assert sorted(seen) == sorted(t.complaint.reference for t in tickets)
    assert second["next"] is None


def test_a_bad_date_gets_400(manager_api):
    response = manager_api.get(URL, {"from": "last tuesday"})

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["from"]
