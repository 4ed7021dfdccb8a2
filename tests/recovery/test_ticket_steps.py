"""The steps on the ticket page, each a POST to its own address, and what a refusal looks like."""

import pytest
from django.urls import reverse

from recovery.choices import CallbackOutcome, EventKind, Status
from recovery.models import CallbackAttempt
from recovery.services import ticket_apologize
from tests.factories import AgentFactory, CustomerFactory, UserFactory, ticket_in_status
from tests.recovery.page_steps import assert_back_on_the_page, fresh, step

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_ticket(agent):
    return ticket_in_status(Status.NEW, actor=agent, customer=CustomerFactory(phone="+33612345678"))


# Contact ------------------------------------------------------------------


def test_a_call_that_reached_the_customer_acknowledges_a_new_ticket(agent_client, new_ticket):
    response = step(
        agent_client,
        new_ticket,
        "ticket_callback",
        "call",
        number_called="06 12 34 56 78",
        outcome=CallbackOutcome.REACHED,
        note="Happy to hear from us.",
        follow=True,
    )
    assert response.redirect_chain == [(reverse("agent:ticket", args=[new_ticket.reference]), 302)]
    assert "the ticket is acknowledged" in response.text
    row = fresh(new_ticket)
    assert row.status == Status.ACKNOWLEDGED
    assert row.callback_due_at is None
    attempt = CallbackAttempt.objects.get(ticket=new_ticket)
    assert (attempt.number_called, attempt.outcome) == ("+33612345678", CallbackOutcome.REACHED)


def test_an_unanswered_call_is_logged_and_the_ticket_still_waits_for_its_callback(
    agent_client, new_ticket
):
    response = step(
        agent_client,
        new_ticket,
        "ticket_callback",
        "call",
        number_called="+33612345678",
        outcome=CallbackOutcome.VOICEMAIL,
    )
    assert_back_on_the_page(response, new_ticket)
    assert fresh(new_ticket).status == Status.NEW
    assert new_ticket.callback_attempts.get().outcome == CallbackOutcome.VOICEMAIL


def test_a_number_that_cannot_be_dialled_is_shown_beside_its_field(agent_client, new_ticket):
    response = step(
        agent_client,
        new_ticket,
        "ticket_callback",
        "call",
        number_called="not a number",
        outcome=CallbackOutcome.REACHED,
    )
    assert response.status_code == 400
    assert 'id="id_call-number_called_error"' in response.text
    assert 'value="not a number"' in response.text
    assert fresh(new_ticket).status == Status.NEW
    assert not new_ticket.callback_attempts.exists()


def test_acknowledging_by_message_shows_the_customer_the_message(agent_client, new_ticket):
    response = step(
        agent_client, new_ticket, "ticket_acknowledge", "ack", message="Hello, Ana from Amends."
    )
    assert_back_on_the_page(response, new_ticket)
    event = fresh(new_ticket).events.get(to_status=Status.ACKNOWLEDGED)
    assert event.customer_visible and event.payload["text"] == "Hello, Ana from Amends."


def test_an_empty_acknowledgement_message_is_refused_beside_the_field(agent_client, new_ticket):
    response = step(agent_client, new_ticket, "ticket_acknowledge", "ack", message="  ")
    assert response.status_code == 400
    assert 'id="id_ack-message_error"' in response.text
    assert "Write the message you sent the customer." in response.text
    assert fresh(new_ticket).status == Status.NEW


def test_the_apology_is_recorded_in_the_agents_words(agent_client, agent):
    ticket = ticket_in_status(Status.ACKNOWLEDGED, actor=agent)
    response = step(agent_client, ticket, "ticket_apologize", "apology", text="We are sorry.")
    assert_back_on_the_page(response, ticket)
    event = fresh(ticket).events.get(to_status=Status.APOLOGIZED)
    assert event.payload["text"] == "We are sorry."
    assert event.actor == agent


# How refusals look ------------------------------------------------------------


def test_a_move_the_ticket_cannot_make_shows_why_and_changes_nothing(agent_client, new_ticket):
    before = fresh(new_ticket)
    response = step(agent_client, new_ticket, "ticket_apologize", "apology", text="Sorry!")
    assert response.status_code == 409
    assert "cannot be marked as apologized for: acknowledge it first." in response.text
    after = fresh(new_ticket)
    assert (after.status, after.version) == (before.status, before.version)
    assert after.events.count() == before.events.count()


def test_a_step_from_an_out_of_date_page_is_refused_and_the_page_shows_the_ticket_now(
    agent_client, agent
):
    ticket = ticket_in_status(Status.ACKNOWLEDGED, actor=agent)
    seen = ticket.version
    colleague = AgentFactory()
    ticket_apologize(ticket=fresh(ticket), actor=colleague, text="Sorry, from a colleague.")
    response = step(
        agent_client, ticket, "ticket_apologize", "apology", version=seen, text="Mine, later."
    )
    # Back at the ticket's own address (a reload posts nothing), with what was typed kept.
    assert_back_on_the_page(response, ticket)
    page = agent_client.get(response["Location"]).content.decode()
    assert "This ticket changed while you were working on it" in page
    assert "Mine, later." in page
    # The page is the ticket as it is now: the colleague's apology, the next step after it.
    assert "Sorry, from a colleague." in page
    assert f'-version" value="{fresh(ticket).version}"' in page
    assert fresh(ticket).events.filter(to_status=Status.APOLOGIZED).count() == 1


def test_a_missing_version_is_refused_as_bad_input(agent_client, new_ticket):
    response = step(
        agent_client, new_ticket, "ticket_acknowledge", "ack", version=False, message="Hi"
    )
    assert response.status_code == 400
    assert fresh(new_ticket).status == Status.NEW


def test_anonymous_steps_are_sent_to_log_in(client, new_ticket):
    response = step(client, new_ticket, "ticket_acknowledge", "ack", message="Hi")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert fresh(new_ticket).status == Status.NEW


def test_a_user_who_is_not_an_agent_cannot_take_steps(client, new_ticket):
    client.force_login(UserFactory())
    response = step(client, new_ticket, "ticket_acknowledge", "ack", message="Hi")
    assert response.status_code == 403
    assert fresh(new_ticket).status == Status.NEW


def test_steps_are_posts_only(agent_client, new_ticket):
    url = reverse("agent:ticket_acknowledge", args=[new_ticket.reference])
    assert agent_client.get(url).status_code == 405


def test_a_step_on_an_unknown_ticket_is_not_found(agent_client):
    response = agent_client.post("/agent/tickets/AM-NOPE-0000/apologize/", {"apology-version": 1})
    assert response.status_code == 404


# Follow-up, resolution, closing --------------------------------------------------


def test_the_follow_up_waits_until_the_ledger_is_settled(agent_client, agent):
    from recovery.compensation import compensation_propose

    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent)
    compensation_propose(ticket=ticket, actor=agent, kind="gift", description="Flowers")
    response = step(agent_client, fresh(ticket), "ticket_start_follow_up", "follow_up")
    assert response.status_code == 409
    assert "Fulfil or decline every compensation before starting the follow-up." in response.text
    assert fresh(ticket).status == Status.COMPENSATED


def test_a_settled_ticket_moves_to_follow_up_then_resolves(agent_client, agent):
    ticket = ticket_in_status(Status.COMPENSATED, actor=agent)
    assert_back_on_the_page(
        step(agent_client, ticket, "ticket_start_follow_up", "follow_up"), ticket
    )
    ticket = fresh(ticket)
    assert ticket.status == Status.FOLLOW_UP
    response = step(agent_client, ticket, "ticket_resolve", "resolve", note="Customer is happy.")
    assert_back_on_the_page(response, ticket)
    ticket = fresh(ticket)
    assert ticket.status == Status.RESOLVED
    assert ticket.events.get(to_status=Status.RESOLVED).payload["note"] == "Customer is happy."


def test_a_resolved_ticket_reopens_with_a_reason(agent_client, agent):
    ticket = ticket_in_status(Status.RESOLVED, actor=agent)
    response = step(agent_client, ticket, "ticket_reopen", "reopen", reason="")
    assert response.status_code == 400
    assert 'id="id_reopen-reason_error"' in response.text
    response = step(agent_client, ticket, "ticket_reopen", "reopen", reason="Voucher bounced.")
    assert_back_on_the_page(response, ticket)
    assert fresh(ticket).status == Status.ACKNOWLEDGED


def test_closing_as_invalid_needs_a_reason(agent_client, new_ticket):
    response = step(agent_client, new_ticket, "ticket_close_invalid", "close", reason=" ")
    assert response.status_code == 400
    assert "Say why the ticket is invalid." in response.text
    assert fresh(new_ticket).status == Status.NEW
    response = step(agent_client, new_ticket, "ticket_close_invalid", "close", reason="Spam")
    assert_back_on_the_page(response, new_ticket)
    assert fresh(new_ticket).status == Status.CLOSED_INVALID


# Assignment and notes -----------------------------------------------------------


def test_an_agent_claims_then_hands_over_then_unassigns(agent_client, agent, new_ticket):
    colleague = AgentFactory()
    assert_back_on_the_page(step(agent_client, new_ticket, "ticket_claim", "claim"), new_ticket)
    assert fresh(new_ticket).assignee == agent
    response = step(
        agent_client, fresh(new_ticket), "ticket_assign", "assign", assignee=colleague.pk
    )
    assert_back_on_the_page(response, new_ticket)
    assert fresh(new_ticket).assignee == colleague
    step(agent_client, fresh(new_ticket), "ticket_unassign", "unassign")
    assert fresh(new_ticket).assignee is None


def test_only_agents_are_offered_for_assignment(agent_client, new_ticket):
    outsider = UserFactory()
    response = step(agent_client, new_ticket, "ticket_assign", "assign", assignee=outsider.pk)
    assert response.status_code == 400
    assert 'id="id_assign-assignee_error"' in response.text
    assert fresh(new_ticket).assignee is None


def test_an_internal_note_stays_internal_and_a_message_reaches_the_customer(
    agent_client, new_ticket
):
    step(agent_client, new_ticket, "ticket_note", "note", version=False, text="Regular buyer.")
    step(agent_client, new_ticket, "ticket_message", "message", version=False, text="On it!")
    note = new_ticket.events.get(kind=EventKind.NOTE)
    message = new_ticket.events.get(kind=EventKind.AGENT_MESSAGE)
    assert not note.customer_visible and note.payload["text"] == "Regular buyer."
    assert message.customer_visible and message.payload["text"] == "On it!"


def test_an_empty_note_is_refused_beside_the_field(agent_client, new_ticket):
    response = step(agent_client, new_ticket, "ticket_note", "note", version=False, text="")
    assert response.status_code == 400
    assert 'id="id_note-text_error"' in response.text
    assert not new_ticket.events.filter(kind=EventKind.NOTE).exists()
