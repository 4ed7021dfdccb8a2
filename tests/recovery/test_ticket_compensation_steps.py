"""The ledger through the ticket page: propose, approve within one's authority, hand over, decline."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from recovery.choices import CompensationKind, CompensationStatus, Status
from recovery.compensation import compensation_approve, compensation_propose
from recovery.models import ApprovalLimit, Compensation, Ticket
from tests.factories import ManagerFactory, ticket_in_status
from tests.recovery.page_steps import assert_back_on_the_page, fresh, step

pytestmark = pytest.mark.django_db
CS = CompensationStatus
FRENCH_TO_THE_CENT = "Saisissez le montant au centime près, pas plus précis."


@pytest.fixture
def in_french(agent_client):
    """The agent's browser asks for French; English again afterwards for the tests that follow."""
    agent_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    yield agent_client
    # LocaleMiddleware leaves the language it activated on the thread.
    translation.activate("en")


def page_url(ticket):
    return reverse("agent:ticket", args=[ticket.reference])


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
    assert "You may approve up to €50.00 on this ticket: a manager must approve this one." in (
        response.text
    )
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


# --- The limit on the page, and amounts in the agent's language ---------------


def test_an_agent_is_refused_the_second_half_of_a_split_amount(agent_client, agent, apologized):
    first = proposed(apologized, agent, "45.00")
    assert_back_on_the_page(approve(agent_client, apologized, first), apologized)
    second = proposed(fresh(apologized), agent, "45.00")

    response = approve(agent_client, apologized, second)

    assert response.status_code == 403
    assert "(€45.00 already approved): a manager must approve this one." in response.text
    second.refresh_from_db()
    assert second.status == CS.PROPOSED


def test_the_page_offers_the_agent_no_approval_of_the_second_half(agent_client, agent, apologized):
    compensation_approve(compensation=proposed(apologized, agent, "45.00"), actor=agent)
    second = proposed(apologized, agent, "45.00")
    approve_url = reverse(
        "agent:ticket_compensation_approve", args=[apologized.reference, second.pk]
    )

    text = agent_client.get(page_url(apologized)).text

    assert "Needs a manager's approval" in text
    assert approve_url not in text


def test_the_form_tells_the_agent_their_limit_and_what_is_already_approved(
    agent_client, agent, apologized
):
    ApprovalLimit.objects.create(currency="GBP", agent_limit=30)
    compensation_approve(compensation=proposed(apologized, agent, "20.00"), actor=agent)

    page = agent_client.get(page_url(apologized)).text

    assert "You may approve up to €50.00 on this ticket (€20.00 already approved)." in page
    assert "You may approve up to £30.00 on this ticket." in page
    assert "Above that, or in another currency, a manager approves." in page


def test_a_manager_is_told_they_approve_any_amount(client, apologized):
    client.force_login(ManagerFactory())
    assert "As a manager, you approve any amount." in client.get(page_url(apologized)).text


def test_an_amount_typed_the_french_way_is_kept_to_the_cent_and_shown_so(
    agent_client, agent, apologized, in_french
):
    response = step(
        agent_client,
        apologized,
        "ticket_compensate",
        "compensate",
        kind=CompensationKind.REFUND,
        amount="12,50",
        currency="EUR",
    )
    assert_back_on_the_page(response, apologized)
    line = Compensation.objects.get(ticket=apologized)
    assert line.amount == Decimal("12.50")

    page = agent_client.get(page_url(apologized)).text
    assert '<td class="table__num amount">12,50\u00a0€</td>' in page
    assert "Vous pouvez approuver jusqu’à 50,00\u00a0€ sur ce ticket." in page


def test_an_amount_past_the_cent_typed_the_french_way_is_refused_with_the_message(
    agent_client, apologized, in_french
):
    response = step(
        agent_client,
        apologized,
        "ticket_compensate",
        "compensate",
        kind=CompensationKind.REFUND,
        amount="12,505",
        currency="EUR",
    )
    assert response.status_code == 400
    assert 'id="id_compensate-amount_error"' in response.text
    assert FRENCH_TO_THE_CENT in response.text
    assert 'value="12,505"' in response.text
    assert not Compensation.objects.exists()
