"""An agent clears the unmatched mail in a real Chromium, by keyboard: attach, open, discard."""

import re

import pytest

from complaints.models import Channel, Complaint
from notifications import inbound
from notifications.models import InboundEmail, InboundStatus
from tests.browser.conftest import screenshot
from tests.browser.test_recovery_in_browser import log_in
from tests.factories import AgentFactory, CategoryFactory, CustomerFactory, ticketed_complaint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def unmatched(n, **columns):
    return InboundEmail.objects.create(
        status=InboundStatus.REVIEW,
        esp="postmark",
        message_id=f"<{n}@mail.test>",
        to="complaints@amends.test",
        **columns,
    )


def unlabelled_controls(page):
    """The form controls a screen reader would announce without a name."""
    return page.evaluate(
        """() => [...document.querySelectorAll('main input, main select, main textarea, main button')]
            .filter(el => el.type !== 'hidden' && !el.closest('[aria-hidden=true]'))
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                          && !(el.tagName === 'BUTTON' && el.innerText.trim()))
            .map(el => el.outerHTML)"""
    )


def test_an_agent_attaches_one_email_opens_a_complaint_from_another_and_discards_a_third(
    live_server, page
):
    CategoryFactory(name_en="Late delivery", name_fr="Livraison en retard")
    ticket = ticketed_complaint(customer=CustomerFactory(name="Grace Hopper")).ticket
    unmatched(
        1,
        reason=inbound.SENDER_NOT_CUSTOMER,
        from_email="Grace at work <grace@work.test>",
        subject=f"Re: {ticket.reference}",
        text="Sending from my work address: the replacement has not arrived either.",
    )
    unmatched(
        2,
        reason=inbound.RATE_LIMITED,
        from_email="Ada Lovelace <ada@example.com>",
        subject="My order",
        text="My order 4411 arrived a week late and the box was open.",
    )
    unmatched(
        3,
        reason=inbound.SPAM,
        from_email="deals@spam.test",
        subject="Cheap watches <b>today</b>",
        text="<script>alert('x')</script> Buy now",
    )
    AgentFactory(username="alex")
    log_in(page, live_server, "alex")

    tab = page.get_by_role("link", name=re.compile(r"Unmatched mail\s+3"))
    tab.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/agent/inbox/$"))
    assert page.locator("tr.inbox-row").count() == 3
    assert page.get_by_text("The sender is not the complaint’s customer").is_visible()
    assert page.get_by_text("Cheap watches <b>today</b>").is_visible()  # shown, not rendered
    assert unlabelled_controls(page) == []
    screenshot(page, "inbox")

    # 1. Attach the first to Grace's ticket, typing its reference.
    page.get_by_role("link", name="Grace at work <grace@work.test>").click()
    assert unlabelled_controls(page) == []
    screenshot(page, "inbox-email")
    page.get_by_label("Complaint reference").fill(ticket.reference.lower())
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/agent/inbox/$"))
    assert page.get_by_role("status").filter(has_text=ticket.reference).is_visible()
    page.goto(f"{live_server.url}/agent/tickets/{ticket.reference}/")
    timeline = page.locator(".timeline")
    assert timeline.get_by_text("the replacement has not arrived either").is_visible()
    assert timeline.get_by_text("attached from the unmatched mail").is_visible()

    # 2. Open a complaint from Ada's.
    page.goto(f"{live_server.url}/agent/inbox/")
    page.get_by_role("link", name="Ada Lovelace <ada@example.com>").click()
    assert page.get_by_label("Customer’s name").input_value() == "Ada Lovelace"
    page.get_by_label("Topic").select_option(label="Late delivery")
    page.get_by_label("Customer’s name").press("Enter")
    page.wait_for_url(re.compile(r"/agent/inbox/$"))
    complaint = Complaint.objects.get(customer__email="ada@example.com")
    assert complaint.channel == Channel.EMAIL
    assert complaint.reference != ticket.reference
    assert page.get_by_role("status").filter(has_text=complaint.reference).is_visible()

    # 3. Discard the spam, by keyboard.
    page.get_by_role("link", name="deals@spam.test").click()
    page.get_by_role("button", name="Discard as spam").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/agent/inbox/$"))
    assert page.get_by_role("heading", name="No email waits for review").is_visible()

    statuses = dict(InboundEmail.objects.values_list("message_id", "status"))
    assert statuses == {
        "<1@mail.test>": InboundStatus.ATTACHED,
        "<2@mail.test>": InboundStatus.OPENED,
        "<3@mail.test>": InboundStatus.DISMISSED,
    }
    page.goto(f"{live_server.url}/agent/")
    assert page.get_by_role("link", name=re.compile(r"Unmatched mail\s+0")).is_visible()
    assert page.errors == []
