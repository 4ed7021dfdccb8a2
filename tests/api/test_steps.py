"""POST /api/v1/tickets/{ref}/<step>/: the pages' steps through the same services.

Every step: one allowed call, one the ticket's state forbids (409), and bad
input (400). Refusals change nothing.
"""

from decimal import Decimal

import pytest

from recovery.choices import CompensationKind, Priority, Status
from recovery.compensation import compensation_approve, compensation_propose
from recovery.models import ApprovalLimit, CallbackAttempt, Compensation, Ticket, TicketEvent
from recovery.steps import STEPS
from tests.api.conftest import error_of, ticket_url
from tests.factories import AgentFactory, UserFactory, ticket_in_status, ticketed_complaint

pytestmark = pytest.mark.django_db


def post(client, ticket, step, body=None):
    return client.post(ticket_url(ticket, step), body or {}, format="json")


def assert_refused(response, status, code, ticket):
    """Refused with ``code``, and the ticket is as it was."""
    assert response.status_code == status
    assert error_of(response)["code"] == code
    before = (ticket.status, ticket.version)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.version) == before


def proposed(ticket, agent, amount="30.00"):
    return compensation_propose(
        ticket=ticket,
        actor=agent,
        kind=CompensationKind.REFUND,
        amount=Decimal(amount),
        currency="EUR",
    )


# --- Access ---------------------------------------------------------------------


def test_anonymous_caller_cannot_take_a_step(anonymous):
    ticket = ticketed_complaint().ticket

    response = post(anonymous, ticket, "acknowledge/", {"method": "message", "message": "Hi"})

    assert_refused(response, 401, "not_authenticated", ticket)


def test_user_without_a_role_cannot_take_a_step(outsider_api):
    ticket = ticketed_complaint().ticket

    response = post(outsider_api, ticket, "acknowledge/", {"method": "message", "message": "Hi"})

    assert_refused(response, 403, "permission_denied", ticket)


def _every_step_url():
    """Each step's address on one ticket (with a proposed line for the ledger's steps)."""
    agent = AgentFactory()
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent)
    line = proposed(ticket, agent)
    return [
        ticket_url(ticket, step.route.replace("<int:compensation_id>", str(line.pk)))
        for step in STEPS
    ]


@pytest.mark.parametrize(
    ("client_name", "refused"),
    [("anonymous", 401), ("outsider_api", 403), ("agent_api", None), ("manager_api", None)],
)
def test_every_step_refuses_anonymous_and_roleless_callers_and_lets_staff_in(
    request, client_name, refused
):
    client = request.getfixturevalue(client_name)
    for url in _every_step_url():
        response = client.post(url, {}, format="json")
        if refused:
            assert response.status_code == refused, url
        elif response.status_code == 403:  # let in, but above the agents' approval limit
            assert error_of(response)["code"] == "approval_denied", url
        else:  # let in; an empty body may be wrong for this step, or the move illegal
            assert response.status_code in (200, 201, 400, 409), url


def test_step_on_an_unknown_reference_gets_404(agent_api):
    response = agent_api.post("/api/v1/tickets/AM-2345-6789/apologize/", {}, format="json")

    assert response.status_code == 404


def test_agent_takes_a_step_on_a_ticket_another_agent_holds(agent_api, agent):
    colleague = AgentFactory()
    ticket = ticket_in_status(Status.ACKNOWLEDGED, actor=colleague)
    post(agent_api, ticket, "assign/", {"assignee": colleague.pk})

    response = post(agent_api, ticket, "apologize/", {"text": "So sorry."})

    assert response.status_code == 200
    assert response.json()["status"] == Status.APOLOGIZED
    assert TicketEvent.objects.filter(ticket=ticket).last().actor == agent


def test_get_on_a_step_gets_405(agent_api):
    ticket = ticketed_complaint().ticket

    response = agent_api.get(ticket_url(ticket, "resolve/"))

    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


# --- Acknowledge and calls ------------------------------------------------------


def test_acknowledge_by_message_answers_the_ticket_as_it_now_is(agent_api):
    ticket = ticketed_complaint().ticket

    response = post(agent_api, ticket, "acknowledge/", {"method": "message", "message": "Hello"})

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == Status.ACKNOWLEDGED
    assert body["callback_due_at"] is None
    assert body["acknowledged_at"]
    assert body["version"] == ticket.version + 1


def test_acknowledge_by_phone_logs_the_call(agent_api):
    ticket = ticketed_complaint().ticket

    response = post(
        agent_api, ticket, "acknowledge/", {"method": "phone", "number_called": "06 12 34 56 78"}
    )

    assert response.status_code == 200
    assert response.json()["callback_attempts"][0]["number_called"] == "+33612345678"


def test_acknowledging_twice_gets_409_with_the_workflow_message(agent_api):
    ticket = ticket_in_status(Status.ACKNOWLEDGED)

    response = post(agent_api, ticket, "acknowledge/", {"method": "message", "message": "Hi"})

    assert_refused(response, 409, "illegal_transition", ticket)
    assert error_of(response)["message"] == "This ticket is already acknowledged."


def test_acknowledge_without_the_message_gets_400_on_that_field(agent_api):
    ticket = ticketed_complaint().ticket

    response = post(agent_api, ticket, "acknowledge/", {"method": "message"})

    assert_refused(response, 400, "invalid", ticket)
    assert list(error_of(response)["fields"]) == ["message"]


def test_step_with_an_old_version_gets_409_stale(agent_api):
    ticket = ticketed_complaint().ticket
    seen = ticket.version
    post(agent_api, ticket, "notes/", {"text": "A note does not bump the version."})
    post(agent_api, ticket, "priority/", {"priority": "high", "version": seen})
    ticket.refresh_from_db()

    response = post(
        agent_api, ticket, "acknowledge/", {"method": "message", "message": "Hi", "version": seen}
    )

    assert_refused(response, 409, "stale_ticket", ticket)
    assert "reload" in error_of(response)["message"]


def test_call_that_missed_is_logged_and_leaves_the_ticket_new(agent_api):
    ticket = ticketed_complaint().ticket

    response = post(
        agent_api,
        ticket,
        "callback-attempts/",
        {"number_called": "+33612345678", "outcome": "no_answer", "note": "Try at 6"},
    )

    assert response.status_code == 201
    assert response.json()["status"] == Status.NEW
    assert CallbackAttempt.objects.get().outcome == "no_answer"


def test_call_that_reached_a_new_tickets_customer_acknowledges_it(agent_api):
    ticket = ticketed_complaint().ticket

    response = post(
        agent_api,
        ticket,
        "callback-attempts/",
        {"number_called": "+33612345678", "outcome": "reached"},
    )

    assert response.status_code == 201
    assert response.json()["status"] == Status.ACKNOWLEDGED


def test_call_to_a_number_that_cannot_dial_gets_400(agent_api):
    ticket = ticketed_complaint().ticket

    response = post(
        agent_api, ticket, "callback-attempts/", {"number_called": "12", "outcome": "voicemail"}
    )

    assert_refused(response, 400, "invalid", ticket)
    assert "number_called" in error_of(response)["fields"]
    assert not CallbackAttempt.objects.exists()


# --- Apology and ledger ---------------------------------------------------------


def test_apologize_moves_an_acknowledged_ticket(agent_api):
    ticket = ticket_in_status(Status.ACKNOWLEDGED)

    response = post(agent_api, ticket, "apologize/", {"text": "We are sorry."})

    assert response.json()["status"] == Status.APOLOGIZED


def test_apologizing_before_the_first_contact_gets_409(agent_api):
    ticket = ticketed_complaint().ticket

    response = post(agent_api, ticket, "apologize/", {"text": "We are sorry."})

    assert_refused(response, 409, "illegal_transition", ticket)
    assert "acknowledge it first" in error_of(response)["message"]


def test_empty_apology_gets_400(agent_api):
    ticket = ticket_in_status(Status.ACKNOWLEDGED)

    response = post(agent_api, ticket, "apologize/", {"text": "  "})

    assert_refused(response, 400, "invalid", ticket)
    assert list(error_of(response)["fields"]) == ["text"]


def test_proposing_a_refund_adds_a_ledger_line_in_exact_cents(agent_api):
    ticket = ticket_in_status(Status.APOLOGIZED)

    response = post(
        agent_api, ticket, "compensations/", {"kind": "refund", "amount": 12.5, "currency": "eur"}
    )

    assert response.status_code == 201
    assert response.json()["status"] == Status.COMPENSATED
    line = Compensation.objects.get()
    assert (line.amount, line.currency) == (Decimal("12.50"), "EUR")


def test_refund_without_an_amount_gets_400_on_amount(agent_api):
    ticket = ticket_in_status(Status.APOLOGIZED)

    response = post(agent_api, ticket, "compensations/", {"kind": "refund"})

    assert_refused(response, 400, "invalid", ticket)
    assert list(error_of(response)["fields"]) == ["amount"]


def test_compensating_before_the_apology_gets_409(agent_api):
    ticket = ticket_in_status(Status.ACKNOWLEDGED)

    response = post(agent_api, ticket, "compensations/", {"kind": "none", "reason": "Nope"})

    assert_refused(response, 409, "illegal_transition", ticket)


def test_agent_approves_within_the_limit(agent_api, agent):
    ApprovalLimit.objects.create(currency="EUR", agent_limit=Decimal("50"))
    ticket = ticket_in_status(Status.APOLOGIZED)
    line = proposed(ticket, agent)

    response = post(agent_api, ticket, f"compensations/{line.pk}/approve/")

    assert response.status_code == 200
    assert response.json()["compensations"][0]["status"] == "approved"


def test_agent_approving_above_the_limit_gets_403_and_a_manager_may(agent_api, manager_api, agent):
    ApprovalLimit.objects.create(currency="EUR", agent_limit=Decimal("50"))
    ticket = ticket_in_status(Status.APOLOGIZED)
    line = proposed(ticket, agent, amount="80.00")
    assert agent_api.get(ticket_url(ticket)).json()["compensations"][0]["approvable"] is False

    refused = post(agent_api, ticket, f"compensations/{line.pk}/approve/")

    assert_refused(refused, 403, "approval_denied", ticket)
    assert post(manager_api, ticket, f"compensations/{line.pk}/approve/").status_code == 200


def test_agent_approving_the_second_half_of_a_split_amount_gets_403_naming_the_limit(
    agent_api, agent
):
    ApprovalLimit.objects.create(currency="EUR", agent_limit=Decimal("50"))
    ticket = ticket_in_status(Status.APOLOGIZED)
    first, second = proposed(ticket, agent, "45.00"), proposed(ticket, agent, "45.00")
    assert post(agent_api, ticket, f"compensations/{first.pk}/approve/").status_code == 200
    lines = agent_api.get(ticket_url(ticket)).json()["compensations"]
    assert [line["approvable"] for line in lines] == [False, False]  # approved; above the limit

    refused = post(agent_api, ticket, f"compensations/{second.pk}/approve/")

    assert_refused(refused, 403, "approval_denied", Ticket.objects.get(pk=ticket.pk))
    assert "up to €50.00 on this ticket (€45.00 already approved)" in error_of(refused)["message"]


def test_approving_twice_gets_409(agent_api, manager):
    ticket = ticket_in_status(Status.APOLOGIZED)
    line = proposed(ticket, manager)
    compensation_approve(compensation=line, actor=manager)
    ticket.refresh_from_db()

    response = post(agent_api, ticket, f"compensations/{line.pk}/approve/")

    assert_refused(response, 409, "illegal_transition", ticket)


def test_compensation_of_another_ticket_gets_404(agent_api, agent):
    ticket = ticket_in_status(Status.APOLOGIZED)
    elsewhere = proposed(ticket_in_status(Status.APOLOGIZED), agent)

    response = post(agent_api, ticket, f"compensations/{elsewhere.pk}/approve/")

    assert response.status_code == 404


def test_fulfilling_an_approved_line_then_following_up(agent_api, manager):
    ticket = ticket_in_status(Status.APOLOGIZED)
    line = proposed(ticket, manager)
    compensation_approve(compensation=line, actor=manager)

    fulfilled = post(agent_api, ticket, f"compensations/{line.pk}/fulfil/")
    follow_up = post(agent_api, ticket, "follow-up/")

    assert fulfilled.json()["compensations"][0]["status"] == "fulfilled"
    assert follow_up.json()["status"] == Status.FOLLOW_UP


def test_fulfilling_a_line_not_yet_approved_gets_409(agent_api, agent):
    ticket = ticket_in_status(Status.APOLOGIZED)
    line = proposed(ticket, agent)
    ticket.refresh_from_db()

    response = post(agent_api, ticket, f"compensations/{line.pk}/fulfil/")

    assert_refused(response, 409, "illegal_transition", ticket)


def test_declining_needs_a_reason(agent_api, agent):
    ticket = ticket_in_status(Status.APOLOGIZED)
    line = proposed(ticket, agent)
    ticket.refresh_from_db()

    refused = post(agent_api, ticket, f"compensations/{line.pk}/decline/")
    declined = post(agent_api, ticket, f"compensations/{line.pk}/decline/", {"reason": "Refused"})

    assert list(error_of(refused)["fields"]) == ["reason"]
    assert declined.json()["compensations"][0]["status"] == "declined"


def test_follow_up_while_a_line_waits_gets_409(agent_api, agent):
    ticket = ticket_in_status(Status.APOLOGIZED)
    proposed(ticket, agent)
    ticket.refresh_from_db()

    response = post(agent_api, ticket, "follow-up/")

    assert_refused(response, 409, "illegal_transition", ticket)
    assert "Fulfil or decline" in error_of(response)["message"]


# --- Closing, reopening ---------------------------------------------------------


def test_resolve_a_ticket_in_follow_up(agent_api):
    ticket = ticket_in_status(Status.FOLLOW_UP)

    response = post(agent_api, ticket, "resolve/", {"note": "Happy again."})

    assert response.json()["status"] == Status.RESOLVED


def test_resolving_a_new_ticket_gets_409(agent_api):
    ticket = ticketed_complaint().ticket

    assert_refused(post(agent_api, ticket, "resolve/"), 409, "illegal_transition", ticket)


def test_reopen_a_resolved_ticket_with_a_reason(agent_api):
    ticket = ticket_in_status(Status.RESOLVED)

    refused = post(agent_api, ticket, "reopen/")
    reopened = post(agent_api, ticket, "reopen/", {"reason": "Still broken"})

    assert list(error_of(refused)["fields"]) == ["reason"]
    assert reopened.json()["status"] == Status.ACKNOWLEDGED


def test_reopening_an_open_ticket_gets_409(agent_api):
    ticket = ticket_in_status(Status.ACKNOWLEDGED)

    response = post(agent_api, ticket, "reopen/", {"reason": "Why not"})

    assert_refused(response, 409, "illegal_transition", ticket)


def test_close_as_invalid_then_closing_again_gets_409(agent_api):
    ticket = ticketed_complaint().ticket

    closed = post(agent_api, ticket, "close/", {"reason": "Spam"})
    again = post(agent_api, ticket, "close/", {"reason": "Spam"})

    assert closed.json()["status"] == Status.CLOSED_INVALID
    assert_refused(again, 409, "illegal_transition", Ticket.objects.get(pk=ticket.pk))


# --- Assignment, priority, notes ------------------------------------------------


def test_assign_to_a_colleague_then_to_nobody(agent_api):
    colleague = AgentFactory()
    ticket = ticketed_complaint().ticket

    assigned = post(agent_api, ticket, "assign/", {"assignee": colleague.pk})
    unassigned = post(agent_api, ticket, "assign/", {"assignee": None})

    assert assigned.json()["assignee"]["id"] == colleague.pk
    assert unassigned.json()["assignee"] is None


@pytest.mark.parametrize("assignee", ["not-an-agent", 999999])
def test_assigning_to_someone_who_is_not_an_agent_gets_400(agent_api, assignee):
    if assignee == "not-an-agent":
        assignee = UserFactory().pk
    ticket = ticketed_complaint().ticket

    response = post(agent_api, ticket, "assign/", {"assignee": assignee})

    assert_refused(response, 400, "invalid", ticket)
    assert list(error_of(response)["fields"]) == ["assignee"]


def test_raising_the_priority_moves_the_callback_deadline(agent_api):
    ticket = ticketed_complaint().ticket
    before = ticket.callback_due_at

    response = post(agent_api, ticket, "priority/", {"priority": Priority.HIGH})

    ticket.refresh_from_db()
    assert response.json()["priority"] == Priority.HIGH
    assert ticket.callback_due_at < before


def test_priority_of_a_closed_ticket_gets_409(agent_api):
    ticket = ticket_in_status(Status.RESOLVED)

    response = post(agent_api, ticket, "priority/", {"priority": Priority.HIGH})

    assert_refused(response, 409, "illegal_transition", ticket)


def test_unknown_priority_gets_400(agent_api):
    ticket = ticketed_complaint().ticket

    response = post(agent_api, ticket, "priority/", {"priority": "urgent"})

    assert list(error_of(response)["fields"]) == ["priority"]


def test_internal_note_and_customer_message(agent_api):
    ticket = ticketed_complaint().ticket

    note = post(agent_api, ticket, "notes/", {"text": "Depot called."})
    message = post(agent_api, ticket, "notes/", {"text": "On its way!", "customer_visible": True})

    assert note.status_code == message.status_code == 201
    kinds = [(e["kind"], e["customer_visible"]) for e in message.json()["events"]]
    assert ("note", False) in kinds
    assert ("agent_message", True) in kinds


def test_empty_note_gets_400(agent_api):
    ticket = ticketed_complaint().ticket

    response = post(agent_api, ticket, "notes/", {"text": ""})

    assert list(error_of(response)["fields"]) == ["text"]
