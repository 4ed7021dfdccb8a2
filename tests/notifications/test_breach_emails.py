"""The emails a missed callback sends: an apology to the customer, an alert to managers."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from notifications.models import Notification, NotificationStatus
from notifications.sending import notification_send
from recovery.deadlines import ticket_breach
from tests.factories import ManagerFactory, ticketed_complaint

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "apology_words", "manager_words"),
    [
        ("en", "we are sorry", "callback promise missed"),
        ("fr", "nous sommes désolés", "promesse de rappel"),
    ],
)
def test_breach_emails_render_in_the_recipients_language(
    settings, language, apology_words, manager_words
):
    settings.LANGUAGE_CODE = language
    ManagerFactory(email="boss@amends.test")
    complaint = ticketed_complaint(language=language)
    with time_machine.travel(complaint.ticket.callback_due_at + timedelta(seconds=1), tick=False):
        ticket_breach(ticket_id=complaint.ticket.pk)
    for notification in Notification.objects.exclude(kind="complaint_received"):
        assert notification_send(notification_id=notification.pk) == NotificationStatus.SENT
    apology, alert = sorted(mail.outbox, key=lambda m: m.to[0] == "boss@amends.test")
    assert complaint.reference in apology.subject and complaint.reference in alert.subject
    assert apology_words in apology.subject.lower() + apology.body.lower()
    assert f"/track/{complaint.tracking_token}/" in apology.body
    assert manager_words in alert.subject.lower()
    assert f"/agent/tickets/{complaint.reference}/" in alert.body
    assert alert.alternatives and apology.alternatives


@pytest.mark.parametrize(
    ("language", "true_words", "overpromise"),
    [
        ("en", "top of our list", "personally"),
        ("fr", "tête de notre liste", "personnellement"),
    ],
)
def test_apology_for_an_unassigned_ticket_claims_no_personal_manager(
    language, true_words, overpromise
):
    """Nobody has the ticket: the apology says what is true, not that a manager took it over."""
    ManagerFactory(email="boss@amends.test")
    complaint = ticketed_complaint(language=language)
    assert complaint.ticket.assignee is None
    with time_machine.travel(complaint.ticket.callback_due_at + timedelta(seconds=1), tick=False):
        ticket_breach(ticket_id=complaint.ticket.pk)
    apology = Notification.objects.get(kind="deadline_missed")
    assert notification_send(notification_id=apology.pk) == NotificationStatus.SENT
    (email,) = mail.outbox
    for text in (email.body, email.alternatives[0][0]):
        assert true_words in text
        assert overpromise not in text.lower()
