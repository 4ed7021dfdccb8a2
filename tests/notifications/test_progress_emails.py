"""Which emails each step of a ticket queues, to whom, in which language, and when."""

from decimal import Decimal

import pytest
from django.db import transaction

from notifications.models import Notification, NotificationKind
from notifications.owed import notifications_for_events
from recovery.choices import CompensationKind, EventKind, Status
from recovery.compensation import (
    compensation_approve,
    compensation_decline,
    compensation_fulfil,
    compensation_propose,
)
from recovery.models import ApprovalLimit
from recovery.services import (
    ticket_add_note,
    ticket_apologize,
    ticket_assign,
    ticket_close_invalid,
    ticket_customer_message,
)
from tests.factories import (
    AgentFactory,
    CustomerFactory,
    ManagerFactory,
    ticket_in_status,
    ticketed_complaint,
)

pytestmark = pytest.mark.django_db

K = NotificationKind


def rows(ticket):
    """The emails the ticket's steps queued: all but the "complaint received" its opening owes."""
    return list(
        Notification.objects.filter(ticket=ticket)
        .exclude(event__kind=EventKind.OPENED)
        .order_by("pk")
        .values_list("kind", "recipient", "language")
    )


def customer_of(ticket):
    return ticket.complaint.customer.email


@pytest.fixture
def eur_limit(db):
    return ApprovalLimit.objects.create(currency="EUR", agent_limit=Decimal("50.00"))


def test_each_agent_step_emails_the_customer_once_in_their_language():
    ticket = ticket_in_status(Status.RESOLVED, language="fr")
    email = customer_of(ticket)
    # The "no compensation" line of the path emails nothing: there is no offer.
    assert rows(ticket) == [
        (K.ACKNOWLEDGED, email, "fr"),
        (K.APOLOGY, email, "fr"),
        (K.FOLLOW_UP, email, "fr"),
        (K.RESOLVED, email, "fr"),
    ]


def test_a_gesture_within_the_limit_is_offered_on_approval_and_confirmed_on_hand_over(eur_limit):
    ManagerFactory()
    agent = AgentFactory()
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent)
    before = rows(ticket)
    line = compensation_propose(
        ticket=ticket, actor=agent, kind=CompensationKind.VOUCHER, amount="30", currency="EUR"
    )
    assert rows(ticket) == before, "a proposal is not an offer yet, and needs no manager"
    compensation_approve(compensation=line, actor=agent)
    compensation_fulfil(
        compensation=line, actor=agent, code="SORRY-30", redeem_instructions="At checkout."
    )
    assert rows(ticket)[len(before) :] == [
        (K.COMPENSATION_OFFERED, customer_of(ticket), "en"),
        (K.COMPENSATION_FULFILLED, customer_of(ticket), "en"),
    ]


def test_a_proposal_above_the_agents_limit_asks_every_reachable_manager(settings, eur_limit):
    settings.LANGUAGE_CODE = "fr"
    boss, deputy = ManagerFactory(email="boss@amends.test"), ManagerFactory()
    ManagerFactory(is_active=False)
    ManagerFactory(email="")
    agent = AgentFactory()
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent)
    before = rows(ticket)
    compensation_propose(
        ticket=ticket, actor=agent, kind=CompensationKind.REFUND, amount="250", currency="EUR"
    )
    assert sorted(rows(ticket)[len(before) :]) == sorted(
        [(K.APPROVAL_NEEDED, boss.email, "fr"), (K.APPROVAL_NEEDED, deputy.email, "fr")]
    )


def test_a_declined_proposal_never_reaches_the_customer(eur_limit):
    manager, agent = ManagerFactory(), AgentFactory()
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent)
    line = compensation_propose(
        ticket=ticket, actor=agent, kind=CompensationKind.REFUND, amount="250", currency="EUR"
    )
    compensation_decline(compensation=line, actor=manager, reason="Too much.")
    # The proposer hears of the decision; the customer of nothing.
    assert [kind for kind, _to, _lang in rows(ticket)] == [
        K.ACKNOWLEDGED,
        K.APOLOGY,
        K.APPROVAL_NEEDED,
        K.APPROVAL_DECIDED,
    ]


def test_a_manager_proposing_any_amount_asks_nobody(eur_limit):
    manager = ManagerFactory()
    ticket = ticket_in_status(Status.APOLOGIZED, actor=manager)
    before = rows(ticket)
    compensation_propose(
        ticket=ticket, actor=manager, kind=CompensationKind.REFUND, amount="900", currency="EUR"
    )
    assert rows(ticket) == before


def test_the_email_rows_commit_or_roll_back_with_the_step(django_capture_on_commit_callbacks):
    ticket = ticket_in_status(Status.ACKNOWLEDGED)
    before = rows(ticket)
    with pytest.raises(RuntimeError), transaction.atomic():
        ticket_apologize(ticket=ticket, actor=AgentFactory(), text="We are sorry.")
        assert rows(ticket)[len(before) :] == [(K.APOLOGY, customer_of(ticket), "en")]
        raise RuntimeError("the request failed after the step")
    assert rows(ticket) == before
    ticket.refresh_from_db()
    with django_capture_on_commit_callbacks() as sends:
        ticket_apologize(ticket=ticket, actor=AgentFactory(), text="We are sorry.")
    # The send is published once the step commits, not before.
    assert len(sends) == 1


def test_queueing_an_events_emails_twice_writes_them_once():
    ticket = ticket_in_status(Status.ACKNOWLEDGED)
    event = ticket_apologize(ticket=ticket, actor=AgentFactory(), text="We are sorry.")
    count = Notification.objects.count()
    (again,) = notifications_for_events([event])
    assert again.pk == Notification.objects.get(event=event).pk
    assert Notification.objects.count() == count


def test_a_customer_without_an_email_address_is_sent_nothing():
    ticket = ticket_in_status(Status.RESOLVED, customer=CustomerFactory(email=""))
    agent = AgentFactory()
    ticket_add_note(ticket=ticket, actor=agent, text="Call them instead.", customer_visible=True)
    assert rows(ticket) == []


def test_an_internal_note_emails_nobody():
    agent = AgentFactory()
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent)
    ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    before = rows(ticket)
    ticket_add_note(ticket=ticket, actor=agent, text="Sounds like a regular.")
    assert rows(ticket) == before


def test_a_message_to_the_customer_is_emailed_to_them():
    agent = AgentFactory()
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent, language="fr")
    before = rows(ticket)
    ticket_add_note(ticket=ticket, actor=agent, text="Le vase part demain.", customer_visible=True)
    assert rows(ticket)[len(before) :] == [(K.AGENT_MESSAGE, customer_of(ticket), "fr")]


def test_closing_a_ticket_as_invalid_emails_nobody():
    ticket = ticketed_complaint().ticket
    ticket_close_invalid(ticket=ticket, actor=AgentFactory(), reason="Spam")
    assert rows(ticket) == []


def test_a_customers_message_tells_its_assignee_and_not_the_customer(settings):
    settings.LANGUAGE_CODE = "fr"
    agent, _colleague = AgentFactory(), AgentFactory()
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent, language="en")
    ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    before = rows(ticket)
    ticket_customer_message(ticket=ticket, text="Any news?")
    assert rows(ticket)[len(before) :] == [(K.CUSTOMER_REPLIED, agent.email, "fr")]


def test_a_customers_message_on_a_ticket_nobody_has_tells_every_agent():
    agents = [AgentFactory(), AgentFactory()]
    ManagerFactory()
    ticket = ticketed_complaint().ticket
    ticket_customer_message(ticket=ticket, text="Hello?")
    assert sorted(rows(ticket)) == sorted((K.CUSTOMER_REPLIED, a.email, "en") for a in agents)


def test_a_customers_message_whose_assignee_left_tells_every_agent():
    leaver, colleague = AgentFactory(), AgentFactory()
    ticket = ticket_in_status(Status.ACKNOWLEDGED, actor=colleague)
    ticket_assign(ticket=ticket, assignee=leaver, actor=colleague)
    leaver.is_active = False
    leaver.save(update_fields=["is_active"])
    before = rows(ticket)
    ticket_customer_message(ticket=ticket, text="Hello?")
    assert rows(ticket)[len(before) :] == [(K.CUSTOMER_REPLIED, colleague.email, "en")]


def test_a_customers_message_reopening_a_resolved_ticket_emails_only_its_assignee():
    agent = AgentFactory()
    ticket = ticket_in_status(Status.RESOLVED, actor=agent)
    ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    before = rows(ticket)
    ticket_customer_message(ticket=ticket, text="It broke again.")
    ticket.refresh_from_db()
    assert ticket.status == Status.ACKNOWLEDGED
    assert rows(ticket)[len(before) :] == [(K.CUSTOMER_REPLIED, agent.email, "en")]
