"""The ledger through the ticket page: propose, approve within one's authority, hand over, decline."""

import pytest

from recovery.choices import CompensationKind, CompensationStatus, Status
from recovery.compensation import compensation_approve, compensation_propose
from recovery.models import ApprovalLimit, Compensation, Ticket
from tests.factories import ManagerFactory, ticket_in_status
from tests.recovery.page_steps import assert_back_on_the_page, fresh, step

pytestmark = pytest.mark.django_db
CS = CompensationStatus


@pytest.fixture(autouse=True)
def eur_limit(db):
    return ApprovalLimit.objects.create(currency="EUR", agent_limit=50)


@pytest.fixture
def apologized(agent):
    return ticket_in_status(Status.APOLOGIZED, actor=agent, remedy_sought="A new vase")


def proposed(ticket, actor, amount):
    return compensation_propose(
        ticket=ticket, actor=actor, kind=CompensationKind.REFUND, amount=amount, currency="EUR"
    )


def approve(client, ticket, line):
    return step(
        client, fresh(ticket), "ticket_compensation_approve", f"approve-{line.pk}", args=[line.pk]
    )


def test_a_proposal_goes_on_the_ledger_and_moves_the_ticket(agent_client, agent, apologized):
    response = step(
        agent_client,
        apologized,
        "ticket_compensate",
        "compensate",
        kind=CompensationKind.VOUCHER,
        amount="20",
        currency="eur",
        description="Valid one year",
    )
    assert_back_on_the_page(response, apologized)
    line = Compensation.objects.get(ticket=apologized)
    assert (line.kind, str(line.amount), line.currency) == ("voucher", "20.00", "EUR")
    assert line.remedy_sought == "A new vase"
    assert fresh(apologized).status == Status.COMPENSATED


def test_no_compensation_without_a_reason_is_refused_beside_the_reason(agent_client, apologized):
    response = step(
        agent_client, apologized, "ticket_compensate", "compensate", kind=CompensationKind.NONE
    )
    assert response.status_code == 400
    assert 'id="id_compensate-reason_error"' in response.text
    assert "Say why no compensation is due." in response.text
    assert not Compensation.objects.exists()
    assert fresh(apologized).status == Status.APOLOGIZED


def test_an_amount_past_the_cent_is_refused_beside_the_amount(agent_client, apologized):
    response = step(
        agent_client,
        apologized,
        "ticket_compensate",
        "compensate",
        kind=CompensationKind.REFUND,
        amount="10.005",
        currency="EUR",
    )
    assert response.status_code == 400
    assert 'id="id_compensate-amount_error"' in response.text
    assert not Compensation.objects.exists()


def test_an_agent_approves_an_amount_within_the_limit(agent_client, agent, apologized):
    line = proposed(apologized, agent, "50.00")
    assert_back_on_the_page(approve(agent_client, apologized, line), apologized)
    line.refresh_from_db()
    assert (line.status, line.approved_by) == (CS.APPROVED, agent)


def test_an_agent_is_refused_an_amount_above_the_limit(agent_client, agent, apologized):
    line = proposed(apologized, agent, "200.00")
    before = Ticket.objects.get(pk=apologized.pk).version
    response = approve(agent_client, apologized, line)
    assert response.status_code == 403
    assert "Only a manager can approve this compensation." in response.text
    line.refresh_from_db()
    assert line.status == CS.PROPOSED
    assert Ticket.objects.get(pk=apologized.pk).version == before


def test_a_manager_approves_an_amount_above_the_limit(client, agent, apologized):
    manager = ManagerFactory()
    line = proposed(apologized, agent, "200.00")
    client.force_login(manager)
    assert_back_on_the_page(approve(client, apologized, line), apologized)
    line.refresh_from_db()
    assert (line.status, line.approved_by) == (CS.APPROVED, manager)


def test_an_approved_line_is_handed_over_and_the_follow_up_is_scheduled(
    agent_client, agent, apologized
):
    line = proposed(apologized, agent, "20.00")
    compensation_approve(compensation=line, actor=agent)
    response = step(
        agent_client,
        fresh(apologized),
        "ticket_compensation_fulfil",
        f"fulfil-{line.pk}",
        args=[line.pk],
    )
    assert_back_on_the_page(response, apologized)
    line.refresh_from_db()
    assert line.status == CS.FULFILLED
    assert fresh(apologized).follow_up_due_at is not None


def test_handing_over_a_line_not_yet_approved_is_refused(agent_client, agent, apologized):
    line = proposed(apologized, agent, "20.00")
    response = step(
        agent_client,
        fresh(apologized),
        "ticket_compensation_fulfil",
        f"fulfil-{line.pk}",
        args=[line.pk],
    )
    assert response.status_code == 409
    assert "This compensation is proposed; it cannot be fulfilled." in response.text
    line.refresh_from_db()
    assert line.status == CS.PROPOSED


def test_declining_needs_a_reason(agent_client, agent, apologized):
    line = proposed(apologized, agent, "200.00")
    args = dict(args=[line.pk])
    prefix = f"decline-{line.pk}"
    response = step(
        agent_client, fresh(apologized), "ticket_compensation_decline", prefix, reason="", **args
    )
    assert response.status_code == 400
    assert f'id="id_{prefix}-reason_error"' in response.text
    # The form that failed is open, so the error is where the agent looks.
    assert '<details class="disclosure disclosure--inline" open>' in response.text
    response = step(
        agent_client,
        fresh(apologized),
        "ticket_compensation_decline",
        prefix,
        reason="Customer prefers a voucher.",
        **args,
    )
    assert_back_on_the_page(response, apologized)
    line.refresh_from_db()
    assert (line.status, line.decline_reason) == (CS.DECLINED, "Customer prefers a voucher.")


def test_a_line_of_another_ticket_is_not_found(agent_client, agent, apologized):
    other = ticket_in_status(Status.APOLOGIZED, actor=agent)
    line = proposed(other, agent, "20.00")
    response = step(
        agent_client,
        apologized,
        "ticket_compensation_approve",
        f"approve-{line.pk}",
        args=[line.pk],
    )
    assert response.status_code == 404
    line.refresh_from_db()
    assert line.status == CS.PROPOSED
