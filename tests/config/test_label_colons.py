"""A label and its value are joined by the language's colon: "Nom d’utilisateur : …" in French.

The colon sits outside the translated words in several templates (the error
summary, the timeline, staff digests, chart titles); it is translated with them.
"""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_a_french_error_summary_sets_a_no_break_space_before_the_colon(client):
    response = client.post(
        reverse("login"), {"username": "", "password": ""}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    summary = response.text.split('class="error-summary__list"', 1)[1].split("</ul>", 1)[0]
    assert "\u00a0: " in summary
    assert "r: " not in summary and "e: " not in summary


@pytest.mark.django_db
def test_an_english_error_summary_keeps_its_plain_colon(client):
    response = client.post(
        reverse("login"), {"username": "", "password": ""}, HTTP_ACCEPT_LANGUAGE="en"
    )
    summary = response.text.split('class="error-summary__list"', 1)[1].split("</ul>", 1)[0]
    assert "Username: " in summary
