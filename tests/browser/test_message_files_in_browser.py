"""An agent attaches a file to a message in a real headless Chromium; the customer finds it on their page."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from complaints.models import Attachment
from recovery.choices import Status
from tests.complaints.conftest import PDF_BYTES
from tests.factories import AgentFactory, CustomerFactory, ticket_in_status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(live_server.url + "/agent/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/agent/$"))


def test_an_agent_sends_a_return_label_with_a_message_and_the_customer_downloads_it(
    live_server, new_page, tmp_path
):
    agent = AgentFactory(username="alex", first_name="Alex")
    ticket = ticket_in_status(
        Status.ACKNOWLEDGED, actor=agent, customer=CustomerFactory(name="Grace Hopper")
    )
    label = tmp_path / "return-label.pdf"
    label.write_bytes(PDF_BYTES)
    page = new_page()
    log_in(page, live_server, "alex")
    page.goto(f"{live_server.url}/agent/tickets/{ticket.reference}/")

    form = page.locator("form.composer--customer")
    form.get_by_label("Message to the customer").fill("Here is your prepaid return label.")
    form.get_by_label("Files for the customer").set_input_files(str(label))
    # The page's script lists the chosen file before anything is sent.
    assert "return-label.pdf" in form.locator("[data-file-list]").inner_text()
    with page.expect_navigation():
        form.get_by_role("button", name="Send to the customer").click()

    assert "Message added" in page.locator(".messages").inner_text()
    entry = page.locator(".timeline__item--agent_message")
    assert entry.get_by_role("link", name="return-label.pdf").is_visible()
    attachment = Attachment.objects.get()
    assert attachment.added_by == agent

    customer = new_page()
    customer.goto(
        live_server.url + reverse("complaints:track", args=[ticket.complaint.tracking_token])
    )
    message = customer.locator(".timeline__item--agent_message")
    assert "Here is your prepaid return label." in message.inner_text()
    link = message.get_by_role("link", name="return-label.pdf")
    with customer.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "return-label.pdf"
    assert Path(download.value.path()).read_bytes() == PDF_BYTES
    assert not page.errors and not customer.errors
