"""Agents and a manager work a ticket from the queue to resolution in a real headless Chromium."""

import re

import pytest

from recovery.choices import CompensationStatus, Status
from recovery.models import ApprovalLimit, Compensation
from tests.browser.conftest import screenshot
from tests.factories import (
    AgentFactory,
    CategoryFactory,
    CustomerFactory,
    ManagerFactory,
    ticketed_complaint,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def complaint(transactional_db):
    ApprovalLimit.objects.create(currency="EUR", agent_limit=50)
    return ticketed_complaint(
        customer=CustomerFactory(name="Grace Hopper", phone="+33612345678"),
        category=CategoryFactory(name_en="Damaged product", name_fr="Produit abîmé"),
        description="The vase arrived in pieces; the box was crushed on one side.",
        remedy_sought="A new vase, or my money back.",
        nps_at_intake=3,
    )


def log_in(page, live_server, username):
    page.goto(live_server.url + "/agent/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/agent/$"))


def next_step(page):
    return page.locator("#next-step")


def take(page, button):
    """Click a step's button and wait for the page it redirects back to."""
    with page.expect_navigation():
        button.click()
    page.locator(".alert--success").wait_for()


def test_an_agent_takes_a_new_ticket_from_the_queue_to_resolved(live_server, page, complaint):
    AgentFactory(username="alex", first_name="Alex", last_name="Martin")
    log_in(page, live_server, "alex")
    page.get_by_role("link", name=complaint.reference).click()
    page.wait_for_url(re.compile(rf"/agent/tickets/{complaint.reference}/$"))
    step = next_step(page)
    assert "Call the customer back" in step.inner_text()
    assert "Due by" in step.inner_text()

    # The call: the number is the customer's; "reached" acknowledges the ticket.
    assert step.get_by_label("Number called").input_value() == "+33612345678"
    step.get_by_label("Reached the customer").check()
    step.get_by_label("Note").fill("Spoke to Grace; she would like a voucher.")
    take(page, step.get_by_role("button", name="Log the call"))
    assert "the ticket is acknowledged" in page.locator(".messages").inner_text()

    # The apology with the keyboard alone: type, Tab to the button, Enter.
    step.get_by_label("Apology").focus()
    page.keyboard.type("We are truly sorry: the vase should never have left us so.")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Record the apology"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Apology recorded." in page.locator(".messages").inner_text()

    # Mid-way: the compensation form, with what the customer asked for beside it.
    assert "A new vase, or my money back." in step.inner_text()
    screenshot(page, "agent-ticket")
    step.get_by_label("Kind").select_option(label="Voucher")
    step.get_by_label("Amount").fill("20")
    step.get_by_label("Currency").fill("EUR")
    step.get_by_label("Description").fill("A 20 EUR voucher, valid one year.")
    take(page, step.get_by_role("button", name="Propose the compensation"))

    # 20 EUR is within the agent's limit: the agent approves it, then hands it
    # over with its code and how to use it, which the customer's email carries.
    take(page, step.get_by_role("button", name=re.compile(r"^Approve")))
    step.get_by_label("Code").fill("SORRY-20-GRACE")
    step.get_by_label("How to use it").fill("Enter it at checkout before next December.")
    take(page, step.get_by_role("button", name=re.compile(r"^Mark as handed over")))
    take(page, step.get_by_role("button", name="Start the follow-up"))
    step.get_by_label("How the follow-up went").fill("Voucher used; Grace is happy.")
    take(page, step.get_by_role("button", name="Resolve the ticket"))

    assert "the ticket is resolved" in step.inner_text()
    timeline = page.locator("section[aria-labelledby=timeline-title]").text_content()
    for seen in (
        "Call: Reached the customer",
        "Status changed from New to Acknowledged",
        "We are truly sorry",
        "Status changed from Acknowledged to Apologized",
        "Compensation proposed: Voucher",
        "Status changed from Apologized to Compensated",
        "Compensation approved: Voucher",
        "Compensation handed over: Voucher",
        "Status changed from Compensated to Follow-up",
        "Status changed from Follow-up to Resolved",
        "Voucher used; Grace is happy.",
        "Alex Martin",
    ):
        assert seen in timeline, seen
    complaint.ticket.refresh_from_db()
    assert complaint.ticket.status == Status.RESOLVED
    assert page.errors == []


def test_a_refund_above_the_agents_limit_waits_for_a_manager(live_server, new_page, complaint):
    AgentFactory(username="alex")
    ManagerFactory(username="morgan", first_name="Morgan", last_name="Lee")
    ticket = complaint.ticket
    page = new_page()
    log_in(page, live_server, "alex")
    page.goto(f"{live_server.url}/agent/tickets/{complaint.reference}/")
    step = next_step(page)
    step.get_by_label("Reached the customer").check()
    take(page, step.get_by_role("button", name="Log the call"))
    step.get_by_label("Apology").fill("We are sorry.")
    take(page, step.get_by_role("button", name="Record the apology"))
    step.get_by_label("Kind").select_option(label="Refund")
    step.get_by_label("Amount").fill("200")
    step.get_by_label("Description").fill("The vase's full price.")
    take(page, step.get_by_role("button", name="Propose the compensation"))

    assert "Needs a manager's approval" in step.inner_text()
    assert step.get_by_role("button", name=re.compile(r"^Approve")).count() == 0

    manager_page = new_page()
    log_in(manager_page, live_server, "morgan")
    manager_page.goto(f"{live_server.url}/agent/tickets/{complaint.reference}/")
    step = next_step(manager_page)
    assert "Approve the compensation" in step.inner_text()
    assert "€200.00" in step.inner_text()
    screenshot(manager_page, "manager-approval")
    take(manager_page, step.get_by_role("button", name=re.compile(r"^Approve")))
    assert "Fulfil the compensation" in step.inner_text()

    line = Compensation.objects.get(ticket=ticket)
    assert line.status == CompensationStatus.APPROVED
    assert line.approved_by.username == "morgan"
    assert page.errors == [] and manager_page.errors == []
