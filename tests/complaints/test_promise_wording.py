"""The callback promise reads as a sentence in the customer's language: its day and its zone.

A French sentence writes the weekday in lower case ("le vendredi 4 décembre"),
and nobody says "heure de Europe/Paris": the zone is named as people name it.
The confirmation page, the tracking page and the email share one wording.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from complaints.models import Complaint
from notifications.emails import build
from notifications.models import Notification
from recovery.formatting import promise_moment, zone_label
from tests.conftest import form_token

PARIS = ZoneInfo("Europe/Paris")
# A Wednesday; a standard complaint is promised a call within 48 hours: Friday.
FILED = datetime(2026, 12, 2, 10, 0, tzinfo=PARIS)


def file(client, complaint_data, language):
    with time_machine.travel(FILED, tick=False):
        response = client.post(
            reverse("complaints:new"),
            complaint_data(timezone="Europe/Paris", form_token=form_token()),
            HTTP_ACCEPT_LANGUAGE=language,
            follow=True,
        )
    assert response.status_code == 200
    return response, Complaint.objects.get()


@pytest.mark.django_db
def test_the_french_confirmation_writes_the_weekday_in_lower_case_and_names_the_city(
    client, complaint_data
):
    response, complaint = file(client, complaint_data, "fr")
    text = response.text
    assert "vendredi 4 décembre 2026 à 10:00" in text
    assert "Vendredi" not in text
    assert "Heure de Paris" in text
    assert "Europe/Paris" not in text
    tracking = client.get(
        reverse("complaints:track", args=[complaint.tracking_token]), HTTP_ACCEPT_LANGUAGE="fr"
    ).text
    assert "vendredi 4 décembre 2026 à 10:00" in tracking
    assert "Vendredi" not in tracking and "Europe/Paris" not in tracking


@pytest.mark.django_db
def test_the_english_confirmation_names_the_city_not_the_zone_identifier(client, complaint_data):
    response, _complaint = file(client, complaint_data, "en")
    assert "Friday 4 December 2026, 10:00" in response.text
    assert "Paris time" in response.text
    assert "Europe/Paris" not in response.text


@pytest.mark.django_db
def test_the_french_received_email_says_heure_de_paris(client, complaint_data):
    mail.outbox.clear()
    _response, complaint = file(client, complaint_data, "fr")
    notification = Notification.objects.get(ticket__complaint=complaint)
    _subject, message = build(notification)
    assert "le vendredi 4 décembre 2026 à 10:00 (heure de Paris)" in message.body
    assert "Europe/Paris" not in message.body


@pytest.mark.parametrize(
    ("name", "label"),
    [("Europe/Paris", "Paris"), ("America/New_York", "New York"), ("UTC", "UTC"), ("", "")],
)
def test_a_zone_is_named_by_its_city(name, label):
    assert zone_label(name) == label


def test_no_moment_reads_as_nothing():
    assert promise_moment(None) == ""
