"""The approval loop by email: managers asked when a proposal needs them, the proposer told after.

A proposal needs a manager when the ticket's total approved in its currency,
with it, would pass the agents' limit: splitting an amount into lines within
the limit asks a manager for the second line all the same.
"""

from decimal import Decimal

import pytest
from django.core import mail

from notifications.models import Notification, NotificationKind
from notifications.sending import notification_send
from recovery.choices import CompensationKind, Status
from recovery.compensation import compensation_approve, compensation_decline, compensation_propose
from recovery.models import ApprovalLimit
from tests.factories import AgentFactory, ManagerFactory, ticket_in_status

pytestmark = pytest.mark.django_db

K = NotificationKind


@pytest.fixture(autouse=True)
def eur_limit(db):
    return ApprovalLimit.objects.create(currency="EUR", agent_limit=Decimal("50.00"))


@pytest.fixture
def people():
    return (
        AgentFactory(first_name="Alex", last_name="Martin", username="amartin"),
        ManagerFactory(first_name="Camille", last_name="Roux", username="croux"),
    )


def propose(ticket, agent, amount):
    return compensation_propose(
        ticket=ticket, actor=agent, kind=CompensationKind.REFUND, amount=amount, currency="EUR"
    )


def sent(kind, recipient):
    (row,) = Notification.objects.filter(kind=kind, recipient=recipient)
    notification_send(notification_id=row.pk)
    return mail.outbox[-1]


def test_the_second_line_of_a_split_amount_asks_the_managers(people):
    agent, manager = people
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent)
    compensation_approve(compensation=propose(ticket, agent, "45.00"), actor=agent)
    assert not Notification.objects.filter(kind=K.APPROVAL_NEEDED).exists()

    propose(ticket, agent, "45.00")

    assert Notification.objects.filter(kind=K.APPROVAL_NEEDED, recipient=manager.email).exists()


def test_the_proposer_is_told_by_full_name_when_a_manager_approves(people):
    agent, manager = people
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent)
    line = propose(ticket, agent, "120.00")

    compensation_approve(compensation=line, actor=manager)

    message = sent(K.APPROVAL_DECIDED, agent.email)
    assert message.to == [agent.email]
    assert "was approved" in message.subject
    assert "Camille Roux approved your proposal" in message.body
    assert "croux" not in message.body
    assert "Refund: €120.00" in message.body


def test_the_proposer_is_told_why_when_a_manager_declines(people):
    agent, manager = people
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent)
    line = propose(ticket, agent, "120.00")

    compensation_decline(compensation=line, actor=manager, reason="Too much for a late parcel.")

    message = sent(K.APPROVAL_DECIDED, agent.email)
    assert "was declined" in message.subject
    assert "Camille Roux declined your proposal" in message.body
    assert "Too much for a late parcel." in message.body


def test_nobody_is_told_of_a_decision_the_proposer_took_themselves(people):
    agent, _manager = people
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent)
    compensation_approve(compensation=propose(ticket, agent, "20.00"), actor=agent)
    compensation_decline(
        compensation=propose(ticket, agent, "10.00"), actor=agent, reason="Changed my mind."
    )
    assert not Notification.objects.filter(kind=K.APPROVAL_DECIDED).exists()


def test_declining_an_approved_line_is_not_a_decision_on_the_proposal(people):
    agent, manager = people
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent)
    line = propose(ticket, agent, "120.00")
    compensation_approve(compensation=line, actor=manager)

    compensation_decline(compensation=line, actor=manager, reason="The customer refused it.")

    assert Notification.objects.filter(kind=K.APPROVAL_DECIDED).count() == 1


def test_decisions_for_one_agent_at_once_go_out_as_one_digest(people):
    agent, manager = people
    lines = []
    for _ in range(2):
        ticket = ticket_in_status(Status.APOLOGIZED, actor=agent)
        lines.append(propose(ticket, agent, "120.00"))
    for line in lines:
        compensation_approve(compensation=line, actor=manager)

    first = Notification.objects.filter(kind=K.APPROVAL_DECIDED).first()
    notification_send(notification_id=first.pk)

    (message,) = mail.outbox
    assert "2 decisions on your proposals" in message.subject
