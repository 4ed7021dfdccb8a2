"""The customer's private tracking page."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from recovery.choices import EventKind, Status
from recovery.services import ticket_reopen, ticket_resolve
from tests.factories import ticket_in_status, ticketed_complaint

pytestmark = pytest.mark.django_db


def track_url(complaint):
    return reverse("complaints:track", args=[complaint.tracking_token])


def test_tracking_page_shows_status_and_the_customer_visible_timeline(client):
    complaint = ticketed_complaint(description="The blender arrived without its lid.")
    response = client.get(track_url(complaint))
    assert response.status_code == 200
    assert complaint.reference in response.text
    assert "The blender arrived without its lid." in response.text
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_internal_events_never_reach_the_tracking_page(client):
    from recovery.workflow import event_record

    complaint = ticketed_complaint()
    event_record(
        ticket=complaint.ticket, kind=EventKind.NOTE, payload={"text": "Customer sounds angry"}
    )
    assert "Customer sounds angry" not in client.get(track_url(complaint)).text


@pytest.mark.parametrize(
    "token",
    ["x" * 43, "short", "A" * 42 + "!", "../../etc/passwd", "x" * 200],
)
def test_wrong_token_is_a_plain_404(client, token):
    ticketed_complaint()
    response = client.get(f"/track/{token}/")
    assert response.status_code == 404


def test_404_for_a_wrong_token_looks_the_same_as_for_an_expired_one(client, settings):
    complaint = ticketed_complaint()
    wrong = client.get("/track/" + "x" * 43 + "/")
    with time_machine.travel(complaint.submitted_at + timedelta(days=366)):
        expired = client.get(track_url(complaint))
    assert wrong.status_code == expired.status_code == 404
    assert wrong.content == expired.content
    assert complaint.reference not in expired.text


def test_tracking_link_still_works_the_day_before_it_expires(client):
    complaint = ticketed_complaint()
    with time_machine.travel(complaint.submitted_at + timedelta(days=364)):
        assert client.get(track_url(complaint)).status_code == 200


def test_customer_can_add_a_message_that_joins_the_timeline(client):
    complaint = ticketed_complaint()
    response = client.post(track_url(complaint), {"text": "I am home after 6 pm."}, follow=True)
    assert response.status_code == 200
    assert "I am home after 6 pm." in response.text
    event = complaint.ticket.events.get(kind=EventKind.CUSTOMER_MESSAGE)
    assert event.customer_visible and event.payload["text"] == "I am home after 6 pm."


def test_empty_message_is_refused_with_a_message(client):
    complaint = ticketed_complaint()
    response = client.post(track_url(complaint), {"text": ""})
    assert response.status_code == 400
    assert "Write your message before sending it." in response.text
    assert not complaint.ticket.events.filter(kind=EventKind.CUSTOMER_MESSAGE).exists()


def test_the_customer_reads_the_apology_and_acknowledgement_but_no_internal_detail(client):
    ticket = ticket_in_status(Status.FOLLOW_UP)
    ticket_resolve(ticket=ticket, actor=None, note="Internal: gave up arguing.")
    ticket_reopen(ticket=ticket, actor=None, reason="Internal: voucher code bounced.")
    text = client.get(track_url(ticket.complaint)).text
    # The words ticket_in_status used for the acknowledgement and the apology.
    assert "Hello, Ana here." in text
    assert "We are sorry about the broken vase." in text
    assert "gave up arguing" not in text
    assert "voucher code bounced" not in text
    assert "Already refunded." not in text  # the "no compensation" reason
