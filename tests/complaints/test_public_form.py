"""Filing a complaint on the public form: success, every validation error, spam rules."""

import pytest
from django.urls import reverse

from complaints.models import Complaint, Customer
from recovery.choices import Priority, Status
from tests.conftest import form_token

pytestmark = pytest.mark.django_db
URL = reverse("complaints:new")
# A second, different complaint (the same text again would be a resubmission).
ANOTHER_COMPLAINT = "The replacement never arrived either, and still nobody calls back."


def test_form_page_offers_active_categories_and_a_fresh_token(client, category):
    response = client.get(URL)
    assert response.status_code == 200
    assert category.name_en in response.text
    assert 'name="form_token"' in response.text


def test_valid_complaint_is_saved_with_its_ticket_and_shows_the_reference(client, complaint_data):
    response = client.post(URL, complaint_data(phone="06 12 34 56 78", nps="3"), follow=True)
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.reference in response.text
    assert complaint.tracking_token in response.text
    assert complaint.customer.phone == "+33612345678"
    assert complaint.nps_at_intake == 3
    assert complaint.channel == "web"
    assert complaint.timezone == "Europe/London"
    assert complaint.ticket.status == Status.NEW
    assert complaint.ticket.priority == Priority.STANDARD


def test_confirmation_shows_the_callback_time_in_the_customers_time_zone(client, complaint_data):
    response = client.post(URL, complaint_data(timezone="America/New_York"), follow=True)
    due = Complaint.objects.get().ticket.callback_due_at
    from zoneinfo import ZoneInfo

    local = due.astimezone(ZoneInfo("America/New_York"))
    assert f"{local:%H:%M}" in response.text
    assert "New_York" in response.text or "EST" in response.text or "EDT" in response.text


def test_language_of_the_page_is_remembered_for_the_customer(client, complaint_data):
    client.post(URL, complaint_data(), HTTP_ACCEPT_LANGUAGE="fr")
    complaint = Complaint.objects.get()
    assert complaint.language == "fr"
    assert complaint.customer.language == "fr"


def test_french_page_speaks_french(client, category):
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="fr")
    assert 'lang="fr"' in response.text
    assert "Envoyer ma réclamation" in response.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Tell us your name."),
        ("name", "   ", "Tell us your name."),
        ("email", "", "We need your email to keep you informed."),
        ("email", "not-an-email", "Enter a valid email address"),
        ("phone", "12", "Enter a valid phone number"),
        ("category", "", "Choose what your complaint is about."),
        ("category", "999999", "Select a valid choice"),
        ("description", "", "Tell us what happened."),
        ("description", "bad", "at least 10 characters"),
        ("nps", "11", "Select a valid choice"),
        ("nps", "-1", "Select a valid choice"),
        ("consent", None, "We need your permission to contact you"),
        ("email", "a" * 250 + "@example.com", "Ensure this value has at most"),
    ],
)
def test_each_invalid_field_gets_a_clear_message_next_to_it(
    client, complaint_data, field, value, message
):
    response = client.post(URL, complaint_data(**{field: value}))
    assert response.status_code == 400
    assert message in response.text
    # The message sits next to its field, which points to it for screen readers.
    assert f'id="id_{field}_error"' in response.text
    assert f'aria-describedby="id_{field}_error' in response.text or (
        f'id_{field}_error"' in response.text and "aria-describedby" in response.text
    )
    assert not Complaint.objects.exists()


def test_what_the_customer_typed_is_kept_after_a_validation_error(client, complaint_data):
    response = client.post(
        URL,
        complaint_data(
            email="broken",
            description="Ma commande n'est jamais arrivée, c'est la deuxième fois.",
            remedy_sought="Un remboursement",
            order_reference="CMD-42",
            phone="+33 6 12 34 56 78",
            nps="4",
        ),
    )
    assert response.status_code == 400
    assert "Ma commande n&#x27;est jamais arrivée" in response.text
    assert "Un remboursement" in response.text
    assert 'value="CMD-42"' in response.text
    assert 'value="Ada Lovelace"' in response.text
    assert (
        'value="4" checked' in response.text
        or 'checked value="4"' in response.text
        or ('value="4"' in response.text and "checked" in response.text)
    )


def test_validation_error_asks_to_choose_attachments_again(client, complaint_data, png_file):
    response = client.post(URL, {**complaint_data(email="broken"), "attachments": [png_file()]})
    assert response.status_code == 400
    assert "choose" in response.text.lower() and "again" in response.text.lower()


def test_honeypot_filled_in_is_refused_and_nothing_saved(client, complaint_data):
    response = client.post(URL, complaint_data(website="http://spam.example"))
    assert response.status_code == 400
    assert "We could not accept this submission" in response.text
    assert not Complaint.objects.exists()


def test_submission_faster_than_a_person_could_type_is_refused(client, complaint_data):
    response = client.post(URL, complaint_data(form_token=form_token(age=0)))
    assert response.status_code == 400
    assert "That was quick!" in response.text
    assert not Complaint.objects.exists()


def test_tampered_or_missing_form_token_is_refused_with_a_fresh_one(client, complaint_data):
    for token in ("forged", ""):
        response = client.post(URL, complaint_data(form_token=token))
        assert response.status_code == 400
        assert not Complaint.objects.exists()
    assert "This form has expired" in client.post(URL, complaint_data(form_token="forged")).text


def test_an_inactive_category_cannot_be_chosen(client, complaint_data, category):
    category.active = False
    category.save()
    response = client.post(URL, complaint_data())
    assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_same_email_in_another_case_finds_the_same_customer(client, complaint_data):
    client.post(URL, complaint_data(email="Ada@Example.com"))
    client.post(URL, complaint_data(email="ada@example.COM", description=ANOTHER_COMPLAINT))
    assert Customer.objects.count() == 1
    assert Complaint.objects.count() == 2


def test_second_complaint_within_90_days_gets_the_24_hour_promise(client, complaint_data):
    client.post(URL, complaint_data())
    client.post(URL, complaint_data(description=ANOTHER_COMPLAINT))
    first, second = Complaint.objects.order_by("submitted_at")
    assert first.ticket.priority == Priority.STANDARD
    assert second.ticket.priority == Priority.HIGH
