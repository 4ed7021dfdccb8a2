"""The table of allowed moves: every pair of statuses, allowed or refused."""

from itertools import product

import pytest
from django.core.exceptions import ValidationError

from recovery import services
from recovery.choices import OPEN_STATUSES, AcknowledgeMethod, CompensationKind, Status
from recovery.compensation import compensation_propose
from recovery.errors import IllegalTransition, StaleTicket, WorkflowError
from recovery.models import Ticket
from recovery.survey import latest_survey, survey_answer
from recovery.workflow import ALLOWED, ticket_reopen, transition
from tests.factories import ticket_in_status

pytestmark = pytest.mark.django_db

ALL_PAIRS = list(product(Status, Status))
FORBIDDEN = [pair for pair in ALL_PAIRS if pair not in ALLOWED]

# The service an agent uses for each allowed move.
SERVICE_FOR = {
    "acknowledge": lambda t, a: services.ticket_acknowledge(
        ticket=t, actor=a, method=AcknowledgeMethod.MESSAGE, message="Hi, this is Ana."
    ),
    "apologize": lambda t, a: services.ticket_apologize(ticket=t, actor=a, text="We are sorry."),
    "compensate": lambda t, a: compensation_propose(
        ticket=t, actor=a, kind=CompensationKind.VOUCHER, amount="20.00", currency="EUR"
    ),
    "start_follow_up": lambda t, a: services.ticket_start_follow_up(ticket=t, actor=a),
    "resolve": lambda t, a: services.ticket_resolve(ticket=t, actor=a),
    # The customer's unhappy survey answer, not an agent, sends it back.
    "second_attempt": lambda t, a: survey_answer(
        survey=latest_survey(t), csat=1, nps=3, solved="no"
    ),
    "reopen": lambda t, a: ticket_reopen(ticket=t, actor=a, reason="Customer phoned again."),
    "close_invalid": lambda t, a: services.ticket_close_invalid(
        ticket=t, actor=a, reason="Duplicate of another complaint."
    ),
}


def snapshot(ticket):
    row = Ticket.objects.get(pk=ticket.pk)
    return row.status, row.version, row.callback_due_at, row.follow_up_due_at, row.events.count()


def test_the_table_covers_the_expected_moves():
    assert len(ALLOWED) == 8 + len(OPEN_STATUSES)
    assert (Status.ACKNOWLEDGED, Status.COMPENSATED) not in ALLOWED  # an apology comes first
    assert all((Status.CLOSED_INVALID, to) not in ALLOWED for to in Status)


def test_merged_is_in_no_move_of_the_table():
    # Merged is reached only by merging (recovery.workflow.merge), left only by its undo.
    assert all(Status.MERGED not in pair for pair in ALLOWED)


@pytest.mark.parametrize("status", OPEN_STATUSES)
def test_no_step_merges_a_ticket(status, agent):
    ticket = ticket_in_status(status, actor=agent)
    with pytest.raises(IllegalTransition, match="merged only by merging it into another"):
        transition(ticket=ticket, actor=agent, to_status=Status.MERGED)


def test_a_merged_ticket_says_to_undo_the_merge_first(agent):
    ticket = ticket_in_status(Status.MERGED, actor=agent)
    with pytest.raises(IllegalTransition, match="undo the merge first"):
        services.ticket_close_invalid(ticket=ticket, actor=agent, reason="Spam")


def test_every_action_in_the_table_has_a_service():
    assert set(ALLOWED.values()) == set(SERVICE_FOR)


@pytest.mark.parametrize(("from_status", "to_status"), list(ALLOWED), ids=str)
def test_allowed_move_changes_status_and_writes_one_event(from_status, to_status, agent):
    ticket = ticket_in_status(from_status, actor=agent)
    version, events = ticket.version, ticket.events.count()

    event = transition(ticket=ticket, actor=agent, to_status=to_status)

    row = Ticket.objects.get(pk=ticket.pk)
    assert row.status == to_status
    assert row.version == version + 1
    assert ticket.events.count() == events + 1
    assert (event.from_status, event.to_status) == (from_status, to_status)
    assert event.payload["action"] == ALLOWED[(from_status, to_status)]
    assert event.actor == agent


@pytest.mark.parametrize(("from_status", "to_status"), list(ALLOWED), ids=str)
def test_each_allowed_move_is_made_by_its_service(from_status, to_status, agent):
    ticket = ticket_in_status(from_status, actor=agent)
    SERVICE_FOR[ALLOWED[(from_status, to_status)]](ticket, agent)
    assert Ticket.objects.get(pk=ticket.pk).status == to_status


@pytest.mark.parametrize(("from_status", "to_status"), FORBIDDEN, ids=str)
def test_forbidden_move_is_refused_and_changes_nothing(from_status, to_status, agent):
    ticket = ticket_in_status(from_status, actor=agent)
    before = snapshot(ticket)

    with pytest.raises(IllegalTransition) as refused:
        transition(ticket=ticket, actor=agent, to_status=to_status)

    assert str(refused.value)
    assert snapshot(ticket) == before
    assert ticket.status == from_status


def test_refusal_says_what_to_do_first(agent):
    ticket = ticket_in_status(Status.NEW, actor=agent)
    with pytest.raises(IllegalTransition) as refused:
        services.ticket_resolve(ticket=ticket, actor=agent)
    assert str(refused.value) == "A ticket that is new cannot be resolved: acknowledge it first."


def test_skipping_the_apology_is_refused(agent):
    ticket = ticket_in_status(Status.ACKNOWLEDGED, actor=agent)
    before = snapshot(ticket)
    with pytest.raises(IllegalTransition, match="apologize first"):
        compensation_propose(
            ticket=ticket, actor=agent, kind=CompensationKind.VOUCHER, amount="5", currency="EUR"
        )
    assert snapshot(ticket) == before
    assert not ticket.compensations.exists()


def test_workflow_errors_share_a_base_class():
    assert issubclass(IllegalTransition, WorkflowError)
    assert issubclass(StaleTicket, WorkflowError)


@pytest.mark.parametrize("status", OPEN_STATUSES)
def test_any_open_ticket_closes_as_invalid_with_a_reason(status, agent):
    ticket = ticket_in_status(status, actor=agent)
    event = services.ticket_close_invalid(ticket=ticket, actor=agent, reason="  Spam  ")
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED_INVALID
    assert ticket.callback_due_at is None and ticket.follow_up_due_at is None
    assert event.payload["reason"] == "Spam"
    assert not event.customer_visible


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_closing_as_invalid_without_a_reason_is_refused(reason, agent):
    ticket = ticket_in_status(Status.NEW, actor=agent)
    before = snapshot(ticket)
    with pytest.raises(ValidationError) as refused:
        services.ticket_close_invalid(ticket=ticket, actor=agent, reason=reason)
    assert "reason" in refused.value.message_dict
    assert snapshot(ticket) == before


def test_closing_as_invalid_keeps_the_promised_callback_for_the_statistics(agent):
    ticket = ticket_in_status(Status.NEW, actor=agent)
    promised = ticket.callback_promised_at
    services.ticket_close_invalid(ticket=ticket, actor=agent, reason="Not a complaint")
    ticket.refresh_from_db()
    assert ticket.callback_promised_at == promised is not None


def test_a_step_taken_from_an_old_page_is_refused_as_stale(agent):
    ticket = ticket_in_status(Status.ACKNOWLEDGED, actor=agent)
    page_version = ticket.version
    services.ticket_add_note(ticket=ticket, actor=agent, text="Notes do not bump the version")
    services.ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    before = snapshot(ticket)

    with pytest.raises(StaleTicket) as refused:
        services.ticket_apologize(
            ticket=ticket, actor=agent, text="Sorry", expected_version=page_version
        )

    assert "reload" in str(refused.value)
    assert snapshot(ticket) == before


def test_a_stale_ticket_object_loses_to_the_row_in_the_database(agent):
    ticket = ticket_in_status(Status.ACKNOWLEDGED, actor=agent)
    other_copy = Ticket.objects.get(pk=ticket.pk)
    services.ticket_apologize(ticket=ticket, actor=agent, text="Sorry")

    with pytest.raises(StaleTicket):
        services.ticket_close_invalid(ticket=other_copy, actor=agent, reason="Spam")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.APOLOGIZED


def test_transition_refuses_to_write_columns_it_does_not_own(agent):
    ticket = ticket_in_status(Status.NEW, actor=agent)
    with pytest.raises(ValueError, match="complaint"):
        transition(ticket=ticket, actor=agent, changes={"complaint": None})
