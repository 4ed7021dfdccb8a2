"""Two tabs on one ticket: the step refused in the out-of-date tab keeps what was typed."""

import re

import pytest

from recovery.choices import Status
from recovery.models import Ticket
from tests.browser.test_recovery_in_browser import log_in, next_step, take
from tests.factories import AgentFactory, CustomerFactory, ticketed_complaint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TYPED = "Dear Grace, I read your message and I am on it: you will hear from me today."


def test_a_step_refused_in_a_stale_tab_comes_back_at_the_ticket_with_the_typed_text(
    live_server, page
):
    AgentFactory(username="alex")
    complaint = ticketed_complaint(customer=CustomerFactory(phone="+33612345678"))
    ticket_url = f"{live_server.url}/agent/tickets/{complaint.reference}/"
    log_in(page, live_server, "alex")
    tab_a = page
    tab_b = page.context.new_page()
    tab_a.goto(ticket_url)
    tab_b.goto(ticket_url)

    # Tab A reaches the customer by phone: the ticket is acknowledged.
    next_step(tab_a).get_by_label("Reached the customer").check()
    take(tab_a, next_step(tab_a).get_by_role("button", name="Log the call"))

    # Tab B, still showing the new ticket, acknowledges by message.
    next_step(tab_b).get_by_label("Message you sent the customer").fill(TYPED)
    with tab_b.expect_navigation():
        next_step(tab_b).get_by_role("button", name="Acknowledge by message").click()

    assert tab_b.url == ticket_url  # not the step's POST address: a reload sends nothing
    warning = tab_b.locator(".messages .alert--warning")
    assert "changed while you were working on it" in warning.inner_text()
    kept = tab_b.locator("[data-draft] textarea")
    assert kept.input_value() == TYPED
    assert "Message you sent the customer" in tab_b.locator("[data-draft]").inner_text()
    assert Ticket.objects.get(pk=complaint.ticket.pk).status == Status.ACKNOWLEDGED

    # The text is given back once: a reload shows the ticket as it is, without it.
    tab_b.reload()
    tab_b.wait_for_url(re.compile(rf"/agent/tickets/{complaint.reference}/$"))
    assert tab_b.locator("[data-draft]").count() == 0
    assert tab_a.errors == []
