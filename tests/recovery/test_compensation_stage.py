"""What a compensated ticket is called while its remedy waits for approval, on every agent page."""

import re

import pytest
from django.urls import reverse

from config.tokens import api_token_create
from recovery.choices import CompensationKind, Status
from recovery.compensation import compensation_approve, compensation_propose
from recovery.workflow.moves import AWAITING_APPROVAL, ticket_stage
from tests.factories import ticket_in_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(agent):
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent)
    compensation = compensation_propose(
        ticket=ticket, actor=agent, kind=CompensationKind.REFUND, amount="20.00", currency="EUR"
    )
    return ticket, compensation


def header_badge(html):
    match = re.search(r'<div class="cluster">\s*<span class="badge[^"]*">([^<]*)</span>', html)
    assert match, "the ticket page has no status badge"
    return match.group(1).strip()


def queue_status(html, ticket):
    row = re.search(rf'<tr[^>]*data-ticket="{ticket.reference}".*?</tr>', html, re.S)
    assert row, "the ticket is not in the queue"
    return re.search(r'<td class="q-status"><span class="badge[^"]*">([^<]*)<', row.group(0)).group(
        1
    )


def test_a_proposed_line_is_awaiting_approval_on_the_ticket_page_and_in_the_queue(
    agent_client, proposed
):
    ticket, _compensation = proposed
    page = agent_client.get(reverse("agent:ticket", args=[ticket.reference])).text
    assert header_badge(page) == "Awaiting approval"
    queue = agent_client.get(reverse("agent:queue")).text
    assert queue_status(queue, ticket) == "Awaiting approval"


def test_once_approved_the_ticket_reads_compensated_everywhere(agent_client, manager, proposed):
    ticket, compensation = proposed
    compensation_approve(compensation=compensation, actor=manager)
    page = agent_client.get(reverse("agent:ticket", args=[ticket.reference])).text
    assert header_badge(page) == "Compensated"
    queue = agent_client.get(reverse("agent:queue")).text
    assert queue_status(queue, ticket) == "Compensated"


def test_the_stage_is_the_status_except_for_a_compensated_ticket_with_a_line_waiting(
    agent, manager, proposed
):
    ticket, compensation = proposed
    assert ticket.status == Status.COMPENSATED
    assert ticket_stage(ticket) == AWAITING_APPROVAL
    compensation_approve(compensation=compensation, actor=manager)
    assert ticket_stage(ticket) == Status.COMPENSATED
    for status in (Status.NEW, Status.APOLOGIZED, Status.FOLLOW_UP):
        assert ticket_stage(ticket_in_status(status, actor=agent)) == status


def test_the_api_gives_the_stage_beside_the_status(client, agent, proposed):
    ticket, _compensation = proposed
    _row, token = api_token_create(user=agent, name="tests", days=30)
    body = client.get(
        f"/api/v1/tickets/{ticket.reference}/", HTTP_AUTHORIZATION=f"Token {token}"
    ).json()
    assert (body["status"], body["stage"]) == ("compensated", "awaiting_approval")
