"""The 0–10 scales on a 390 px phone: one readable row, end labels at its ends, sane focus."""

import pytest

from recovery.choices import Status
from recovery.survey import latest_survey
from tests.factories import CategoryFactory, ticket_in_status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def assert_scale_reads_as_one_row(page, name):
    boxes = [
        page.locator(f"input[name={name}][value='{i}'] + label").bounding_box() for i in range(11)
    ]
    assert len({round(box["y"]) for box in boxes}) == 1, boxes  # one row, 0 to 10
    assert all(box["width"] >= 24 for box in boxes), boxes  # tap targets of at least 24 px
    assert all(a["x"] + a["width"] <= b["x"] for a, b in zip(boxes, boxes[1:], strict=False))
    scale = page.locator(f"input[name={name}][value='0']").locator("xpath=ancestor::fieldset[1]")
    low, high = scale.locator(".nps__anchors span").all()
    # The end labels sit under the ends of the scale.
    assert abs(low.bounding_box()["x"] - boxes[0]["x"]) < 2
    high_box = high.bounding_box()
    assert abs(high_box["x"] + high_box["width"] - (boxes[-1]["x"] + boxes[-1]["width"])) < 2


def test_the_surveys_scale_fits_a_phone_and_the_keyboard_starts_on_the_first_question(
    live_server, new_page
):
    survey = latest_survey(ticket_in_status(Status.FOLLOW_UP))
    page = new_page(locale="fr-FR", **PHONE)
    page.goto(f"{live_server.url}/survey/{survey.token}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_scale_reads_as_one_row(page, "nps")

    # Past the skip link, the first Tab lands on the first question's first option.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.name, document.activeElement.value]")
    assert focused == ["csat", "1"]
    assert page.errors == []


def test_the_complaint_forms_scale_fits_a_phone_and_rather_not_say_is_not_chosen_for_you(
    live_server, new_page
):
    CategoryFactory(name_en="Late delivery")
    page = new_page(locale="en-GB", **PHONE)
    page.goto(live_server.url + "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_scale_reads_as_one_row(page, "nps")
    assert page.locator("input[name=nps]:checked").count() == 0

    # Tabbing into the question lands on its scale, not on "Rather not say".
    page.locator("input[name=nps][value='0']").evaluate(
        "el => el.closest('fieldset').previousElementSibling.querySelector('input,textarea').focus()"
    )
    previous = page.evaluate("document.activeElement.id")
    page.keyboard.press("Tab")
    while page.evaluate("document.activeElement.name") not in ("nps", "consent"):
        page.keyboard.press("Tab")  # through the fields between, if any
    focused = page.evaluate("[document.activeElement.name, document.activeElement.value]")
    assert focused == ["nps", "0"], (previous, focused)
    assert page.errors == []
