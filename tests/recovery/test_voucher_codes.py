"""A voucher or discount is handed over with its code and how to use it: service, page, API, email."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from notifications import emails
from notifications.models import Notification, NotificationKind
from recovery.choices import CompensationKind, CompensationStatus, Status
from recovery.compensation import compensation_approve, compensation_fulfil, compensation_propose
from recovery.models import Compensation
from tests.api.conftest import error_of, token_client
from tests.factories import ticket_in_status
from tests.recovery.page_steps import fresh, step
from tests.xss_corpus import PAYLOADS

pytestmark = pytest.mark.django_db
CS = CompensationStatus
HOW = "Enter it at checkout on amends.example before 31 March."


@pytest.fixture
def approved(agent, manager):
    """An approved 30 EUR voucher on a ticket whose customer has an email."""
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent)
    line = compensation_propose(
        ticket=ticket, actor=agent, kind=CompensationKind.VOUCHER, amount="30", currency="EUR"
    )
    compensation_approve(compensation=line, actor=manager)
    return line


def fulfilled_email(line):
    notification = Notification.objects.get(
        ticket=line.ticket, kind=NotificationKind.COMPENSATION_FULFILLED
    )
    return emails.BUILDERS[notification.kind](notification)


def test_a_voucher_is_handed_over_with_its_code_and_the_email_carries_both(agent, approved):
    compensation_fulfil(
        compensation=approved, actor=agent, code="  SORRY-30-XK2  ", redeem_instructions=HOW
    )
    approved.refresh_from_db()
    assert (approved.status, approved.code, approved.redeem_instructions) == (
        CS.FULFILLED,
        "SORRY-30-XK2",
        HOW,
    )
    _subject, text, html = fulfilled_email(approved)
    for body in (text, html):
        assert "SORRY-30-XK2" in body and HOW in body
    assert "SORRY-30-XK2" not in _subject


@pytest.mark.parametrize(
    "code, how, field, message",
    [
        ("", HOW, "code", "Enter the code the customer will use."),
        ("   ", HOW, "code", "Enter the code the customer will use."),
        ("X" * 65, HOW, "code", "A code has at most 64 characters."),
        (
            "SORRY\t30",
            HOW,
            "code",
            "A code is one line of letters, digits and signs, without tabs.",
        ),
        (
            "SORRY\n30",
            HOW,
            "code",
            "A code is one line of letters, digits and signs, without tabs.",
        ),
        (
            "SORRY\x0030",
            HOW,
            "code",
            "A code is one line of letters, digits and signs, without tabs.",
        ),
        ("SORRY30", "", "redeem_instructions", "Say how the customer uses it: where, until when."),
        ("SORRY30", "x" * 2001, "redeem_instructions", "Keep how to use it under 2000 characters."),
        (
            "SORRY30",
            "Go\x1b[31m",
            "redeem_instructions",
            "Remove the invisible control characters.",
        ),
    ],
)
def test_a_voucher_without_a_usable_code_is_not_handed_over(
    agent, approved, code, how, field, message
):
    with pytest.raises(ValidationError) as refused:
        compensation_fulfil(compensation=approved, actor=agent, code=code, redeem_instructions=how)
    assert refused.value.message_dict[field] == [message]
    approved.refresh_from_db()
    assert (approved.status, approved.code) == (CS.APPROVED, "")
    assert not Notification.objects.filter(kind=NotificationKind.COMPENSATION_FULFILLED).exists()


def test_instructions_may_run_over_several_lines(agent, approved):
    how = "Enter it at checkout.\r\nValid until 31 March.\tOnce."
    compensation_fulfil(compensation=approved, actor=agent, code="A1", redeem_instructions=how)
    assert Compensation.objects.get(pk=approved.pk).redeem_instructions == how


def test_a_refund_needs_no_code(agent, manager):
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent)
    line = compensation_propose(
        ticket=ticket, actor=agent, kind=CompensationKind.REFUND, amount="30", currency="EUR"
    )
    compensation_approve(compensation=line, actor=manager)
    compensation_fulfil(compensation=line, actor=agent)
    assert Compensation.objects.get(pk=line.pk).status == CS.FULFILLED


def test_the_ticket_page_asks_for_the_code_when_handing_a_voucher_over(agent_client, approved):
    ticket = fresh(approved.ticket)
    page = agent_client.get(reverse("agent:ticket", args=[ticket.reference])).text
    assert f'name="fulfil-{approved.pk}-code"' in page
    assert f'name="fulfil-{approved.pk}-redeem_instructions"' in page

    refused = step(
        agent_client,
        ticket,
        "ticket_compensation_fulfil",
        f"fulfil-{approved.pk}",
        args=[approved.pk],
    )
    assert refused.status_code == 400
    assert "Enter the code the customer will use." in refused.text

    step(
        agent_client,
        ticket,
        "ticket_compensation_fulfil",
        f"fulfil-{approved.pk}",
        args=[approved.pk],
        code="SORRY-30",
        redeem_instructions=HOW,
    )
    approved.refresh_from_db()
    assert (approved.status, approved.code) == (CS.FULFILLED, "SORRY-30")
    page = agent_client.get(reverse("agent:ticket", args=[ticket.reference])).text
    assert "SORRY-30" in page and HOW in page


def test_the_api_hands_a_voucher_over_with_its_code(agent, approved):
    api = token_client(agent)
    url = f"/api/v1/tickets/{approved.ticket.reference}/compensations/{approved.pk}/fulfil/"
    refused = api.post(url, {}, format="json")
    assert refused.status_code == 400
    assert set(error_of(refused)["fields"]) == {"code", "redeem_instructions"}

    done = api.post(url, {"code": "SORRY-30", "redeem_instructions": HOW}, format="json")
    assert done.status_code == 200
    line = done.json()["compensations"][0]
    assert (line["status"], line["code"], line["redeem_instructions"]) == (
        "fulfilled",
        "SORRY-30",
        HOW,
    )


@pytest.mark.parametrize("payload", PAYLOADS[:4])
def test_a_code_is_escaped_on_the_ledger_and_in_the_email(agent_client, agent, approved, payload):
    compensation_fulfil(
        compensation=approved, actor=agent, code=payload[:64], redeem_instructions=payload
    )
    page = agent_client.get(reverse("agent:ticket", args=[approved.ticket.reference])).text
    _subject, _text, html = fulfilled_email(approved)
    for body in (page, html):
        assert payload[:64] not in body
        assert payload not in body
