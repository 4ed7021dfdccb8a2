"""An agent goes from a ticket to the customer's page in a real headless Chromium and reads the history."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from recovery.choices import CompensationKind, CompensationStatus, Status
from recovery.models import Compensation, Survey
from tests.browser.conftest import screenshot
from tests.factories import (
    AgentFactory,
    CustomerFactory,
    ManagerFactory,
    ticket_in_status,
    ticketed_complaint,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(live_server.url + "/agent/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/agent/$"))


def _customer_with_a_history(agent):
    customer = CustomerFactory(
        name="Amélie Durand", email="amelie.durand@example.com", phone="+33612345678"
    )
    now = timezone.now()
    first = ticket_in_status(
        Status.RESOLVED,
        actor=agent,
        customer=customer,
        nps_at_intake=3,
        submitted_at=now - timedelta(days=120),
    )
    Compensation.objects.create(
        ticket=first,
        kind=CompensationKind.VOUCHER,
        amount=Decimal("25.00"),
        currency="EUR",
        status=CompensationStatus.FULFILLED,
        proposed_at=now - timedelta(days=118),
    )
    Survey.objects.filter(ticket=first).update(answered_at=now - timedelta(days=100), nps=8, csat=4)
    second = ticketed_complaint(
        customer=customer, nps_at_intake=6, submitted_at=now - timedelta(days=2)
    ).ticket
    return customer, first, second


def test_an_agent_opens_the_customers_page_from_the_ticket_and_reads_their_history(
    live_server, page
):
    agent = AgentFactory(username="alex", first_name="Alex", last_name="Martin")
    customer, first, second = _customer_with_a_history(agent)
    log_in(page, live_server, "alex")
    page.goto(f"{live_server.url}/agent/tickets/{second.complaint.reference}/")

    with page.expect_navigation():
        page.get_by_role("link", name="Amélie Durand").click()

    assert page.url.endswith(f"/agent/customers/{customer.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Amélie Durand"
    complaints = page.get_by_role("table", name=re.compile("complaints, newest first"))
    rows = complaints.locator("tbody tr")
    assert rows.count() == 2
    assert second.complaint.reference in rows.nth(0).inner_text()
    assert "€25.00" in rows.nth(1).inner_text()
    assert "€25.00" in page.locator("#kpi-given").inner_text()
    ratings = page.get_by_role("table", name=re.compile("recommend us"))
    assert [r.split("\t")[2].split()[0] for r in ratings.locator("tbody tr").all_inner_texts()] == [
        "3",
        "8",
        "6",
    ]
    # Agents read; exporting and erasing stay with managers.
    assert page.get_by_role("button", name="Export their data").count() == 0

    # Each complaint leads back to its ticket.
    with page.expect_navigation():
        complaints.get_by_role("link", name=first.complaint.reference).click()
    assert first.complaint.reference in page.title()
    assert not page.errors


def test_a_manager_also_finds_the_export_and_the_erasure_there(live_server, new_page):
    customer, _first, _second = _customer_with_a_history(AgentFactory())
    ManagerFactory(username="maria", first_name="Maria")
    page = new_page()
    log_in(page, live_server, "maria")

    page.goto(f"{live_server.url}/agent/customers/{customer.pk}/")

    assert page.get_by_role("button", name="Export their data").is_visible()
    assert page.get_by_role("link", name="Erase their personal data…").is_visible()
    screenshot(page, "customer-page")
    assert not page.errors


def test_the_customers_page_fits_a_phone(live_server, new_page):
    agent = AgentFactory(username="alex")
    customer, _first, _second = _customer_with_a_history(agent)
    page = new_page(width=390, height=844)
    log_in(page, live_server, "alex")

    page.goto(f"{live_server.url}/agent/customers/{customer.pk}/")

    # Wide tables scroll inside their box; the page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.get_by_role("table").count() == 2
    assert not page.errors
