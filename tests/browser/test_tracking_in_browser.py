"""The customer's tracking page in a real headless Chromium: the stepper, the files, the offer."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from complaints.models import Attachment
from recovery.choices import CompensationKind, Status
from recovery.compensation import compensation_approve, compensation_fulfil, compensation_propose
from tests.browser.conftest import screenshot
from tests.complaints.conftest import PNG_BYTES
from tests.factories import AgentFactory, ManagerFactory, ticket_in_status
from tests.xss_corpus import PAYLOADS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each word of each step's text that the browser laid out over more than one line.
SPLIT_WORDS = """() => [...document.querySelectorAll('.steps__item')].flatMap((item) => {
  const split = [];
  const walker = document.createTreeWalker(item, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const word of node.data.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
      if (lines.size > 1) split.push(word[0]);
    }
  }
  return split;
})"""


def tracked_voucher(*, language="en", code="SORRY-30-XK2", how="Enter it at checkout."):
    """A ticket whose 30 EUR voucher is handed over, with the customer's photo attached."""
    agent, manager = AgentFactory(first_name="Ana"), ManagerFactory()
    ticket = ticket_in_status(Status.APOLOGIZED, actor=agent, language=language)
    line = compensation_propose(
        ticket=ticket, actor=agent, kind=CompensationKind.VOUCHER, amount="30", currency="EUR"
    )
    compensation_approve(compensation=line, actor=manager)
    compensation_fulfil(compensation=line, actor=agent, code=code, redeem_instructions=how)
    attachment = Attachment(
        complaint=ticket.complaint,
        stored_name="vase.png",
        original_name="broken-vase.png",
        content_type="image/png",
        size=len(PNG_BYTES),
    )
    attachment.file.save("vase.png", ContentFile(PNG_BYTES), save=False)
    attachment.save()
    return ticket


@pytest.mark.parametrize("locale", ["en-GB", "fr-FR"])
@pytest.mark.parametrize("width", [320, 390, 560, 660, 768, 1024])
def test_no_step_label_breaks_inside_a_word(live_server, new_page, locale, width):
    ticket = ticket_in_status(Status.ACKNOWLEDGED, language=locale[:2])
    page = new_page(locale=locale, width=width, height=900)
    page.goto(live_server.url + reverse("complaints:track", args=[ticket.complaint.tracking_token]))
    assert page.locator(".steps__item").count() == 6
    assert page.evaluate(SPLIT_WORDS) == []
    # Nor does a label that will not wrap push the stepper out of its card.
    assert page.evaluate(
        "(el => el.scrollWidth <= el.clientWidth)(document.querySelector('.steps'))"
    )
    assert page.errors == []


def test_the_customer_reads_the_code_and_downloads_their_photo(live_server, new_page):
    ticket = tracked_voucher()
    page = new_page(locale="en-GB", width=390, height=844)
    page.goto(live_server.url + reverse("complaints:track", args=[ticket.complaint.tracking_token]))
    offer = page.locator("#offered-title + .offers")
    assert "Voucher · €30.00" in offer.inner_text() and "SORRY-30-XK2" in offer.inner_text()
    assert "Enter it at checkout." in offer.inner_text()
    assert page.locator("[data-step=compensated]").get_attribute("class").endswith("--current")
    with page.expect_download() as download:
        page.click("a:has-text('broken-vase.png')")
    assert download.value.suggested_filename == "broken-vase.png"
    assert page.evaluate(SPLIT_WORDS) == []
    screenshot(page, "tracking-page-en")
    assert page.errors == []


def test_a_hostile_code_is_shown_as_text(live_server, new_page):
    payload = PAYLOADS[1]
    ticket = tracked_voucher(code=payload, how=PAYLOADS[0])
    page = new_page()
    page.goto(live_server.url + reverse("complaints:track", args=[ticket.complaint.tracking_token]))
    assert payload in page.locator(".offer__code").inner_text()
    assert page.evaluate("window.__xss") is None
    assert page.errors == []
