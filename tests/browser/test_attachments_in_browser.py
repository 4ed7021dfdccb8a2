"""The public form checks attachments in the browser before sending anything."""

import pytest

from tests.complaints.conftest import PNG_BYTES
from tests.factories import CategoryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MB = 1024 * 1024


def chosen(page):
    return page.locator("[data-file-list] li")


@pytest.mark.parametrize(
    ("locale", "too_large", "size"),
    [
        ("en-GB", "“holiday.png” is larger than 10 MB.", "11 MB"),
        ("fr-FR", "«\u00a0holiday.png\u00a0» dépasse 10\u00a0Mo.", "11\u00a0Mo"),
    ],
)
def test_a_too_large_file_and_a_program_are_refused_before_anything_is_sent(
    live_server, new_page, tmp_path, locale, too_large, size
):
    CategoryFactory(name_en="Late delivery")
    page = new_page(locale=locale)
    page.goto(live_server.url + "/")
    posts = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))

    files = {"receipt.png": PNG_BYTES, "holiday.png": b"\0" * (11 * MB), "setup.exe": b"MZ" * 64}
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    page.set_input_files("#id_attachments", [str(tmp_path / name) for name in files])
    # The chosen files, each with its size in the reader's language.
    assert chosen(page).count() == 3
    assert "receipt.png" in chosen(page).nth(0).inner_text()
    assert size in chosen(page).nth(1).inner_text()
    errors = page.locator("#id_attachments_checks li")
    assert errors.count() == 2
    assert errors.nth(0).inner_text() == too_large
    assert "setup.exe" in errors.nth(1).inner_text()
    field = page.locator("#id_attachments")
    assert field.get_attribute("aria-invalid") == "true"
    assert "id_attachments_checks" in field.get_attribute("aria-describedby").split()

    # Sending is held back: no request leaves, the focus goes to the files.
    page.evaluate("document.querySelector('form.complaint-form').noValidate = true")
    page.click("button[type=submit]")
    page.wait_for_timeout(300)
    assert posts == []
    assert page.evaluate("document.activeElement.id") == "id_attachments"

    # Choosing acceptable files clears the problem.
    page.set_input_files(
        "#id_attachments", [{"name": "receipt.png", "mimeType": "image/png", "buffer": PNG_BYTES}]
    )
    assert page.locator("#id_attachments_checks li").count() == 0
    assert chosen(page).count() == 1
    assert field.get_attribute("aria-invalid") is None
    assert page.errors == []
