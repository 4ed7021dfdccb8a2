"""Fixing the record in Chromium: re-categorise a complaint, name its root cause, see it in the lessons."""

import re

import pytest

from recovery.choices import EventKind, Status
from recovery.models import RootCause, Ticket
from tests.browser.conftest import screenshot
from tests.factories import CategoryFactory, ManagerFactory, ticket_in_status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_recategorises_a_complaint_names_its_cause_and_the_lessons_count_it(
    live_server, new_page
):
    delivery = CategoryFactory(name_en="Delivery", name_fr="Livraison")
    billing = CategoryFactory(name_en="Billing", name_fr="Facturation")
    # A transactional test starts from an empty table: the migration's list is gone.
    carrier = RootCause.objects.create(name_en="Carrier or delivery", name_fr="Transporteur")
    RootCause.objects.create(name_en="Billing error", name_fr="Erreur de facturation")
    ticket = ticket_in_status(Status.ACKNOWLEDGED, category=delivery)
    ManagerFactory(username="mona")

    page = new_page()
    page.goto(f"{live_server.url}/agent/tickets/{ticket.reference}/")
    page.get_by_label("Username").fill("mona")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(rf"/agent/tickets/{ticket.reference}/$"))

    record = page.locator("section[aria-labelledby=record-title]")
    assert "Customer chose: Delivery" in record.inner_text()
    # By keyboard: the select by its label, the button by its name.
    record.get_by_label("Category").select_option(label="Billing")
    record.get_by_role("button", name="Correct").click()
    page.get_by_text("Category corrected.").wait_for()
    record = page.locator("section[aria-labelledby=record-title]")
    record.get_by_label("Root cause").focus()
    record.get_by_label("Root cause").select_option(label="Carrier or delivery")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.get_by_text("Root cause recorded.").wait_for()

    record = page.locator("section[aria-labelledby=record-title]")
    text = record.inner_text()
    assert "Customer chose: Delivery" in text and "Billing" in text and "Carrier" in text
    timeline = page.locator("ol.timeline").inner_text()
    assert "Category corrected: Delivery → Billing" in timeline
    assert "Root cause: Carrier or delivery" in timeline
    saved = Ticket.objects.get(pk=ticket.pk)
    assert (saved.category, saved.root_cause) == (billing, carrier)
    assert saved.events.filter(kind__in=[EventKind.CATEGORY, EventKind.ROOT_CAUSE]).count() == 2
    screenshot(page, "ticket-record")

    page.goto(live_server.url + "/manager/lessons/")
    categories = page.locator("table[data-table=categories] tbody tr").first.inner_text()
    assert categories.startswith("Billing")
    # The Pareto's table is the chart's data, folded under it: open it as a reader would.
    page.locator("figure.chart summary").first.click()
    causes = page.locator("table[data-table=root_causes] tbody tr")
    first = [cell.strip() for cell in causes.first.locator("th, td").all_inner_texts()]
    assert first[:4] == ["Carrier or delivery", "1", "100.0", "100.0"]
    assert causes.last.inner_text().startswith("Not recorded yet")
    trend = page.locator("table[data-table=root_cause_trend] tbody tr").first.inner_text()
    assert trend.startswith("Carrier or delivery") and trend.rstrip().endswith("1")
    chart = page.locator("figure.chart svg[role=img]").first.bounding_box()
    assert chart and chart["width"] > 100
    screenshot(page, "review-root-causes")
    assert page.errors == []
