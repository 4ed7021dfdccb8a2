"""How a form that needs correcting looks: red borders, and one error per line."""

import pytest

from tests.factories import CategoryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ERROR_RED = "rgb(180, 35, 24)"  # --c-danger


def submit_without_the_browsers_checks(page):
    # The server's messages are what we look at; the browser's own bubbles would stop us first.
    page.evaluate("document.querySelector('form.complaint-form').noValidate = true")
    page.click("button[type=submit]:has-text('Send my complaint')")
    page.wait_for_selector(".error-summary")


def test_invalid_inputs_of_the_public_form_have_the_error_red_border(live_server, page):
    CategoryFactory(name_en="Late delivery")
    page.goto(live_server.url + "/")
    submit_without_the_browsers_checks(page)

    for selector in ("#id_name", "#id_email", "#id_category", "#id_description"):
        field = page.locator(selector)
        assert field.get_attribute("aria-invalid") == "true", selector
        colour = field.evaluate("el => getComputedStyle(el).borderTopColor")
        assert colour == ERROR_RED, (selector, colour)
    # Hovering keeps it red: the hover grey must not win over the error.
    page.hover("#id_name")
    assert (
        page.locator("#id_name").evaluate("el => getComputedStyle(el).borderTopColor") == ERROR_RED
    )


def test_two_errors_on_one_field_stack_one_per_line_and_describe_it(live_server, page):
    CategoryFactory(name_en="Late delivery")
    page.goto(live_server.url + "/")
    page.fill("#id_name", "Ada Lovelace")
    # Two "images" that are text inside: the browser lets them through, the server refuses both.
    page.set_input_files(
        "#id_attachments",
        [
            {"name": "first.png", "mimeType": "image/png", "buffer": b"not a picture at all"},
            {"name": "second.png", "mimeType": "image/png", "buffer": b"nor is this one"},
        ],
    )
    submit_without_the_browsers_checks(page)

    errors = page.locator("#id_attachments_error li")
    assert errors.count() == 2
    first, second = errors.nth(0).bounding_box(), errors.nth(1).bounding_box()
    assert second["y"] >= first["y"] + first["height"] - 1, (first, second)
    assert abs(first["x"] - second["x"]) < 1
    assert "first.png" in errors.nth(0).inner_text()
    assert "second.png" in errors.nth(1).inner_text()
    described_by = page.locator("#id_attachments").get_attribute("aria-describedby").split()
    assert "id_attachments_error" in described_by
    file_input = page.locator("#id_attachments")
    assert file_input.evaluate("el => getComputedStyle(el).borderTopColor") == ERROR_RED
    assert page.errors == []
