"""Back then Send, in a real Chromium: the complaint is filed once and the page says so."""

import re

import pytest

from complaints.models import Complaint
from tests.factories import CategoryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESCRIPTION = "The parcel was left in the rain and everything inside is soaked."


def fill_if_empty(page, selector, value):
    """Browsers differ in what Back restores: the customer retypes only what is gone."""
    if not page.input_value(selector):
        page.fill(selector, value)


def fill_complaint(page):
    fill_if_empty(page, "#id_name", "Ada Lovelace")
    fill_if_empty(page, "#id_email", "ada@example.com")
    if not page.input_value("#id_category"):
        page.select_option("#id_category", label="Late delivery")
    fill_if_empty(page, "#id_description", DESCRIPTION)
    page.check("#id_consent")


def send(page):
    page.click("button[type=submit]:has-text('Send my complaint')")
    page.wait_for_url(re.compile(r"/complaint/submitted/$"))


def test_going_back_and_sending_again_shows_the_first_complaint_and_files_no_second(
    live_server, page
):
    CategoryFactory(name_en="Late delivery", name_fr="Livraison en retard")
    page.goto(live_server.url + "/")
    fill_complaint(page)
    send(page)
    reference = page.inner_text("#reference").strip()
    assert page.locator("[data-already-sent]").count() == 0

    page.go_back()
    page.wait_for_selector("#id_description")
    fill_complaint(page)
    send(page)

    assert page.inner_text("#reference").strip() == reference
    assert "You already sent us this complaint" in page.inner_text("[data-already-sent]")
    assert Complaint.objects.count() == 1
    assert Complaint.objects.get().reference == reference
    assert page.errors == []
