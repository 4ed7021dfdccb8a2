"""Callback attempts and acknowledgement: only talking to the customer keeps the promise."""

import pytest
from django.core.exceptions import ValidationError

from recovery.choices import AcknowledgeMethod, CallbackOutcome, EventKind, Status
from recovery.errors import IllegalTransition
from recovery.models import CallbackAttempt, Ticket
from recovery.services import callback_attempt_record, ticket_acknowledge
from tests.factories import ticket_in_status
from tests.recovery.page_steps import fresh, step

pytestmark = pytest.mark.django_db

NUMBER = "+33612345678"


@pytest.mark.parametrize(
    "outcome", [CallbackOutcome.VOICEMAIL, CallbackOutcome.NO_ANSWER, CallbackOutcome.WRONG_NUMBER]
)
def test_unanswered_call_is_recorded_but_does_not_acknowledge(outcome, agent):
    ticket = ticket_in_status(Status.NEW, actor=agent)
    due = ticket.callback_due_at

    attempt = callback_attempt_record(
        ticket=ticket, actor=agent, number_called=NUMBER, outcome=outcome, note="Tried at 9am"
    )

    row = Ticket.objects.get(pk=ticket.pk)
    assert (row.status, row.callback_due_at, row.acknowledged_at) == (Status.NEW, due, None)
    assert row.version == ticket.version
    assert (attempt.outcome, attempt.agent, attempt.number_called) == (outcome, agent, NUMBER)
    event = row.events.get(kind=EventKind.CALLBACK_ATTEMPT)
    assert not event.customer_visible
    assert event.payload["outcome"] == outcome


def test_reached_call_acknowledges_a_new_ticket_and_meets_the_promise(agent):
    ticket = ticket_in_status(Status.NEW, actor=agent)
    promised = ticket.callback_due_at

    attempt = callback_attempt_record(
        ticket=ticket, actor=agent, number_called="06 12 34 56 78", outcome=CallbackOutcome.REACHED
    )

    row = Ticket.objects.get(pk=ticket.pk)
    assert row.status == Status.ACKNOWLEDGED
    assert row.callback_due_at is None
    assert row.callback_promised_at == promised
    assert row.acknowledged_at == attempt.created_at
    assert attempt.number_called == NUMBER  # stored in E.164
    move = row.events.get(kind=EventKind.STATUS)
    assert (move.from_status, move.to_status) == (Status.NEW, Status.ACKNOWLEDGED)
    assert move.payload["method"] == AcknowledgeMethod.PHONE
    assert move.payload["attempt"] == attempt.pk
    assert row.events.filter(kind=EventKind.CALLBACK_ATTEMPT).count() == 1


def test_reached_call_on_an_acknowledged_ticket_is_only_recorded(agent):
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent)
    version = ticket.version
    callback_attempt_record(
        ticket=ticket, actor=agent, number_called=NUMBER, outcome=CallbackOutcome.REACHED
    )
    row = Ticket.objects.get(pk=ticket.pk)
    assert (row.status, row.version) == (Status.APOLOGIZED, version)
    assert CallbackAttempt.objects.filter(ticket=ticket).count() == 1


def test_acknowledging_by_personal_message_shows_the_message_to_the_customer(agent):
    ticket = ticket_in_status(Status.NEW, actor=agent)
    promised = ticket.callback_due_at
    event = ticket_acknowledge(
        ticket=ticket, actor=agent, method=AcknowledgeMethod.MESSAGE, message=" I'm on it. "
    )
    assert event.customer_visible
    assert event.payload["text"] == "I'm on it."
    row = Ticket.objects.get(pk=ticket.pk)
    assert row.callback_due_at is None and row.callback_promised_at == promised
    assert row.acknowledged_at == event.created_at
    assert not CallbackAttempt.objects.filter(ticket=ticket).exists()


def test_acknowledging_by_phone_needs_a_valid_number_and_changes_nothing_without_one(agent):
    ticket = ticket_in_status(Status.NEW, actor=agent)
    with pytest.raises(ValidationError) as refused:
        ticket_acknowledge(
            ticket=ticket, actor=agent, method=AcknowledgeMethod.PHONE, number_called="12"
        )
    assert "number_called" in refused.value.message_dict
    row = Ticket.objects.get(pk=ticket.pk)
    assert row.status == Status.NEW and row.callback_due_at is not None
    assert not CallbackAttempt.objects.exists()
    assert row.events.count() == 1


def test_acknowledging_by_message_needs_its_text(agent):
    ticket = ticket_in_status(Status.NEW, actor=agent)
    with pytest.raises(ValidationError) as refused:
        ticket_acknowledge(ticket=ticket, actor=agent, method=AcknowledgeMethod.MESSAGE)
    assert "message" in refused.value.message_dict


def test_acknowledging_twice_is_refused(agent):
    ticket = ticket_in_status(Status.ACKNOWLEDGED, actor=agent)
    with pytest.raises(IllegalTransition, match="already acknowledged"):
        ticket_acknowledge(
            ticket=ticket, actor=agent, method=AcknowledgeMethod.PHONE, number_called=NUMBER
        )
    assert not CallbackAttempt.objects.exists()


# The call log on the ticket page ------------------------------------------------


def test_the_call_log_preselects_no_outcome(agent_client, agent):
    ticket = ticket_in_status(Status.NEW, actor=agent)
    page = agent_client.get(f"/agent/tickets/{ticket.reference}/").content.decode()
    radios = [line for line in page.splitlines() if 'name="call-outcome"' in line]
    assert len(radios) == len(CallbackOutcome.values)
    assert not [line for line in radios if "checked" in line]


def test_logging_a_call_without_an_outcome_says_so_beside_it_and_records_nothing(
    agent_client, agent
):
    ticket = ticket_in_status(Status.NEW, actor=agent)
    response = step(agent_client, ticket, "ticket_callback", "call", number_called=NUMBER)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_call-outcome_error"' in page
    assert "Say how the call went." in page
    assert 'aria-describedby="id_call-outcome_error"' in page
    assert not CallbackAttempt.objects.filter(ticket=ticket).exists()
    assert fresh(ticket).status == Status.NEW
