"""An agent merges a duplicate complaint into the customer's other one, then undoes it, in Chromium."""

import re

import pytest

from recovery.choices import Status
from recovery.models import Ticket
from tests.browser.conftest import screenshot
from tests.factories import AgentFactory, CategoryFactory, CustomerFactory, ticketed_complaint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(live_server.url + "/agent/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/agent/$"))


def test_an_agent_merges_a_duplicate_and_undoes_it(live_server, page):
    AgentFactory(username="alex", first_name="Alex", last_name="Martin")
    customer = CustomerFactory(name="Grace Hopper")
    category = CategoryFactory(name_en="Damaged product", name_fr="Produit abîmé")
    first = ticketed_complaint(
        customer=customer, category=category, description="The vase arrived in pieces."
    )
    duplicate = ticketed_complaint(
        customer=customer, category=category, description="Broken vase, sent the form twice."
    )
    promise = Ticket.objects.get(complaint=first).callback_due_at
    log_in(page, live_server, "alex")
    page.goto(f"{live_server.url}/agent/tickets/{duplicate.reference}/")

    # The form lists the customer's other open complaint; by keyboard: open, pick, send.
    summary = page.get_by_text("Merge into…")
    summary.focus()
    page.keyboard.press("Enter")
    choice = page.get_by_role("radio", name=re.compile(first.reference))
    assert choice.is_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="Merge…").click()

    # The confirmation says what happens; nothing is merged before it.
    page.get_by_role("heading", name=f"Merge {duplicate.reference} into {first.reference}?")
    assert Ticket.objects.get(complaint=duplicate).status == Status.NEW
    assert "keeps its callback promise" in page.content()
    screenshot(page, "merge-confirm")
    with page.expect_navigation():
        page.get_by_role(
            "button", name=f"Merge {duplicate.reference} into {first.reference}"
        ).click()

    # On the survivor: the duplicate's history, marked with its reference, and the undo.
    page.wait_for_url(re.compile(rf"/agent/tickets/{first.reference}/$"))
    assert "It can be undone until" in page.locator(".messages").inner_text()
    timeline = page.locator("ol.timeline")
    assert timeline.locator(".badge--origin", has_text=duplicate.reference).count() >= 1
    duplicates = page.locator("section", has=page.get_by_role("heading", name="Duplicates"))
    assert "Broken vase, sent the form twice." in duplicates.inner_text()
    assert Ticket.objects.get(complaint=first).callback_due_at == promise
    screenshot(page, "merge-survivor")

    # The duplicate's own address now leads here, with a notice.
    page.goto(f"{live_server.url}/agent/tickets/{duplicate.reference}/")
    page.wait_for_url(re.compile(rf"/agent/tickets/{first.reference}/$"))
    assert f"{duplicate.reference} is merged into {first.reference}" in page.content()

    with page.expect_navigation():
        page.get_by_role("button", name=f"Undo merge of {duplicate.reference}").click()
    assert "is its own complaint again" in page.locator(".messages").inner_text()
    assert page.get_by_role("button", name=re.compile("Undo merge")).count() == 0
    page.goto(f"{live_server.url}/agent/tickets/{duplicate.reference}/")
    page.wait_for_url(re.compile(rf"/agent/tickets/{duplicate.reference}/$"))
    assert Ticket.objects.get(complaint=duplicate).status == Status.NEW
    assert not page.errors
