"""A customer and an agent use the intake pages in a real headless Chromium."""

import re

import pytest

from complaints.models import Complaint
from recovery.choices import EventKind
from tests.browser.conftest import screenshot
from tests.complaints.conftest import PNG_BYTES
from tests.factories import AgentFactory, CategoryFactory, CustomerFactory, ticketed_complaint
from tests.xss_corpus import PAYLOADS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def categories(transactional_db):
    return [
        CategoryFactory(name_en="Late delivery", name_fr="Livraison en retard"),
        CategoryFactory(name_en="Damaged product", name_fr="Produit abîmé"),
    ]


def fill_complaint(page, *, name, email, category, description, attachment=None):
    page.fill("#id_name", name)
    page.fill("#id_email", email)
    page.fill("#id_phone", "06 12 34 56 78")
    page.select_option("#id_category", label=category)
    page.fill("#id_description", description)
    page.fill("#id_remedy_sought", "A replacement / Un remplacement")
    page.check("input[name=nps][value='4']")
    if attachment:
        page.set_input_files("#id_attachments", attachment)
    page.check("#id_consent")


def test_customer_files_a_complaint_in_english_with_a_photo_and_tracks_it(
    live_server, new_page, categories, tmp_path
):
    photo = tmp_path / "broken-vase.png"
    photo.write_bytes(PNG_BYTES)
    page = new_page(locale="en-GB", timezone_id="Europe/London")
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot(page, "complaint-form-en")
    fill_complaint(
        page,
        name="Ada Lovelace",
        email="ada@example.com",
        category="Damaged product",
        description="The vase arrived in pieces.",
        attachment=str(photo),
    )
    page.click("button[type=submit]:has-text('Send my complaint')")
    page.wait_for_url(re.compile(r"/complaint/submitted/$"))

    complaint = Complaint.objects.get()
    assert page.inner_text("#reference").strip() == complaint.reference
    assert complaint.attachments.get().original_name == "broken-vase.png"
    # The page's script told us the browser's time zone.
    assert complaint.timezone == "Europe/London"
    screenshot(page, "complaint-submitted-en")

    page.click("#tracking-link")
    page.wait_for_url(re.compile(r"/track/[\w-]{43}/$"))
    assert "The vase arrived in pieces." in page.content()
    page.fill("#id_text", "I am at home every afternoon.")
    page.click("form.message-form button[type=submit]")
    page.wait_for_load_state()
    assert "I am at home every afternoon." in page.content()
    assert complaint.ticket.events.filter(kind=EventKind.CUSTOMER_MESSAGE).count() == 1
    screenshot(page, "tracking-page-en")
    assert page.errors == []


def test_customer_files_a_complaint_in_french_on_a_phone(
    live_server, new_page, categories, tmp_path
):
    pdf = tmp_path / "facture.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page = new_page(locale="fr-FR", width=390, height=844)
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    screenshot(page, "complaint-form-fr-phone")
    fill_complaint(
        page,
        name="Jeanne Moreau",
        email="jeanne@example.com",
        category="Livraison en retard",
        description="Mon colis n'est jamais arrivé.",
        attachment=str(pdf),
    )
    page.click("button[type=submit]:has-text('Envoyer ma réclamation')")
    page.wait_for_url(re.compile(r"/complaint/submitted/$"))
    complaint = Complaint.objects.get()
    assert complaint.language == "fr"
    assert complaint.reference in page.inner_text("#reference")
    screenshot(page, "complaint-submitted-fr-phone")
    page.click("#tracking-link")
    assert "Mon colis n" in page.content()
    assert page.errors == []


def test_validation_errors_show_next_to_fields_and_keep_the_text(live_server, page, categories):
    page.goto(live_server.url + "/")
    page.fill("#id_name", "Ada")
    page.fill("#id_description", "Too short")
    # The browser's own checks are bypassed so the server's messages show.
    page.evaluate("document.querySelector('form.complaint-form').noValidate = true")
    page.click("button[type=submit]:has-text('Send my complaint')")
    assert page.locator("#id_email_error").is_visible()
    assert page.locator("#id_description_error").is_visible()
    assert page.input_value("#id_description") == "Too short"
    screenshot(page, "complaint-form-errors")


def test_agent_logs_in_and_logs_a_phone_complaint_for_a_returning_customer(
    live_server, new_page, categories
):
    AgentFactory(username="alex")
    returning = CustomerFactory(
        name="Grace Hopper", email="grace@example.com", phone="+33612345678"
    )
    ticketed_complaint(customer=returning, category=categories[0])
    page = new_page()
    page.goto(live_server.url + "/agent/")
    page.fill("#id_username", "alex")
    page.fill("#id_password", "pass-word-123")
    screenshot(page, "login")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/agent/$"))
    screenshot(page, "agent-queue-intake")

    page.goto(live_server.url + "/agent/complaints/new/")
    page.fill("#lookup-q", "06 12 34 56 78")
    page.press("#lookup-q", "Enter")
    page.locator("#lookup-results").get_by_text("Grace Hopper").wait_for()
    page.locator("#lookup-results a").first.click()
    page.wait_for_url(re.compile(r"customer=\d+"))
    page.select_option("#id_category", label="Damaged product")
    page.fill("#id_description", "Called to say the replacement kettle leaks as well.")
    screenshot(page, "phone-intake")
    page.click("button[type=submit]:has-text('Log complaint')")
    page.wait_for_url(re.compile(r"/agent/tickets/AM-"))
    latest = Complaint.objects.order_by("-submitted_at").first()
    assert latest.channel == "phone"
    assert latest.customer == returning
    assert latest.ticket.priority == "high"
    assert latest.reference in page.content()
    screenshot(page, "agent-ticket-intake")
    assert page.errors == []


def test_no_xss_payload_runs_on_the_tracking_page_or_the_agents_ticket_page(live_server, new_page):
    hostile = ticketed_complaint(
        customer=CustomerFactory(name=PAYLOADS[1]),
        description="\n".join(PAYLOADS),
        remedy_sought="\n".join(PAYLOADS),
    )
    AgentFactory(username="alex")
    page = new_page()
    page.goto(f"{live_server.url}/track/{hostile.tracking_token}/")
    page.fill("#id_text", "\n".join(PAYLOADS))
    page.click("form.message-form button[type=submit]")
    page.wait_for_load_state("load")
    assert page.evaluate("window.__xss") is None
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "alex")
    page.fill("#id_password", "pass-word-123")
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    for url in (f"/agent/tickets/{hostile.reference}/", "/agent/"):
        page.goto(live_server.url + url)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__xss") is None
    assert page.errors == []
