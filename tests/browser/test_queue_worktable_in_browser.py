"""The queue as a worktable, in a real Chromium: column sorts, the unread marker, the shortcuts.

Also one Tab stop per row, and the filters and the sort kept when switching tabs.
"""

import re

import pytest
from django.urls import reverse

from recovery.choices import Status
from recovery.models import Ticket
from recovery.services import ticket_assign
from tests.browser.conftest import screenshot
from tests.browser.test_recovery_in_browser import log_in
from tests.factories import (
    AgentFactory,
    CategoryFactory,
    CustomerFactory,
    days_ago,
    ticket_in_status,
    ticketed_complaint,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def alex(transactional_db):
    return AgentFactory(username="alex", first_name="Alex", last_name="Martin")


@pytest.fixture
def tickets(alex):
    """Five open tickets: filed 3 days to 2 hours ago, the customers' names in another order."""
    delivery = CategoryFactory(name_en="Late delivery", position=1)
    billing = CategoryFactory(name_en="Billing", position=2)
    specs = [
        ("Grace Hopper", 3, delivery),
        ("Edsger Dijkstra", 1.7, billing),
        ("Ada Lovelace", 0.5, delivery),
        ("Katherine Johnson", 0.3, billing),
        ("Alan Turing", 0.1, delivery),
    ]
    return [
        ticketed_complaint(
            customer=CustomerFactory(name=name), category=category, submitted_at=days_ago(age)
        ).ticket
        for name, age, category in specs
    ]


def sorted_by(page):
    """The column the table says it is sorted by (aria-sort), and which way."""
    header = page.locator("th[aria-sort]")
    return header.locator("a").get_attribute("data-sort"), header.get_attribute("aria-sort")


def customers(page):
    return [cell.strip() for cell in page.locator("tr.queue-row .q-customer").all_inner_texts()]


def test_clicking_a_column_header_sorts_by_it_then_the_other_way(live_server, page, tickets):
    log_in(page, live_server, "alex")
    # Due first by default, said to assistive technology on the Due header.
    assert page.locator("th[aria-sort]").count() == 1
    assert sorted_by(page) == ("due", "ascending")
    assert customers(page)[0] == "Grace Hopper"

    page.get_by_role("link", name="Customer", exact=True).click()
    page.wait_for_url(re.compile(r"sort=customer"))
    names = ["Ada Lovelace", "Alan Turing", "Edsger Dijkstra", "Grace Hopper", "Katherine Johnson"]
    assert customers(page) == names
    assert sorted_by(page) == ("customer", "ascending")

    page.get_by_role("link", name="Customer", exact=True).click()
    page.wait_for_url(re.compile(r"sort=-customer"))
    assert customers(page) == names[::-1]
    assert sorted_by(page) == ("customer", "descending")

    # The newest complaint first, by the Opened column read backwards.
    page.get_by_role("link", name="Opened", exact=True).click()
    page.get_by_role("link", name="Opened", exact=True).click()
    page.wait_for_url(re.compile(r"sort=-opened"))
    assert customers(page)[0] == "Alan Turing"
    assert page.errors == []


def test_the_tabs_and_the_filter_form_keep_the_sort_and_the_filters(live_server, page, tickets):
    log_in(page, live_server, "alex")
    page.select_option("#queue-category", label="Late delivery")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"category=\d+"))
    page.get_by_role("link", name="Customer", exact=True).click()
    page.wait_for_url(re.compile(r"sort=customer"))
    assert customers(page) == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]

    page.locator(".tabs__tab", has_text="Unassigned").click()
    page.wait_for_url(re.compile(r"scope=unassigned"))
    assert "category=" in page.url and "sort=customer" in page.url
    assert customers(page) == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]

    # Applying the form again keeps the sort too.
    page.get_by_label("Search").fill("a")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"q=a"))
    assert "sort=customer" in page.url
    assert sorted_by(page) == ("customer", "ascending")
    assert page.errors == []


def test_the_unread_marker_appears_after_a_customer_message_and_goes_when_the_assignee_opens_it(
    live_server, new_page, alex
):
    ticket = ticket_in_status(
        Status.ACKNOWLEDGED, actor=alex, customer=CustomerFactory(name="Ada Lovelace")
    )
    ticket_assign(ticket=ticket, assignee=alex, actor=alex)
    other = ticketed_complaint(customer=CustomerFactory(name="Alan Turing")).ticket
    agent = new_page()
    log_in(agent, live_server, "alex")
    row = agent.locator(f"tr[data-ticket='{ticket.reference}']")
    assert row.locator(".badge--unread").count() == 0

    customer = new_page()
    customer.goto(
        live_server.url + reverse("complaints:track", args=[ticket.complaint.tracking_token])
    )
    customer.get_by_label("Add a message").fill("Any news about my vase?")
    customer.get_by_role("button", name="Send my message").click()
    customer.get_by_text("Any news about my vase?").first.wait_for()

    agent.reload()
    marker = row.locator(".badge--unread")
    assert marker.inner_text() == "Unread message"
    # Said with the row's link, the one thing Tab reaches on the row.
    link = row.locator("a[data-row-link]")
    assert link.get_attribute("aria-describedby") == marker.get_attribute("id")
    assert agent.locator(f"tr[data-ticket='{other.reference}'] .badge--unread").count() == 0
    agent.get_by_label("Unread messages").check()
    agent.get_by_role("button", name="Apply").click()
    agent.wait_for_url(re.compile(r"unread=1"))
    assert agent.locator("tr.queue-row").count() == 1

    link.click()
    agent.wait_for_url(re.compile(ticket.reference))
    agent.get_by_text("Any news about my vase?").first.wait_for()
    agent.go_back()
    agent.reload()
    assert agent.locator("tr.queue-row").count() == 0
    agent.get_by_role("link", name="Clear").click()
    assert row.count() == 1
    assert row.locator(".badge--unread").count() == 0
    assert agent.errors == [] and customer.errors == []


def test_tab_goes_from_one_row_to_the_next(live_server, page, tickets):
    log_in(page, live_server, "alex")
    first = page.locator("tr.queue-row a[data-row-link]").first
    first.focus()
    for ticket in tickets[1:]:
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.closest('tr')?.dataset.ticket")
        assert focused == ticket.reference
        assert page.evaluate("document.activeElement.hasAttribute('data-row-link')")
    # Neither the checkbox nor the Claim button is a Tab stop; both are still there.
    row = page.locator("tr.queue-row").first
    assert row.locator("input[type=checkbox]").get_attribute("tabindex") == "-1"
    assert row.get_by_role("button", name=re.compile("Claim")).get_attribute("tabindex") == "-1"
    assert page.errors == []


def test_the_shortcuts_move_claim_tick_search_and_open(live_server, page, tickets):
    log_in(page, live_server, "alex")

    def current():
        return page.evaluate("document.activeElement.closest('tr')?.dataset.ticket")

    page.keyboard.press("j")
    assert current() == tickets[0].reference
    page.keyboard.press("j")
    page.keyboard.press("ArrowDown")
    assert current() == tickets[2].reference
    page.keyboard.press("k")
    assert current() == tickets[1].reference
    assert "is-current" in page.locator(f"tr[data-ticket='{tickets[1].reference}']").get_attribute(
        "class"
    )

    # x ticks the row for the bulk assignment.
    page.keyboard.press("x")
    assert page.locator(f"#pick-{tickets[1].pk}").is_checked()
    page.keyboard.press("x")
    assert not page.locator(f"#pick-{tickets[1].pk}").is_checked()

    # / goes to the search, where letters are letters, not shortcuts.
    page.keyboard.press("/")
    search = page.get_by_label("Search")
    assert page.evaluate("document.activeElement.id") == "queue-q"
    page.keyboard.type("jk")
    assert search.input_value() == "jk"
    search.fill("")

    # c claims the current row.
    page.locator(f"tr[data-ticket='{tickets[1].reference}'] a[data-row-link]").focus()
    page.keyboard.press("c")
    page.locator(".alert--success").wait_for()
    assert Ticket.objects.get(pk=tickets[1].pk).assignee.username == "alex"
    assert "Alex Martin" in page.locator(f"tr[data-ticket='{tickets[1].reference}']").inner_text()

    # o opens the current one.
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert current() == tickets[1].reference
    page.keyboard.press("o")
    page.wait_for_url(re.compile(f"/tickets/{tickets[1].reference}/"))
    page.go_back()
    page.wait_for_url(re.compile(r"/agent/"))
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(f"/tickets/{tickets[0].reference}/"))
    assert page.errors == []


def test_question_mark_lists_the_shortcuts_escape_closes_and_focus_returns(
    live_server, page, tickets
):
    log_in(page, live_server, "alex")
    page.keyboard.press("j")
    page.keyboard.press("j")
    before = page.evaluate("document.activeElement.closest('tr')?.dataset.ticket")

    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    dialog.wait_for()
    for words in (
        "Next ticket",
        "Previous ticket",
        "Open the ticket",
        "Claim the ticket",
        "Search",
    ):
        assert words in dialog.inner_text()
    # Shortcuts wait while the list is open.
    page.keyboard.press("j")
    assert dialog.is_visible()
    screenshot(page, "agent-queue-shortcuts", full_page=False)

    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.closest('tr')?.dataset.ticket") == before

    # The button opens it too, and Close gives focus back to the button.
    button = page.get_by_role("button", name=re.compile("Keyboard shortcuts"))
    button.click()
    dialog.wait_for()
    dialog.get_by_role("button", name="Close").click()
    dialog.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.hasAttribute('data-shortcuts-open')")
    assert page.errors == []


def test_readme_screenshot_of_the_worktable(live_server, page, alex, tickets):
    """The queue sorted by customer, one row unread, the current row marked by the shortcuts."""
    from recovery.workflow import ticket_customer_message

    ticket = Ticket.objects.get(pk=tickets[2].pk)
    ticket_assign(ticket=ticket, assignee=alex, actor=alex)
    ticket_customer_message(ticket=ticket, text="Any news?")
    log_in(page, live_server, "alex")
    page.get_by_role("link", name="Customer", exact=True).click()
    page.wait_for_url(re.compile(r"sort=customer"))
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert page.locator(".badge--unread").count() == 1
    screenshot(page, "agent-queue-worktable")
    assert page.errors == []
