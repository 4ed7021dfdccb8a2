"""Staff alerts that fire at once for one person go out as one email, not fifty."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from notifications.models import Notification, NotificationKind, NotificationStatus
from notifications.sending import DIGEST_WINDOW, notification_claim, notification_send
from notifications.services import notification_queue
from recovery.choices import EventKind
from recovery.deadlines import breach_due
from tests.factories import CustomerFactory, ManagerFactory, received_email, ticketed_complaint
from tests.notifications.esps import Postmark

pytestmark = pytest.mark.django_db


def alert(ticket, kind, recipient="boss@amends.test"):
    return notification_queue(
        ticket=ticket,
        event=ticket.events.get(kind=EventKind.OPENED),
        kind=kind,
        recipient=recipient,
        language="en",
    )


def test_five_breach_alerts_for_one_manager_go_out_as_one_email_listing_them(postmark):
    ManagerFactory(email="boss@amends.test")
    tickets = [ticketed_complaint().ticket for _ in range(5)]
    with time_machine.travel(max(t.callback_due_at for t in tickets) + timedelta(seconds=1)):
        breach_due()
        alerts = Notification.objects.filter(kind=NotificationKind.BREACH_ALERT)
        assert alerts.count() == 5
        Postmark().accept(postmark, "digest-message-id")
        assert notification_send(notification_id=alerts.first().pk) == NotificationStatus.SENT
        # Each other alert's own send task then finds nothing left to do.
        for row in alerts:
            assert notification_send(notification_id=row.pk) is None
    (call,) = postmark.calls
    sent = json.loads(call.request.body)
    assert sent["To"] == "boss@amends.test"
    assert sent["Subject"] == "[Amends] 5 alerts: 5 missed callbacks"
    for ticket in tickets:
        reference = ticket.complaint.reference
        assert reference in sent["TextBody"]
        assert f"/agent/tickets/{reference}/" in sent["HtmlBody"]
    assert set(alerts.values_list("status", "provider_message_id")) == {
        (NotificationStatus.SENT, "digest-message-id")
    }


def test_the_digest_subject_counts_each_kind_of_alert():
    tickets = [ticketed_complaint().ticket for _ in range(7)]
    first = alert(tickets[0], NotificationKind.BREACH_ALERT)
    for ticket in tickets[1:3]:
        alert(ticket, NotificationKind.BREACH_ALERT)
    for ticket in tickets[3:]:
        alert(ticket, NotificationKind.CALLBACK_REMINDER)
    assert notification_send(notification_id=first.pk) == NotificationStatus.SENT
    (message,) = mail.outbox
    assert message.subject == "[Amends] 7 alerts: 3 missed callbacks, 4 reminders"
    assert message.reply_to == []  # a reply from staff is no customer's message
    assert Notification.objects.filter(status=NotificationStatus.SENT).count() == 7


def test_a_single_staff_alert_goes_out_as_its_own_email():
    ticket = ticketed_complaint().ticket
    only = alert(ticket, NotificationKind.BREACH_ALERT)
    assert notification_send(notification_id=only.pk) == NotificationStatus.SENT
    (message,) = mail.outbox
    assert message.subject == f"[{ticket.complaint.reference}] Callback promise missed"


def test_alerts_for_different_people_are_never_batched_together():
    tickets = [ticketed_complaint().ticket for _ in range(2)]
    mine = alert(tickets[0], NotificationKind.BREACH_ALERT, "ann@amends.test")
    alert(tickets[1], NotificationKind.BREACH_ALERT, "bob@amends.test")
    assert notification_claim(mine.pk) == [mine.pk]


def test_an_alert_older_than_the_window_is_left_to_its_own_send():
    tickets = [ticketed_complaint().ticket for _ in range(2)]
    old = alert(tickets[0], NotificationKind.BREACH_ALERT)
    Notification.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - DIGEST_WINDOW - timedelta(seconds=1)
    )
    new = alert(tickets[1], NotificationKind.BREACH_ALERT)
    assert notification_claim(new.pk) == [new.pk]


def test_customer_emails_are_never_batched():
    customer = CustomerFactory(email="ada@example.com")
    emails = [received_email(ticket=ticketed_complaint(customer=customer).ticket) for _ in range(2)]
    for email in emails:
        assert notification_send(notification_id=email.pk) == NotificationStatus.SENT
    assert len(mail.outbox) == 2
