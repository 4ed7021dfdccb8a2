"""A customer answers the follow-up survey on a phone, with the keyboard, in a real Chromium."""

import pytest

from recovery.choices import Status
from recovery.models import Survey, Ticket
from recovery.survey import latest_survey
from tests.browser.conftest import screenshot
from tests.factories import ticket_in_status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_customer_answers_on_a_phone_with_the_keyboard_alone(live_server, new_page):
    survey = latest_survey(ticket_in_status(Status.FOLLOW_UP))
    page = new_page(locale="fr-FR", width=375, height=740)
    page.goto(f"{live_server.url}/survey/{survey.token}/")
    assert page.locator("html").get_attribute("lang") == "fr"
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "survey-phone-fr")

    # Sent empty, the error summary takes the focus and links to each question.
    page.click("button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.locator(".error-summary a").count() == 3

    # Each scale is one radio group: Tab enters it, the arrow keys choose.
    page.locator("input[name=csat][value='1']").focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert page.locator("input[name=csat]:checked").get_attribute("value") == "4"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "nps"
    page.keyboard.press("ArrowRight")  # 0 → 1, then choose 9 directly
    page.check("input[name=nps][value='9']")
    page.check("input[name=solved][value='yes']")
    page.fill("#id_comment", "Merci, tout est réglé.")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-survey-state=answered]")

    answered = Survey.objects.get(pk=survey.pk)
    assert (answered.csat, answered.nps, answered.solved) == (4, 9, "yes")
    assert Ticket.objects.get(pk=survey.ticket_id).status == Status.RESOLVED
    assert page.errors == []
