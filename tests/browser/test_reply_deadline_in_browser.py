"""The next-reply promise in Chromium: the customer writes, the agent sees the deadline, waits, answers."""

import re

import pytest
from django.urls import reverse

from recovery.choices import EventKind, Status
from recovery.models import Ticket
from tests.factories import AgentFactory, ticket_in_status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_customer_message_owes_a_reply_the_agent_waits_then_answers(live_server, new_page):
    agent = AgentFactory(username="ana")
    ticket = ticket_in_status(Status.ACKNOWLEDGED, actor=agent)

    # The customer writes from their tracking page, and reads when we will answer.
    customer = new_page(timezone_id="America/Montreal")
    customer.goto(
        live_server.url + reverse("complaints:track", args=[ticket.complaint.tracking_token])
    )
    customer.locator("section[aria-labelledby=message-title] textarea").fill("Where is my parcel?")
    customer.get_by_role("button", name="Send my message").click()
    customer.get_by_text("We will answer your message by").wait_for()

    page = new_page()
    page.goto(f"{live_server.url}/agent/tickets/{ticket.reference}/")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(rf"/agent/tickets/{ticket.reference}/$"))
    clock = page.locator("#reply-clock")
    assert "in " in clock.inner_text()  # "in 23 hours, 59 minutes"

    # By keyboard: the button by its name, its purpose in its description.
    wait = clock.get_by_role("button", name="Wait on the customer")
    wait.focus()
    page.keyboard.press("Enter")
    page.get_by_text("Waiting on the customer: the reply deadline is paused.").wait_for()
    assert "Waiting on the customer since" in page.locator("#reply-clock").inner_text()
    assert Ticket.objects.get(pk=ticket.pk).reply_remaining is not None

    page.locator("#reply-clock").get_by_role("button", name="Stop waiting").click()
    page.get_by_text("No longer waiting on the customer.", exact=True).wait_for()
    message = page.get_by_label("Message to the customer")
    message.fill("It left our warehouse this morning.")
    page.get_by_role("button", name="Send to the customer").click()
    page.get_by_text("Message added").wait_for()
    assert "No message waiting for an answer" in page.locator("#reply-clock").inner_text()
    saved = Ticket.objects.get(pk=ticket.pk)
    assert (saved.reply_due_at, saved.awaiting_customer_since) == (None, None)
    assert saved.events.filter(kind=EventKind.AWAITING_CUSTOMER).count() == 2
    assert page.errors == [] and customer.errors == []
