"""The agents' queue in a real headless Chromium: order, colours, filters, bulk assign, refresh."""

import re

import pytest

from recovery.choices import Priority
from recovery.models import Ticket
from tests.browser.conftest import screenshot
from tests.browser.test_recovery_in_browser import log_in
from tests.factories import (
    AgentFactory,
    CategoryFactory,
    CustomerFactory,
    days_ago,
    ticketed_complaint,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tickets(transactional_db):
    delivery = CategoryFactory(name_en="Late delivery", name_fr="Livraison en retard")
    billing = CategoryFactory(
        name_en="Billing", name_fr="Facturation", default_priority=Priority.HIGH
    )
    names = ["Grace Hopper", "Alan Turing", "Ada Lovelace", "Katherine Johnson", "Edsger Dijkstra"]
    # Days since filing: breached (48 h), amber (40 h of 48), then comfortable.
    ages = [3, 1.7, 0.5, 0.3, 0.1]
    made = []
    for name, age, category in zip(
        names, ages, [delivery, delivery, billing, billing, delivery], strict=True
    ):
        made.append(
            ticketed_complaint(
                customer=CustomerFactory(name=name), category=category, submitted_at=days_ago(age)
            ).ticket
        )
    return made


def test_agent_sees_what_is_due_first_filters_and_bulk_assigns_with_the_keyboard(
    live_server, page, tickets
):
    AgentFactory(username="alex", first_name="Alex", last_name="Martin")
    colleague = AgentFactory(username="sam", first_name="Sam", last_name="Patel")
    log_in(page, live_server, "alex")

    rows = page.locator("tr.queue-row")
    assert rows.count() == 5
    # Overdue first, in red; the one under a quarter of its window left, in amber.
    assert rows.nth(0).get_attribute("data-ticket") == tickets[0].reference
    assert "queue-row--breached" in rows.nth(0).get_attribute("class")
    assert "queue-row--soon" in rows.nth(1).get_attribute("class")
    assert "Overdue · " in rows.nth(0).inner_text()
    screenshot(page, "agent-queue")

    page.select_option("#queue-category", label="Billing")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"category=\d+"))
    assert page.locator("tr.queue-row").count() == 2

    # Tick both with the keyboard, choose a colleague, assign.
    for ticket in (tickets[2], tickets[3]):
        page.focus(f"#pick-{ticket.pk}")
        page.keyboard.press("Space")
    page.select_option("#bulk-assignee", label="Sam Patel")
    page.get_by_role("button", name="Assign", exact=True).click()
    page.locator(".alert--success").wait_for()
    assert set(Ticket.objects.filter(assignee=colleague).values_list("pk", flat=True)) == {
        tickets[2].pk,
        tickets[3].pk,
    }
    # Back on the same filtered list.
    assert "category=" in page.url

    # The 30-second refresh swaps the results in place and keeps the filters.
    ticketed_complaint(
        customer=CustomerFactory(name="New Caller"), category=tickets[2].complaint.category
    )
    with page.expect_response(
        lambda r: "/agent/?" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        page.evaluate(
            "htmx.ajax('GET', document.querySelector('#queue-results').getAttribute('hx-get'),"
            " {target: '#queue-results', swap: 'outerHTML'})"
        )
    page.get_by_text("New Caller").wait_for()
    assert page.locator("tr.queue-row").count() == 3
    assert page.errors == []


def test_claiming_from_the_queue_puts_my_name_on_the_row(live_server, page, tickets):
    AgentFactory(username="alex", first_name="Alex", last_name="Martin")
    log_in(page, live_server, "alex")
    page.get_by_role("button", name=f"Claim {tickets[0].reference}").click()
    page.locator(".alert--success").wait_for()
    row = page.locator(f"tr[data-ticket='{tickets[0].reference}']")
    assert "Alex Martin" in row.inner_text()
    page.get_by_role("link", name=re.compile("Mine")).click()
    assert page.locator("tr.queue-row").count() == 1
    assert page.errors == []


def test_queue_reads_in_french(live_server, new_page, tickets):
    AgentFactory(username="alex")
    page = new_page(locale="fr-FR")
    page.goto(live_server.url + "/agent/")
    page.get_by_label("Nom d’utilisateur").or_(page.get_by_label("Nom d'utilisateur")).fill("alex")
    page.locator("#id_password").fill("pass-word-123")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/agent/$"))
    # The live countdown speaks the page's language too ("En retard · il y a 3 jours").
    assert "En retard · il y a" in page.locator("tr.queue-row").first.inner_text()
    assert page.locator("html").get_attribute("lang") == "fr"
