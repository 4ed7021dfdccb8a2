"""The 'complaint received' email: written with the complaint, sent once."""

import pytest
from django.core import mail

from notifications.models import Notification, NotificationStatus
from notifications.owed import notifications_for_events
from notifications.sending import notification_claim, notification_send
from recovery.choices import EventKind
from tests.factories import CustomerFactory, received_email, ticketed_complaint

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "subject_words", "body_words"),
    [("en", "received your complaint", "call you back"), ("fr", "réclamation", "rappel")],
)
def test_received_email_is_in_the_customers_language_with_reference_and_link(
    language, subject_words, body_words
):
    complaint = ticketed_complaint(language=language)
    notification = received_email(ticket=complaint.ticket)
    assert notification_send(notification_id=notification.pk) == NotificationStatus.SENT
    (message,) = mail.outbox
    assert complaint.reference in message.subject
    assert subject_words in message.subject.lower()
    assert body_words in message.body.lower()
    assert f"/track/{complaint.tracking_token}/" in message.body
    html = message.alternatives[0][0]
    assert f"/track/{complaint.tracking_token}/" in html
    assert message.to == [complaint.customer.email]


def test_same_event_never_makes_two_outbox_rows():
    complaint = ticketed_complaint()
    first = received_email(ticket=complaint.ticket)
    opened = complaint.ticket.events.get(kind=EventKind.OPENED)
    (second,) = notifications_for_events([opened])
    assert first.pk == second.pk
    assert Notification.objects.count() == 1


def test_a_row_is_claimed_once_and_sent_once():
    complaint = ticketed_complaint()
    notification = received_email(ticket=complaint.ticket)
    assert notification_send(notification_id=notification.pk) == NotificationStatus.SENT
    assert notification_send(notification_id=notification.pk) is None
    assert not notification_claim(notification.pk)
    assert len(mail.outbox) == 1


def test_complaint_from_a_customer_without_email_queues_no_email(client):
    complaint = ticketed_complaint(customer=CustomerFactory(email=""))
    assert complaint.ticket.notifications.count() == 0
