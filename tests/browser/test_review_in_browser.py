"""Issue 7 end to end: a detractor's answer reopens the ticket, and a manager sees it reviewed."""

import re

import pytest

from recovery.choices import Status
from recovery.models import Ticket
from recovery.survey import latest_survey
from tests.browser.conftest import screenshot
from tests.factories import ManagerFactory, ticket_in_status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_detractor_reopens_the_ticket_and_the_manager_sees_it_on_the_review(
    live_server, new_page
):
    ticket = ticket_in_status(Status.FOLLOW_UP, nps_at_intake=8)
    survey = latest_survey(ticket)

    customer = new_page(locale="en-GB", width=390, height=800)
    customer.goto(f"{live_server.url}/survey/{survey.token}/")
    customer.check("input[name=csat][value='2']")
    customer.check("input[name=nps][value='3']")
    customer.check("input[name=solved][value='no']")
    customer.fill("#id_comment", "The replacement broke too.")
    customer.click("button[type=submit]")
    customer.wait_for_selector("[data-survey-state=answered]")
    assert customer.errors == []

    reopened = Ticket.objects.get(pk=ticket.pk)
    assert reopened.status == Status.ACKNOWLEDGED
    assert reopened.second_attempt_at is not None

    ManagerFactory(username="mona")
    manager = new_page()
    manager.goto(live_server.url + "/manager/")
    manager.get_by_label("Username").fill("mona")
    manager.get_by_label("Password").fill("pass-word-123")
    manager.get_by_role("button", name="Sign in").click()
    manager.wait_for_url(re.compile(r"/manager/$"))
    # The charts are drawn: each is an SVG image with bars or points in it.
    charts = manager.locator("figure.chart svg[role=img]")
    assert charts.count() >= 3
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50
    # NPS at follow-up counts the one detractor: -100.
    assert manager.get_by_text("-100").or_(manager.get_by_text("−100")).count() >= 1
    screenshot(manager, "review-indicators")

    # The reopened ticket is on the queue, marked as a second attempt.
    manager.goto(live_server.url + "/agent/")
    row = manager.locator(f"tr[data-ticket='{ticket.reference}']")
    assert row.locator(".badge--second-attempt").count() == 1
    assert manager.errors == []


def test_a_french_manager_reads_french_dates_and_is_told_the_dates_were_swapped(
    live_server, new_page
):
    ticket_in_status(Status.FOLLOW_UP)
    ManagerFactory(username="marc")
    page = new_page(locale="fr-FR")
    page.goto(live_server.url + "/manager/")
    page.get_by_label("Nom d’utilisateur").or_(page.get_by_label("Username")).fill("marc")
    page.get_by_label("Mot de passe").or_(page.get_by_label("Password")).fill("pass-word-123")
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/manager/$"))
    page.check("#period-custom")
    page.fill("#period-from", "2026-03-10")
    page.fill("#period-to", "2026-03-01")
    page.locator(".review-period button[type=submit]").click()
    notice = page.locator("[data-period-notice]")
    notice.wait_for()
    assert "les deux dates ont été inversées" in notice.inner_text()
    assert page.locator("#period-from").input_value() == "2026-03-01"
    body = page.locator("main").inner_text()
    assert "1 mars 2026" in body and "10 mars 2026" in body
    assert "p.m." not in body and "a.m." not in body
    assert page.errors == []
