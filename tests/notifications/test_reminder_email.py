"""The reminder agents receive before a callback falls due, in the staff language."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from notifications.models import Notification, NotificationStatus
from notifications.sending import notification_send
from recovery.deadlines import remind_due
from tests.factories import AgentFactory, ticketed_complaint

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "subject_words", "body_words"),
    [
        ("en", "callback due in 24 hours", "nobody has this ticket yet"),
        ("fr", "rappel attendu dans 24 heures", "personne n’a encore ce ticket"),
    ],
)
def test_reminder_renders_with_reference_time_left_and_link(
    settings, language, subject_words, body_words
):
    settings.LANGUAGE_CODE = language
    AgentFactory(email="ann@amends.test")
    complaint = ticketed_complaint()
    ticket = complaint.ticket
    with time_machine.travel(ticket.reminder_due_at, tick=False):
        remind_due()
        (row,) = Notification.objects.filter(kind="callback_reminder")
        assert notification_send(notification_id=row.pk) == NotificationStatus.SENT
    (email,) = mail.outbox
    assert email.to == ["ann@amends.test"]
    assert complaint.reference in email.subject
    assert subject_words in email.subject.lower()
    assert body_words in email.body.lower()
    assert f"/agent/tickets/{complaint.reference}/" in email.body
    assert email.alternatives
    assert ticket.reminder_due_at == ticket.opened_at + timedelta(hours=24)
