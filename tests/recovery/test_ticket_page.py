"""The agent's ticket page: the next step first, the ledger, the timeline, at a fixed cost."""

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat
from django.utils.timezone import localtime

from complaints.models import Attachment
from recovery.choices import CallbackOutcome, CompensationKind, Status
from recovery.compensation import compensation_approve, compensation_fulfil, compensation_propose
from recovery.models import ApprovalLimit
from recovery.services import callback_attempt_record, ticket_add_note, ticket_assign
from tests.factories import (
    AgentFactory,
    CustomerFactory,
    ManagerFactory,
    UserFactory,
    ticket_in_status,
    ticketed_complaint,
)

pytestmark = pytest.mark.django_db

# What the page costs, whatever the ticket holds: session, user, the user's
# groups; the ticket (with complaint, customer, category, assignee), its
# attachments, ledger, timeline and emails; the earlier complaints; the
# approval limits; the agents one may assign to; the canned replies offered
# (one query whatever the library holds: tests/recovery/test_canned_replies.py);
# the categories and the root causes the record's two forms offer.
PAGE_QUERIES = 14


def page_url(ticket):
    return reverse("agent:ticket", args=[ticket.reference])


def next_step_section(response):
    match = re.search(r'<section[^>]*id="next-step".*?</section>', response.text, re.S)
    assert match, "the page has no next-step section"
    return match.group(0)


def test_anonymous_visitor_is_sent_to_log_in(client, agent):
    ticket = ticket_in_status(Status.NEW, actor=agent)
    response = client.get(page_url(ticket))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_who_is_not_an_agent_is_refused(client, agent):
    ticket = ticket_in_status(Status.NEW, actor=agent)
    client.force_login(UserFactory())
    assert client.get(page_url(ticket)).status_code == 403


def test_an_unknown_reference_is_not_found(agent_client):
    assert agent_client.get("/agent/tickets/AM-NOPE-0000/").status_code == 404


@pytest.mark.parametrize(
    ("status", "label", "action"),
    [
        (Status.NEW, "Call the customer back", "ticket_callback"),
        (Status.ACKNOWLEDGED, "Apologize", "ticket_apologize"),
        (Status.APOLOGIZED, "Propose a compensation", "ticket_compensate"),
        (Status.COMPENSATED, "Start the follow-up", "ticket_start_follow_up"),
        (Status.FOLLOW_UP, "Follow up and resolve", "ticket_resolve"),
        (Status.RESOLVED, "the ticket is resolved", "ticket_reopen"),
    ],
)
def test_the_page_leads_with_the_next_steps_form(agent_client, agent, status, label, action):
    ticket = ticket_in_status(status, actor=agent)
    response = agent_client.get(page_url(ticket))
    assert response.status_code == 200
    section = next_step_section(response)
    assert label in section
    assert f'action="{reverse(f"agent:{action}", args=[ticket.reference])}"' in section
    # The next step comes before the complaint itself.
    assert response.text.index('id="next-step"') < response.text.index('id="complaint-title"')


def test_a_new_ticket_says_by_when_to_call_and_offers_the_customers_number(agent_client, agent):
    ticket = ticket_in_status(
        Status.NEW, actor=agent, customer=CustomerFactory(phone="+33612345678")
    )
    section = next_step_section(agent_client.get(page_url(ticket)))
    assert f'datetime="{dateformat.format(localtime(ticket.callback_due_at), "c")}"' in section
    assert 'value="+33612345678"' in section
    assert reverse("agent:ticket_acknowledge", args=[ticket.reference]) in section


def test_a_closed_ticket_has_nothing_left_to_do(agent_client, agent):
    ticket = ticket_in_status(Status.CLOSED_INVALID, actor=agent)
    section = next_step_section(agent_client.get(page_url(ticket)))
    assert "Nothing to do" in section
    assert "<form" not in section


def test_every_step_form_carries_the_version_the_page_shows(agent_client, agent):
    ticket = ticket_in_status(Status.NEW, actor=agent)
    ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    text = agent_client.get(page_url(ticket)).text
    versions = re.findall(r'name="[\w-]+-version" value="(\d+)"', text)
    assert versions and set(versions) == {str(ticket.version)}


def timeline_item(text, needle):
    """The timeline item holding ``needle``, from its opening tag to ``needle``."""
    end = text.index(needle)
    return text[text.rindex('<li class="timeline__item', 0, end) : end]


def test_notes_and_customer_messages_are_told_apart(agent_client, agent):
    ticket = ticket_in_status(Status.ACKNOWLEDGED, actor=agent)
    ticket_add_note(ticket=ticket, actor=agent, text="Sounds like a regular.")
    ticket_add_note(ticket=ticket, actor=agent, text="We are on it.", customer_visible=True)
    text = agent_client.get(page_url(ticket)).text
    # The two ways to write are labelled, not only coloured.
    assert "The customer will see this" in text
    assert "Only agents see this." in text
    note = timeline_item(text, "Sounds like a regular.")
    message = timeline_item(text, "We are on it.")
    assert "timeline__item--internal" in note and "Internal" in note
    assert "timeline__item--internal" not in message
    assert "Seen by the customer" in message and "timeline__body--customer" in message


def test_the_page_speaks_french_to_a_french_agent(agent_client, agent):
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent)
    text = agent_client.get(page_url(ticket), HTTP_ACCEPT_LANGUAGE="fr").text
    assert "Prochaine étape" in text
    assert "Proposer le dédommagement" in text
    assert "Le client a demandé" in text


def test_the_timeline_shows_moves_calls_ledger_and_assignments_with_who(agent_client, agent):
    agent.first_name, agent.last_name = "Ana", "Silva"
    agent.save()
    ticket = ticket_in_status(Status.NEW, actor=agent, customer=CustomerFactory(phone=""))
    callback_attempt_record(
        ticket=ticket,
        actor=agent,
        number_called="+33612345678",
        outcome=CallbackOutcome.NO_ANSWER,
    )
    ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    text = agent_client.get(page_url(ticket)).text
    assert "Call: No answer" in text
    assert "Called +33612345678" in text
    assert "Taken by Ana Silva" in text
    assert "Ana Silva" in text

    ticket = ticket_in_status(Status.COMPENSATED, actor=agent)
    text = agent_client.get(page_url(ticket)).text
    assert "Status changed from Apologized to Compensated" in text
    assert "Compensation recorded: No compensation" in text


def test_an_agent_sees_that_an_amount_above_the_limit_needs_a_manager(client, agent, manager):
    ApprovalLimit.objects.create(currency="EUR", agent_limit=50)
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent)
    line = compensation_propose(
        ticket=ticket, actor=agent, kind=CompensationKind.REFUND, amount="200", currency="EUR"
    )
    approve = reverse("agent:ticket_compensation_approve", args=[ticket.reference, line.pk])

    client.force_login(agent)
    text = client.get(page_url(ticket)).text
    assert "Needs a manager's approval" in text
    assert approve not in text

    client.force_login(manager)
    text = client.get(page_url(ticket)).text
    assert approve in text
    assert "Needs a manager's approval" not in text


def test_an_agent_may_approve_within_the_limit(agent_client, agent):
    ApprovalLimit.objects.create(currency="EUR", agent_limit=50)
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent)
    line = compensation_propose(
        ticket=ticket, actor=agent, kind=CompensationKind.VOUCHER, amount="20", currency="EUR"
    )
    text = agent_client.get(page_url(ticket)).text
    assert reverse("agent:ticket_compensation_approve", args=[ticket.reference, line.pk]) in text


def test_the_customers_earlier_complaints_are_listed(agent_client, agent):
    customer = CustomerFactory()
    earlier = ticketed_complaint(customer=customer)
    ticket = ticket_in_status(Status.NEW, actor=agent, customer=customer)
    text = agent_client.get(page_url(ticket)).text
    assert reverse("agent:ticket", args=[earlier.reference]) in text


class _Controls(HTMLParser):
    """The page's form controls (but hidden inputs) and the ids its labels point at."""

    def __init__(self):
        super().__init__()
        self.controls, self.labelled = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label" and attrs.get("for"):
            self.labelled.add(attrs["for"])
        elif tag in ("input", "select", "textarea") and attrs.get("type") != "hidden":
            self.controls.append(attrs.get("id") or attrs.get("name"))


@pytest.mark.parametrize("status", [Status.NEW, Status.APOLOGIZED, Status.RESOLVED])
def test_every_control_on_the_page_has_a_label(agent_client, agent, status):
    ticket = ticket_in_status(status, actor=agent)
    parser = _Controls()
    parser.feed(agent_client.get(page_url(ticket)).text)
    assert parser.controls
    assert [c for c in parser.controls if c not in parser.labelled] == []


def busy_ticket(agent):
    """A ticket with a long history: 5 earlier complaints, 3 attachments, 5 ledger lines, 30+ events."""
    customer = CustomerFactory(phone="+33612345678")
    for _ in range(5):
        ticketed_complaint(customer=customer)
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent, customer=customer)
    for n in range(3):
        Attachment.objects.create(
            complaint=ticket.complaint,
            file=f"attachments/{n}.png",
            stored_name=f"{n}.png",
            original_name=f"photo-{n}.png",
            content_type="image/png",
            size=1000 + n,
        )
    manager = ManagerFactory()
    lines = [
        compensation_propose(
            ticket=ticket,
            actor=agent,
            kind=CompensationKind.VOUCHER,
            amount=str(10 * (n + 1)),
            currency="EUR",
            description=f"Voucher {n}",
        )
        for n in range(5)
    ]
    for line in lines[:3]:
        compensation_approve(compensation=line, actor=manager)
    compensation_fulfil(
        compensation=lines[0], actor=agent, code="SORRY-10", redeem_instructions="At checkout."
    )
    ticket_assign(ticket=ticket, assignee=AgentFactory(), actor=manager)
    for n in range(10):
        ticket_add_note(ticket=ticket, actor=agent, text=f"Note {n}", customer_visible=n % 2 == 0)
        callback_attempt_record(
            ticket=ticket, actor=agent, number_called="+33612345678", outcome="no_answer"
        )
    assert ticket.events.count() >= 30
    return ticket


def test_the_page_costs_the_same_queries_however_long_the_history(
    client, agent, django_assert_num_queries
):
    ApprovalLimit.objects.create(currency="EUR", agent_limit=50)
    quiet = ticket_in_status(Status.NEW, actor=agent)
    busy = busy_ticket(agent)
    assert quiet.events.count() == 1
    client.force_login(agent)

    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(page_url(quiet)).status_code == 200
    client.force_login(agent)
    with CaptureQueriesContext(connection) as busy_queries:
        response = client.get(page_url(busy))
    assert response.status_code == 200
    assert "Voucher 4" in response.text and "Note 9" in response.text
    assert len(busy_queries) == PAGE_QUERIES
