"""The queue's worktable in a real Chromium: tabs keep the search and filters; selects have a chevron."""

import re

import pytest

from recovery.choices import Priority
from tests.browser.test_recovery_in_browser import log_in
from tests.factories import AgentFactory, CategoryFactory, CustomerFactory, ticketed_complaint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_switching_tabs_keeps_the_search_and_the_filters(live_server, page):
    billing = CategoryFactory(name_en="Billing", default_priority=Priority.HIGH)
    CategoryFactory(name_en="Late delivery")
    wanted = ticketed_complaint(customer=CustomerFactory(name="Grace Hopper"), category=billing)
    ticketed_complaint(customer=CustomerFactory(name="Grace Kelly"))  # another topic
    AgentFactory(username="alex", first_name="Alex", last_name="Martin")
    log_in(page, live_server, "alex")

    page.get_by_label("Search").fill("Grace")
    page.select_option("#queue-category", label="Billing")
    page.select_option("#queue-priority", value=Priority.HIGH)
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"q=Grace"))
    assert page.locator("tr.queue-row").count() == 1

    page.locator(".tabs__tab", has_text="Unassigned").click()
    page.wait_for_url(re.compile(r"scope=unassigned"))

    assert page.get_by_label("Search").input_value() == "Grace"
    assert page.locator("#queue-category option:checked").inner_text() == "Billing"
    assert page.locator("#queue-priority").input_value() == Priority.HIGH
    rows = page.locator("tr.queue-row")
    assert rows.count() == 1
    assert rows.first.get_attribute("data-ticket") == wanted.ticket.reference

    page.locator(".tabs__tab", has_text="Breached").click()
    page.wait_for_url(re.compile(r"breached=1"))
    assert page.get_by_label("Search").input_value() == "Grace"
    assert "scope=unassigned" in page.url and "category=" in page.url
    assert page.errors == []


def test_the_queue_filter_selects_show_a_chevron(live_server, page):
    AgentFactory(username="alex")
    log_in(page, live_server, "alex")

    for select in ("#queue-status", "#queue-priority", "#queue-category", "#queue-channel"):
        image = page.locator(select).evaluate("el => getComputedStyle(el).backgroundImage")
        assert image.startswith('url("data:image/svg+xml'), (select, image)
