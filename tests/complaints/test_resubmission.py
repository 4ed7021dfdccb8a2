"""The same customer sending the same complaint again, with a new form key, files it once.

Browser Back restores the filled-in form with a fresh one-time key, so the key
alone cannot tell a resubmission from a new complaint: the customer and the
text can, within AMENDS["DUPLICATE_WINDOW_SECONDS"].
"""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint
from complaints.services import complaint_submit
from recovery.models import Ticket
from tests.concurrency import race_cleanly
from tests.conftest import form_token

URL = reverse("complaints:new")
PHONE_URL = reverse("agent:phone_intake")
pytestmark = pytest.mark.django_db


def send_again(client, data, headers=None, REMOTE_ADDR="127.0.0.1", **changes):  # noqa: N803
    """What Back then Send posts: the same answers with a new form key."""
    data = {**data, "form_token": form_token(), **changes}
    return client.post(URL, data, follow=True, headers=headers, REMOTE_ADDR=REMOTE_ADDR)


def test_sending_the_same_complaint_again_shows_the_first_ones_confirmation(client, complaint_data):
    data = complaint_data()
    first = client.post(URL, data, follow=True)
    again = send_again(client, data)

    complaint = Complaint.objects.get()
    assert Ticket.objects.count() == 1
    assert complaint.reference in first.text
    assert "You already sent us this complaint" not in first.text
    assert complaint.reference in again.text
    assert "You already sent us this complaint" in again.text


def test_the_same_text_spaced_or_capitalised_differently_is_the_same_complaint(
    client, complaint_data
):
    data = complaint_data()
    client.post(URL, data)
    send_again(
        client,
        data,
        email="ADA@example.com",
        description="  my order never arrived\r\n\r\nand nobody answers   the phone. ",
    )

    assert Complaint.objects.count() == 1


def test_confirmation_of_a_resubmission_is_in_french_for_a_french_customer(client, complaint_data):
    data = complaint_data()
    client.post(URL, data, headers={"accept-language": "fr"})
    again = send_again(client, data, headers={"accept-language": "fr"})

    assert "Vous nous avez déjà envoyé cette réclamation" in again.text


@pytest.mark.parametrize(
    "change",
    [
        {"description": "My parcel arrived but the box inside was empty."},
        {"email": "someone.else@example.com"},
    ],
)
def test_another_text_or_another_customer_is_a_new_complaint(client, complaint_data, change):
    data = complaint_data()
    client.post(URL, data)
    again = send_again(client, data, **change)

    assert Complaint.objects.count() == 2
    assert "You already sent us this complaint" not in again.text


def test_the_same_words_from_another_address_never_show_the_first_complaint(client, complaint_data):
    """Knowing someone's email and words must not be a way to their tracking link."""
    data = complaint_data()
    client.post(URL, data, REMOTE_ADDR="203.0.113.1")
    first = Complaint.objects.get()
    elsewhere = send_again(client, data, REMOTE_ADDR="198.51.100.7")

    assert Complaint.objects.count() == 2
    assert first.reference not in elsewhere.text
    assert first.tracking_token not in elsewhere.text


@pytest.mark.parametrize(("seconds_later", "complaints"), [(599, 1), (601, 2)])
def test_resubmission_counts_only_within_the_window(
    client, complaint_data, settings, seconds_later, complaints
):
    settings.AMENDS = {**settings.AMENDS, "DUPLICATE_WINDOW_SECONDS": 600}
    data = complaint_data()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.post(URL, data)
        traveller.shift(timedelta(seconds=seconds_later))
        send_again(client, data)

    assert Complaint.objects.count() == complaints


def test_a_resubmission_is_not_counted_against_the_rate_limit(client, complaint_data, settings):
    settings.AMENDS = {**settings.AMENDS, "RATE_LIMIT_PER_EMAIL": 1}
    data = complaint_data()
    client.post(URL, data)
    again = send_again(client, data)

    assert again.status_code == 200
    assert "You already sent us this complaint" in again.text


def test_a_caller_logged_twice_by_phone_without_an_email_gets_one_complaint(agent_client, category):
    from tests.complaints.test_phone_intake import phone_data

    first = agent_client.post(PHONE_URL, phone_data(category))
    again = agent_client.post(PHONE_URL, phone_data(category, phone="+33 6 98 76 54 32"))

    complaint = Complaint.objects.get()
    assert (
        first["Location"]
        == again["Location"]
        == reverse("agent:ticket", args=[complaint.reference])
    )
    page = agent_client.get(again["Location"])
    assert "already logged" in page.text


@pytest.mark.django_db(transaction=True)
def test_two_racing_resubmissions_with_different_keys_file_one_complaint(category):
    from tests.factories import CustomerFactory

    CustomerFactory(email="ada@example.com")  # a returning customer: their row is the lock

    def submit():
        return complaint_submit(
            name="Ada Lovelace",
            email="ada@example.com",
            category=category,
            description="My order never arrived and nobody answers the phone.",
            channel="web",
            consent_to_contact=True,
        )

    outcomes = race_cleanly(submit, submit, submit)

    assert len({complaint.pk for complaint, _created in outcomes}) == 1
    assert sorted(created for _complaint, created in outcomes) == [False, False, True]
    assert Complaint.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_racing_first_complaints_of_a_new_customer_file_one(category):
    def submit():
        return complaint_submit(
            name="Ada Lovelace",
            email="ada@example.com",
            category=category,
            description="My order never arrived and nobody answers the phone.",
            channel="web",
            consent_to_contact=True,
        )

    race_cleanly(submit, submit)

    assert Complaint.objects.count() == 1
