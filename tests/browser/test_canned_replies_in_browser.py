"""An agent starts an apology from a canned one in a real headless Chromium, edits it, sends it."""

import re

import pytest

from recovery.choices import Status
from recovery.models import CannedKind, CannedReply
from tests.browser.conftest import screenshot
from tests.factories import AgentFactory, CustomerFactory, ticket_in_status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(live_server.url + "/agent/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/agent/$"))


def test_an_agent_picks_a_canned_apology_edits_it_and_the_customer_sees_the_edit(live_server, page):
    alex = AgentFactory(username="alex", first_name="Alex", last_name="Martin")
    ticket = ticket_in_status(
        Status.ACKNOWLEDGED, actor=alex, customer=CustomerFactory(name="Grace Hopper")
    )
    CannedReply.objects.create(
        title="Damaged on delivery",
        kind=CannedKind.APOLOGY,
        language="en",
        text="Dear {first_name}, I am sorry: your order {reference} should never have "
        "reached you in that state. {agent_name}",
    )
    log_in(page, live_server, "alex")
    page.goto(f"{live_server.url}/agent/tickets/{ticket.reference}/")
    step = page.locator("#next-step")
    box = step.get_by_label("Apology")
    assert box.input_value() == ""

    # The script fills the box in place: no reload, the filled text, the focus on it.
    url = page.url
    step.get_by_role("link", name="Damaged on delivery").click()
    filled = (
        f"Dear Grace, I am sorry: your order {ticket.reference} should never have "
        "reached you in that state. Alex Martin"
    )
    assert box.input_value() == filled
    assert page.url == url
    assert page.evaluate("document.activeElement.name") == "apology-text"
    screenshot(page, "canned-reply", full_page=False)

    # The agent makes it theirs before sending.
    edited = filled.replace("I am sorry", "I am truly sorry, the vase was a gift")
    box.fill(edited)
    with page.expect_navigation():
        step.get_by_role("button", name="Record the apology").click()
    assert "Apology recorded." in page.locator(".messages").inner_text()
    assert not page.errors

    # The customer's tracking page shows the words as edited.
    page.goto(f"{live_server.url}/track/{ticket.complaint.tracking_token}/")
    timeline = page.locator("main").inner_text()
    assert "I am truly sorry, the vase was a gift" in timeline
    assert "{first_name}" not in timeline
