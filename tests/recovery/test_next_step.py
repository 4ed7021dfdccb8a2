"""The ticket page offers the next step's form first."""

import pytest

from recovery.choices import CompensationKind, Status
from recovery.compensation import compensation_approve, compensation_propose
from recovery.selectors import ticket_next_step
from tests.factories import ticket_in_status

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (Status.NEW, "acknowledge"),
        (Status.ACKNOWLEDGED, "apologize"),
        (Status.APOLOGIZED, "compensate"),
        (Status.COMPENSATED, "start_follow_up"),
        (Status.FOLLOW_UP, "resolve"),
        (Status.RESOLVED, None),
        (Status.CLOSED_INVALID, None),
    ],
)
def test_next_step_follows_the_status(status, step, agent):
    ticket = ticket_in_status(status, actor=agent)
    next_step = ticket_next_step(ticket)
    assert (next_step and next_step["step"]) == step


def test_a_new_ticket_must_be_called_back_by_its_deadline(agent):
    ticket = ticket_in_status(Status.NEW, actor=agent)
    assert ticket_next_step(ticket)["due"] == ticket.callback_due_at


def test_a_waiting_compensation_comes_before_the_follow_up(agent, manager):
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent)
    line = compensation_propose(
        ticket=ticket, actor=agent, kind=CompensationKind.REFUND, amount="9.50", currency="EUR"
    )
    assert ticket_next_step(ticket)["step"] == "approve_compensation"
    assert ticket_next_step(ticket)["compensation"] == line
    compensation_approve(compensation=line, actor=manager)
    assert ticket_next_step(ticket)["step"] == "fulfil_compensation"
