"""GET /api/v1/tickets/ (the queue, its filters and cursor pages) and GET /api/v1/tickets/{ref}/."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from complaints.models import Channel
from recovery import services
from recovery.choices import CallbackOutcome, CompensationKind, Priority, Status
from recovery.compensation import compensation_propose
from tests.api.conftest import error_of, ticket_url
from tests.factories import (
    AgentFactory,
    CategoryFactory,
    ticket_in_status,
    ticketed_complaint,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/tickets/"


def references(response):
    return [row["reference"] for row in response.json()["results"]]


def walk(client, url, direction="next"):
    """Every page from ``url`` on, following ``direction`` links."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        pages.append(references(response))
        url = response.json()[direction]
    return pages


# --- Who may read ---------------------------------------------------------------


@pytest.mark.parametrize("path", [URL, "/api/v1/tickets/AM-2345-6789/"])
def test_anonymous_caller_gets_401_with_the_token_scheme(anonymous, path):
    response = anonymous.get(path)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert error_of(response)["code"] == "not_authenticated"


def test_user_without_a_role_gets_403_on_the_queue_and_on_a_ticket(outsider_api):
    ticket = ticketed_complaint().ticket

    for path in (URL, ticket_url(ticket)):
        response = outsider_api.get(path)
        assert response.status_code == 403
        assert error_of(response)["code"] == "permission_denied"


def test_wrong_token_gets_401(anonymous):
    anonymous.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = anonymous.get(URL)

    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"


def test_agent_reads_a_ticket_assigned_to_another_agent(agent_api):
    colleague = AgentFactory()
    ticket = ticketed_complaint().ticket
    services.ticket_assign(ticket=ticket, assignee=colleague, actor=colleague)

    response = agent_api.get(ticket_url(ticket))

    assert response.status_code == 200
    assert response.json()["assignee"]["id"] == colleague.pk


def test_manager_reads_the_queue(manager_api):
    ticketed_complaint()

    assert len(manager_api.get(URL).json()["results"]) == 1


def test_browser_session_works_and_writes_need_the_csrf_token(agent):
    from rest_framework.test import APIClient

    ticket = ticketed_complaint().ticket
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(agent)
    assert browser.get(ticket_url(ticket)).status_code == 200

    refused = browser.post(ticket_url(ticket, "notes/"), {"text": "Hi"}, format="json")
    assert refused.status_code == 403
    assert "CSRF" in error_of(refused)["message"]

    browser.get("/accounts/login/")  # sets the CSRF cookie, as any page does
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(
        ticket_url(ticket, "notes/"), {"text": "Hi"}, format="json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 201


# --- The queue ------------------------------------------------------------------


def test_queue_lists_open_tickets_by_deadline_then_those_without_one(agent_api):
    now = timezone.now()
    later = ticketed_complaint(submitted_at=now - timedelta(hours=1)).ticket
    sooner = ticketed_complaint(submitted_at=now - timedelta(hours=30)).ticket
    no_deadline = ticket_in_status(Status.ACKNOWLEDGED)
    ticket_in_status(Status.RESOLVED)

    response = agent_api.get(URL)

    assert references(response) == [t.complaint.reference for t in (sooner, later, no_deadline)]
    row = response.json()["results"][0]
    assert row["status"] == Status.NEW
    assert row["due_at"] and row["callback_due_at"]
    assert row["customer_name"] == sooner.complaint.customer.name


def test_cursor_pages_cover_every_ticket_once_across_ties_and_missing_deadlines(agent_api):
    at = timezone.now() - timedelta(hours=2)
    tied = [ticketed_complaint(submitted_at=at).ticket for _ in range(3)]
    earlier = ticketed_complaint(submitted_at=at - timedelta(hours=1)).ticket
    undated = [ticket_in_status(Status.APOLOGIZED) for _ in range(3)]
    expected = [t.complaint.reference for t in [earlier, *tied, *undated]]

    forward = walk(agent_api, f"{URL}?page_size=2")

    assert [len(page) for page in forward] == [2, 2, 2, 1]
    assert sum(forward, []) == expected
    last = agent_api.get(f"{URL}?page_size=2")
    for _ in range(3):
        last = agent_api.get(last.json()["next"])
    backward = walk(agent_api, last.json()["previous"], direction="previous")
    assert list(reversed(backward)) == forward[:-1]


def test_first_page_has_no_previous_link_and_last_page_no_next(agent_api):
    ticketed_complaint()

    body = agent_api.get(URL).json()

    assert body["next"] is None
    assert body["previous"] is None


def test_queue_costs_at_most_four_queries_whatever_the_number_of_tickets(
    agent_api, django_assert_max_num_queries
):
    for _ in range(6):
        ticketed_complaint()
        ticket_in_status(Status.ACKNOWLEDGED)
    agent_api.get(URL)  # the token's first use this minute is noted (one write)
    # The token, the caller's groups, the rows with a deadline, those without.
    with django_assert_max_num_queries(4):
        agent_api.get(f"{URL}?page_size=100")
    with django_assert_max_num_queries(4):
        agent_api.get(f"{URL}?page_size=3")


@pytest.mark.parametrize("cursor", ["YQ", "cD1nYXJiYWdl"])  # bad padding; "p=garbage"
def test_garbled_cursor_gets_400(agent_api, cursor):
    response = agent_api.get(URL, {"cursor": cursor})

    assert response.status_code == 400
    assert "cursor" in error_of(response)["fields"]


def test_queue_filters_by_status_priority_category_and_channel(agent_api):
    category = CategoryFactory()
    match = ticketed_complaint(category=category, channel=Channel.PHONE).ticket
    services.ticket_priority_change(ticket=match, actor=None, priority=Priority.HIGH)
    ticketed_complaint(category=category)
    ticketed_complaint(channel=Channel.PHONE)
    ticket_in_status(Status.ACKNOWLEDGED, category=category, channel=Channel.PHONE)

    response = agent_api.get(
        URL, {"status": "new", "priority": "high", "category": category.pk, "channel": "phone"}
    )

    assert references(response) == [match.complaint.reference]


def test_queue_filters_by_assignee_id_me_and_none(agent_api, agent):
    colleague = AgentFactory()
    mine, theirs, nobodys = (ticketed_complaint().ticket for _ in range(3))
    services.ticket_assign(ticket=mine, assignee=agent, actor=agent)
    services.ticket_assign(ticket=theirs, assignee=colleague, actor=colleague)

    assert references(agent_api.get(URL, {"assignee": "me"})) == [mine.complaint.reference]
    assert references(agent_api.get(URL, {"assignee": colleague.pk})) == [
        theirs.complaint.reference
    ]
    assert references(agent_api.get(URL, {"assignee": "none"})) == [nobodys.complaint.reference]


def test_breached_filter_finds_overdue_and_marked_tickets(agent_api):
    overdue = ticketed_complaint(submitted_at=timezone.now() - timedelta(days=3)).ticket
    ticketed_complaint()

    response = agent_api.get(URL, {"breached": "true"})

    assert references(response) == [overdue.complaint.reference]
    assert response.json()["results"][0]["due_state"] == "breached"


def test_closed_status_lists_closed_tickets(agent_api):
    resolved = ticket_in_status(Status.RESOLVED)
    ticketed_complaint()

    assert references(agent_api.get(URL, {"status": "resolved"})) == [resolved.complaint.reference]


@pytest.mark.parametrize(
    "params",
    [{"status": "lost"}, {"assignee": "someone"}, {"category": "x"}, {"breached": "maybe"}],
)
def test_unknown_filter_value_gets_400(agent_api, params):
    response = agent_api.get(URL, params)

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == list(params)


# --- One ticket -----------------------------------------------------------------


def _busy_ticket(agent):
    """A ticket with something on every list the API shows."""
    ticket = ticketed_complaint().ticket
    services.callback_attempt_record(
        ticket=ticket, actor=agent, number_called="+33612345678", outcome=CallbackOutcome.VOICEMAIL
    )
    services.ticket_acknowledge(ticket=ticket, actor=agent, method="message", message="Hello")
    services.ticket_apologize(ticket=ticket, actor=agent, text="We are sorry.")
    compensation_propose(
        ticket=ticket,
        actor=agent,
        kind=CompensationKind.REFUND,
        amount=Decimal("12.50"),
        currency="EUR",
    )
    services.ticket_add_note(ticket=ticket, actor=agent, text="Called the depot.")
    return ticket


def test_ticket_shows_complaint_customer_ledger_calls_events_and_emails(agent_api, agent):
    ticket = _busy_ticket(agent)

    response = agent_api.get(ticket_url(ticket))

    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == ticket.complaint.reference
    assert body["status"] == Status.COMPENSATED
    assert body["version"] == ticket.version
    assert body["complaint"]["description"] == ticket.complaint.description
    assert body["customer"]["email"] == ticket.complaint.customer.email
    assert body["compensations"][0]["amount"] == "12.50"
    assert body["compensations"][0]["status"] == "proposed"
    assert body["callback_attempts"][0]["outcome"] == "voicemail"
    assert [e["kind"] for e in body["events"]][:2] == ["opened", "callback_attempt"]
    assert body["notifications"]
    assert {"status", "delivered_at", "event", "kind"} <= set(body["notifications"][0])
    assert body["next_step"]["step"] == "approve_compensation"


def test_ticket_costs_the_same_queries_however_long_its_history(
    agent_api, agent, django_assert_num_queries
):
    small = ticketed_complaint().ticket
    big = _busy_ticket(agent)
    for _ in range(5):
        services.ticket_add_note(ticket=big, actor=agent, text="More.")

    agent_api.get(ticket_url(small))  # the token's first use this minute is noted (one write)
    # The approval limits are read inside the ledger's own query (its lines
    # come annotated with what an agent may approve), not in one of their own.
    with django_assert_num_queries(8) as small_queries:
        agent_api.get(ticket_url(small))
    with django_assert_num_queries(8):
        agent_api.get(ticket_url(big))
    assert len(small_queries.captured_queries) == 8


def test_reference_is_found_in_any_case_and_without_dashes(agent_api):
    ticket = ticketed_complaint().ticket
    loose = ticket.complaint.reference.lower().replace("-", "")

    assert agent_api.get(f"{URL}{loose}/").json()["reference"] == ticket.complaint.reference


@pytest.mark.parametrize("reference", ["AM-2345-6789", "nonsense", "AM-2345-678%00"])
def test_unknown_reference_gets_404(agent_api, reference):
    response = agent_api.get(f"{URL}{reference}/")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
