"""The provider's tracking webhook: delivered, bounced, complained, opened, once each, never backwards."""

import logging

import pytest

from notifications.models import DeliveryEvent, Notification, NotificationKind, NotificationStatus
from notifications.sending import notification_send
from notifications.services import notification_queue
from recovery.choices import EventKind
from recovery.models import TicketEvent
from tests.factories import received_email, ticketed_complaint
from tests.notifications.esps import WRONG_AUTH, Mailgun, Postmark

pytestmark = pytest.mark.django_db

S = NotificationStatus


def send(esp, api, notification):
    """Send ``notification`` through the provider's (mocked) API; the row as stored after."""
    message_id = esp.new_message_id()
    esp.accept(api, message_id)
    assert notification_send(notification_id=notification.pk) == S.SENT
    return Notification.objects.get(pk=notification.pk)


@pytest.fixture
def sent(esp, provider_api):
    """A "complaint received" email the provider has accepted."""
    return send(esp, provider_api, received_email(ticket=ticketed_complaint().ticket))


def post(client, esp, sent, kind, **extra):
    payload = esp.event(
        kind, message_id=sent.provider_message_id, recipient=sent.recipient, **extra
    )
    return esp.post(client, payload)


def status_of(row):
    return Notification.objects.get(pk=row.pk).status


def call_notes(ticket):
    return TicketEvent.objects.filter(ticket=ticket, kind=EventKind.NOTE)


def test_a_delivery_marks_the_email_delivered(client, esp, sent):
    assert post(client, esp, sent, "delivered").status_code == 200
    row = Notification.objects.get(pk=sent.pk)
    assert row.status == S.DELIVERED
    assert row.delivered_at is not None
    (event,) = DeliveryEvent.objects.all()
    assert (event.esp, event.event_type, event.notification_id) == (esp.name, "delivered", sent.pk)


def test_a_post_without_the_webhook_secret_is_refused_and_changes_nothing(client, esp, sent):
    payload = esp.event("bounced", message_id=sent.provider_message_id, recipient=sent.recipient)
    assert esp.post(client, payload, auth=WRONG_AUTH).status_code == 400
    assert esp.post(client, payload, auth={}).status_code == 400
    assert status_of(sent) == S.SENT
    assert not DeliveryEvent.objects.exists()
    assert not call_notes(sent.ticket).exists()


def test_a_mailgun_post_with_a_forged_signature_is_refused(client, settings, provider_api):
    mailgun = Mailgun()
    for name, value in mailgun.settings.items():
        setattr(settings, name, value)
    row = send(
        mailgun,
        provider_api,
        received_email(ticket=ticketed_complaint().ticket),
    )
    forged = mailgun.event(
        "bounced", message_id=row.provider_message_id, recipient=row.recipient, key="guessed-key"
    )
    assert mailgun.post(client, forged).status_code == 400
    assert status_of(row) == S.SENT
    assert not DeliveryEvent.objects.exists()


def test_the_same_event_posted_twice_is_handled_once(client, esp, sent):
    for _ in range(2):
        assert post(client, esp, sent, "bounced", event_id="4323372036854775807").status_code == 200
    assert DeliveryEvent.objects.count() == 1
    assert call_notes(sent.ticket).count() == 1


def test_an_event_without_an_id_posted_twice_is_handled_once(client, settings, provider_api):
    postmark = Postmark()  # Postmark gives deliveries and opens no id of their own
    for name, value in postmark.settings.items():
        setattr(settings, name, value)
    row = send(
        postmark,
        provider_api,
        received_email(ticket=ticketed_complaint().ticket),
    )
    for _ in range(2):
        assert post(client, postmark, row, "opened").status_code == 200
    assert DeliveryEvent.objects.count() == 1


def test_a_bounced_customer_email_asks_the_assignee_to_call_in_an_internal_note(client, esp, sent):
    assert post(client, esp, sent, "bounced").status_code == 200
    assert status_of(sent) == S.BOUNCED
    (note,) = call_notes(sent.ticket)
    assert note.customer_visible is False
    assert note.payload["email_bounced"] == sent.pk
    assert "call the customer instead" in note.payload["text"]
    assert sent.recipient in note.payload["text"]


def test_a_bounced_staff_alert_leaves_the_ticket_alone(client, esp, provider_api):
    ticket = ticketed_complaint().ticket
    alert = notification_queue(
        ticket=ticket,
        event=ticket.events.get(kind=EventKind.OPENED),
        kind=NotificationKind.BREACH_ALERT,
        recipient="boss@amends.test",
        language="en",
    )
    row = send(esp, provider_api, alert)
    assert post(client, esp, row, "bounced").status_code == 200
    assert status_of(row) == S.BOUNCED
    assert not call_notes(ticket).exists()


@pytest.mark.parametrize(
    ("events", "final"),
    [
        (["bounced", "delivered"], S.BOUNCED),
        (["delivered", "bounced"], S.BOUNCED),
        (["complained", "delivered"], S.COMPLAINED),
        (["delivered", "complained", "bounced"], S.COMPLAINED),
        (["delivered", "deferred"], S.DELIVERED),
        (["deferred"], S.SENT),
    ],
)
def test_events_in_any_order_never_move_the_status_backwards(client, esp, sent, events, final):
    for kind in events:
        assert post(client, esp, sent, kind).status_code == 200
    assert status_of(sent) == final


def test_an_open_records_when_and_leaves_the_status(client, esp, sent):
    assert post(client, esp, sent, "delivered").status_code == 200
    assert post(client, esp, sent, "opened").status_code == 200
    row = Notification.objects.get(pk=sent.pk)
    assert (row.status, row.opened_at is not None) == (S.DELIVERED, True)


def test_an_event_for_an_email_we_never_sent_is_stored_and_moves_nothing(client, esp, sent):
    payload = esp.event(
        "bounced", message_id=esp.new_message_id(), recipient="stranger@example.com"
    )
    assert esp.post(client, payload).status_code == 200
    assert DeliveryEvent.objects.get().notification is None
    assert status_of(sent) == S.SENT


@pytest.mark.parametrize("body", ["{not json", "[]", '"a string"', ""])
def test_a_malformed_payload_is_answered_400_and_logged(client, esp, sent, body, caplog):
    with caplog.at_level(logging.WARNING):
        assert esp.post(client, body).status_code == 400
    assert "webhook" in caplog.text.lower()
    assert status_of(sent) == S.SENT
    assert not DeliveryEvent.objects.exists()
