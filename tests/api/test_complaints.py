"""POST /api/v1/complaints/: the form's rules as JSON, rate limits, and the Idempotency-Key."""

from urllib.parse import urlencode

import pytest

from complaints.models import Channel, Complaint
from recovery.choices import Status
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db
URL = "/api/v1/complaints/"


def test_anonymous_caller_files_a_complaint_and_gets_reference_tracking_url_and_ticket(
    anonymous, complaint_body
):
    response = anonymous.post(URL, complaint_body(), format="json")

    assert response.status_code == 201
    complaint = Complaint.objects.get()
    body = response.json()
    assert body["reference"] == complaint.reference
    assert body["tracking_url"] == f"http://testserver/track/{complaint.tracking_token}/"
    assert body["ticket"]["status"] == Status.NEW
    assert body["ticket"]["priority"] == "standard"
    assert body["ticket"]["callback_due_at"]
    assert complaint.channel == Channel.WEB
    assert complaint.ip_address == "127.0.0.1"
    assert complaint.logged_by is None


def test_agent_files_a_phone_complaint_with_only_a_phone_number(agent_api, agent, complaint_body):
    body = complaint_body(email="", consent=False, phone="06 12 34 56 78", channel="phone")

    response = agent_api.post(URL, body, format="json")

    assert response.status_code == 201
    complaint = Complaint.objects.get()
    assert complaint.channel == Channel.PHONE
    assert complaint.customer.phone == "+33612345678"
    assert complaint.logged_by == agent
    assert complaint.consent_to_contact is False


@pytest.mark.parametrize("channel", ["phone", "email", "api"])
def test_anonymous_caller_cannot_choose_the_channel(anonymous, complaint_body, channel):
    response = anonymous.post(URL, complaint_body(channel=channel), format="json")

    assert response.status_code == 400
    error = error_of(response)
    assert list(error["fields"]) == ["channel"]
    assert "staff" in error["fields"]["channel"][0]
    assert Complaint.objects.count() == 0


def test_anonymous_caller_may_say_web_which_is_what_they_get_anyway(anonymous, complaint_body):
    response = anonymous.post(URL, complaint_body(channel="web"), format="json")

    assert response.status_code == 201
    assert Complaint.objects.get().channel == Channel.WEB


def test_manager_signed_in_with_a_session_chooses_the_channel(manager, complaint_body):
    from rest_framework.test import APIClient

    session = APIClient()
    session.force_login(manager)

    response = session.post(URL, complaint_body(channel="email"), format="json")

    assert response.status_code == 201
    assert Complaint.objects.get().channel == Channel.EMAIL


def test_agent_filing_without_a_channel_files_an_api_complaint(agent_api, complaint_body):
    response = agent_api.post(URL, complaint_body(), format="json")

    assert response.status_code == 201
    assert Complaint.objects.get().channel == Channel.API


def test_agent_must_give_an_email_or_a_phone_number(agent_api, complaint_body):
    response = agent_api.post(URL, complaint_body(email=""), format="json")

    assert response.status_code == 400
    assert "email or phone number" in error_of(response)["message"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": ""}, "email"),
        ({"email": "not-an-email"}, "email"),
        ({"consent": False}, "consent"),
        ({"name": "   "}, "name"),
        ({"description": "too short"}, "description"),
        ({"phone": "12"}, "phone"),
        ({"nps": 11}, "nps"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"channel": "fax"}, "channel"),
        ({"category": 999999}, "category"),
    ],
)
def test_anonymous_complaint_breaking_a_form_rule_gets_400_with_that_field(
    anonymous, complaint_body, change, field
):
    response = anonymous.post(URL, complaint_body(**change), format="json")

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]
    assert Complaint.objects.count() == 0


def test_validation_messages_follow_the_request_language(anonymous, complaint_body):
    response = anonymous.post(
        URL, complaint_body(email=""), format="json", HTTP_ACCEPT_LANGUAGE="fr"
    )

    assert response.status_code == 400
    assert "e-mail" in error_of(response)["fields"]["email"][0].lower()


def test_inactive_category_is_refused(anonymous, complaint_body, category):
    category.active = False
    category.save()

    response = anonymous.post(URL, complaint_body(), format="json")

    assert response.status_code == 400
    assert "category" in error_of(response)["fields"]


def test_sixth_anonymous_complaint_from_one_ip_within_the_hour_gets_429(anonymous, complaint_body):
    for i in range(5):
        response = anonymous.post(URL, complaint_body(email=f"c{i}@example.com"), format="json")
        assert response.status_code == 201

    response = anonymous.post(URL, complaint_body(email="c6@example.com"), format="json")

    assert response.status_code == 429
    assert error_of(response)["code"] == "rate_limited"
    assert Complaint.objects.count() == 5


def test_fourth_anonymous_complaint_from_one_email_gets_429_whatever_the_ip(
    anonymous, complaint_body
):
    for i in range(3):
        body = complaint_body(description=f"Complaint number {i}: my order never arrived.")
        response = anonymous.post(URL, body, format="json", REMOTE_ADDR=f"10.0.0.{i}")
        assert response.status_code == 201

    body = complaint_body(description="Complaint number 9: my order never arrived.")
    response = anonymous.post(URL, body, format="json", REMOTE_ADDR="10.0.0.9")

    assert response.status_code == 429


def test_api_and_form_share_the_per_ip_limit(anonymous, client, complaint_body, settings):
    from tests.conftest import form_token

    settings.AMENDS = {**settings.AMENDS, "RATE_LIMIT_PER_IP": 1}
    form = {
        "name": "Ada",
        "email": "form@example.com",
        "category": complaint_body()["category"],
        "description": "My order never arrived and nobody answers the phone.",
        "consent": "on",
        "form_token": form_token(),
    }
    assert client.post("/", form).status_code == 302

    response = anonymous.post(URL, complaint_body(email="api@example.com"), format="json")

    assert response.status_code == 429


def test_agents_are_not_held_to_the_public_rate_limits(agent_api, complaint_body, settings):
    settings.AMENDS = {**settings.AMENDS, "RATE_LIMIT_PER_IP": 1, "RATE_LIMIT_PER_EMAIL": 1}
    for i in range(3):
        body = complaint_body(description=f"Complaint number {i}: my order never arrived.")
        assert agent_api.post(URL, body, format="json").status_code == 201


def test_retry_with_the_same_key_and_body_gets_the_first_answer_and_files_one_complaint(
    anonymous, complaint_body
):
    first = anonymous.post(URL, complaint_body(), format="json", HTTP_IDEMPOTENCY_KEY="key-1")
    retry = anonymous.post(URL, complaint_body(), format="json", HTTP_IDEMPOTENCY_KEY="key-1")

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert Complaint.objects.count() == 1


def test_same_body_spelled_differently_counts_as_the_same_request(anonymous, complaint_body):
    anonymous.post(URL, complaint_body(), format="json", HTTP_IDEMPOTENCY_KEY="key-1")
    respelled = complaint_body(name="  Ada   Lovelace ", channel="web")

    retry = anonymous.post(URL, respelled, format="json", HTTP_IDEMPOTENCY_KEY="key-1")

    assert retry.status_code == 201
    assert Complaint.objects.count() == 1


def test_same_key_with_another_body_gets_422_and_files_nothing(anonymous, complaint_body):
    anonymous.post(URL, complaint_body(), format="json", HTTP_IDEMPOTENCY_KEY="key-1")

    response = anonymous.post(
        URL,
        complaint_body(description="Something else entirely went wrong here."),
        format="json",
        HTTP_IDEMPOTENCY_KEY="key-1",
    )

    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in error["message"]
    assert Complaint.objects.count() == 1


def test_a_retry_is_not_counted_again_by_the_rate_limits(anonymous, complaint_body, settings):
    settings.AMENDS = {**settings.AMENDS, "RATE_LIMIT_PER_IP": 1}
    for _ in range(3):
        response = anonymous.post(URL, complaint_body(), format="json", HTTP_IDEMPOTENCY_KEY="k")
        assert response.status_code == 201


def test_another_caller_reusing_a_key_gets_a_complaint_of_their_own(
    anonymous, agent_api, complaint_body
):
    mine = anonymous.post(URL, complaint_body(), format="json", HTTP_IDEMPOTENCY_KEY="shared")
    theirs = agent_api.post(
        URL, complaint_body(email="grace@example.com"), format="json", HTTP_IDEMPOTENCY_KEY="shared"
    )

    assert theirs.status_code == 201
    assert theirs.json()["reference"] != mine.json()["reference"]
    assert Complaint.objects.count() == 2


def test_malformed_idempotency_key_gets_400(anonymous, complaint_body):
    response = anonymous.post(
        URL, complaint_body(), format="json", HTTP_IDEMPOTENCY_KEY="has spaces in it"
    )

    assert response.status_code == 400
    assert "Idempotency-Key" in error_of(response)["fields"]


def test_url_encoded_body_gets_415(anonymous, complaint_body):
    # JSON, or multipart to send files (tests/api/test_attachments.py); not a plain form.
    response = anonymous.post(
        URL, urlencode(complaint_body()), content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"


def test_malformed_json_gets_400(anonymous):
    response = anonymous.post(URL, "{not json", content_type="application/json")

    assert response.status_code == 400
    assert error_of(response)["code"] == "parse_error"


def test_complaint_with_an_email_queues_the_received_email(anonymous, complaint_body):
    from notifications.models import Notification, NotificationKind

    anonymous.post(URL, complaint_body(), format="json")

    assert Notification.objects.get().kind == NotificationKind.COMPLAINT_RECEIVED


def test_same_complaint_sent_again_without_a_key_gets_200_with_the_first_one(
    anonymous, complaint_body
):
    first = anonymous.post(URL, complaint_body(), format="json")
    again = anonymous.post(
        URL,
        complaint_body(description="my order never arrived and nobody answers the PHONE."),
        format="json",
    )

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again["Duplicate-Replayed"] == "true"
    assert "Idempotent-Replayed" not in again
    assert Complaint.objects.count() == 1


def test_same_complaint_sent_again_with_a_new_key_gets_the_first_one(anonymous, complaint_body):
    first = anonymous.post(URL, complaint_body(), format="json", HTTP_IDEMPOTENCY_KEY="key-1")
    again = anonymous.post(URL, complaint_body(), format="json", HTTP_IDEMPOTENCY_KEY="key-2")

    assert again.status_code == 200
    assert again.json()["reference"] == first.json()["reference"]
    assert Complaint.objects.count() == 1


def test_a_complaint_already_sent_through_the_form_is_not_filed_again_by_the_api(
    anonymous, client, complaint_body
):
    from tests.conftest import form_token

    body = complaint_body()
    client.post("/", {**body, "consent": "on", "form_token": form_token()})

    again = anonymous.post(URL, body, format="json")

    assert again.status_code == 200
    assert again.json()["reference"] == Complaint.objects.get().reference


def test_same_complaint_sent_from_another_address_is_filed_apart(anonymous, complaint_body):
    first = anonymous.post(URL, complaint_body(), format="json", REMOTE_ADDR="203.0.113.1")
    other = anonymous.post(URL, complaint_body(), format="json", REMOTE_ADDR="198.51.100.7")

    assert other.status_code == 201
    assert other.json()["tracking_url"] != first.json()["tracking_url"]
