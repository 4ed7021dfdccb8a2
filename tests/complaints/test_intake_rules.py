"""The intake's rules live once (complaints.rules, applied by complaint_file): every intake gets them alike."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework.test import APIClient

from complaints.models import Channel, Complaint
from complaints.rules import MESSAGES
from complaints.services import (
    IdempotencyKeyReused,
    IntakeRateLimited,
    complaint_file,
)
from complaints.signals import complaint_filed
from tests.conftest import form_token

pytestmark = pytest.mark.django_db
API_URL = "/api/v1/complaints/"
DESCRIPTION = "My order never arrived and nobody answers the phone."


@pytest.fixture
def answers(category):
    """What a customer filing for themselves gives, as complaint_file's arguments."""

    def make(**overrides):
        return {
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "category": category,
            "description": DESCRIPTION,
            "channel": Channel.WEB,
            "consent_to_contact": True,
            "ip_address": "10.1.1.1",
            **overrides,
        }

    return make


def refusal(**answers):
    with pytest.raises(ValidationError) as caught:
        complaint_file(**answers)
    return caught.value


def form_post(client, category, **overrides):
    data = {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "category": str(category.pk),
        "description": DESCRIPTION,
        "consent": "on",
        "form_token": form_token(),
        **overrides,
    }
    return client.post("/", data)


def api_post(category, key=None, **overrides):
    body = {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "category": category.pk,
        "description": DESCRIPTION,
        "consent": True,
        **overrides,
    }
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return APIClient().post(API_URL, body, format="json", **headers)


# --- The rules, at the service -----------------------------------------------


def test_a_customer_filing_for_themselves_needs_an_email_consent_and_the_web_channel(answers):
    error = refusal(**answers(email="", consent_to_contact=False, channel=Channel.PHONE))

    assert error.message_dict == {
        "email": [str(MESSAGES["email_required"])],
        "consent": [str(MESSAGES["consent_required"])],
        "channel": [str(MESSAGES["channel_staff_only"])],
    }
    assert not Complaint.objects.exists()


def test_a_blank_name_and_a_short_description_are_refused_together(answers):
    error = refusal(**answers(name="   ", description="  too short  "))

    assert error.message_dict == {
        "name": [str(MESSAGES["name_required"])],
        "description": [str(MESSAGES["description_too_short"])],
    }


def test_staff_filing_needs_an_email_a_phone_or_a_known_customer(answers, agent):
    error = refusal(
        **answers(email="", consent_to_contact=False, channel=Channel.PHONE, logged_by=agent)
    )

    assert error.messages == [str(MESSAGES["no_contact"])]
    complaint, created = complaint_file(
        **answers(email="", phone="+33612345678", channel=Channel.PHONE, logged_by=agent)
    )
    assert created and complaint.logged_by == agent


def test_the_name_is_filed_with_its_spacing_tidied(answers):
    complaint, _created = complaint_file(**answers(name="  Ada   Lovelace "))

    assert complaint.customer.name == "Ada Lovelace"


def test_a_repeat_is_answered_before_the_rate_limit_can_refuse_it(answers, settings):
    settings.AMENDS = {**settings.AMENDS, "RATE_LIMIT_PER_IP": 1}
    first, created = complaint_file(**answers(idempotency_key="form-key"))

    again, created_again = complaint_file(**answers(idempotency_key="form-key"))

    assert created and not created_again and again == first
    with pytest.raises(IntakeRateLimited):
        complaint_file(**answers(description="Another fault entirely, the next day."))
    assert Complaint.objects.count() == 1


def test_staff_are_not_held_to_the_public_rate_limits(answers, agent, settings):
    settings.AMENDS = {**settings.AMENDS, "RATE_LIMIT_PER_IP": 1, "RATE_LIMIT_PER_EMAIL": 1}
    for i in range(3):
        complaint_file(
            **answers(description=f"Fault number {i}: the order never came.", logged_by=agent)
        )

    assert Complaint.objects.count() == 3


def test_a_key_sent_again_with_other_answers_is_refused(answers):
    complaint_file(**answers(idempotency_key="k", idempotency_fingerprint="first"))

    with pytest.raises(IdempotencyKeyReused):
        complaint_file(**answers(idempotency_key="k", idempotency_fingerprint="second"))


# --- The same rule, the same words, through the form and the API -------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        # Ten characters: long enough to parse, too short once its spaces are cut.
        ("description", "   bad    ", "description_too_short"),
        ("email", "", "email_required"),
        ("name", "   ", "name_required"),
    ],
)
def test_the_form_and_the_api_refuse_the_same_answer_in_the_same_words(
    client, category, field, value, message
):
    page = form_post(client, category, **{field: value})
    api = api_post(category, **{field: value})

    words = str(MESSAGES[message])
    assert page.status_code == api.status_code == 400
    assert words.replace("'", "&#x27;") in page.text
    assert f'id="id_{field}_error"' in page.text
    assert api.json()["error"]["fields"][field] == [words]
    assert not Complaint.objects.exists()


def test_the_form_and_the_api_both_replay_before_the_shared_limit(client, category, settings):
    settings.AMENDS = {**settings.AMENDS, "RATE_LIMIT_PER_IP": 1}
    token = form_token()
    assert form_post(client, category, form_token=token).status_code == 302
    filed = Complaint.objects.get()

    # Sent again through each intake: the complaint already filed, not a 429.
    assert form_post(client, category, form_token=token).status_code == 302
    again = api_post(category)
    assert again.status_code == 200
    assert again["Duplicate-Replayed"] == "true"
    assert again.json()["reference"] == filed.reference
    # Something new is counted, and refused, by both alike.
    other = {"description": "Another fault entirely, the next day."}
    assert form_post(client, category, **other).status_code == 429
    assert api_post(category, **other).status_code == 429
    assert Complaint.objects.count() == 1


# --- The complaint is announced, and its ticket opened, in one transaction ---


def test_every_complaint_answered_with_a_reference_has_its_ticket(answers):
    complaint, _created = complaint_file(**answers())

    complaint.refresh_from_db()
    assert complaint.ticket.opened_at == complaint.submitted_at


def test_a_receiver_that_fails_rolls_the_whole_filing_back(answers):
    def fail(sender, **kwargs):
        raise RuntimeError("the ticket could not be opened")

    complaint_filed.connect(fail, dispatch_uid="test.fail")
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            complaint_file(**answers())
    finally:
        complaint_filed.disconnect(dispatch_uid="test.fail")

    assert not Complaint.objects.exists()
