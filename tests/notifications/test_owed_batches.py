"""The sweep's batches owe their emails in a few statements, whatever their size.

The rules are read event by event (``notifications.owed.emails_owed``), but a
batch's customers and staff are loaded once: forty reminders or forty surveys
cost the queries one does.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification, NotificationKind
from recovery.choices import Status
from recovery.deadlines import remind_due, send_due_surveys
from tests.factories import AgentFactory, ticket_in_status, ticketed_complaint

pytestmark = pytest.mark.django_db


def queries(run, now):
    with CaptureQueriesContext(connection) as ctx:
        run(now=now)
    return len(ctx)


def test_forty_reminders_queue_their_emails_in_the_queries_one_does():
    AgentFactory(email="agent@amends.test")
    (one,) = [ticketed_complaint().ticket]
    first = queries(remind_due, one.reminder_due_at + timedelta(seconds=1))
    many = [ticketed_complaint().ticket for _ in range(40)]
    second = queries(remind_due, max(t.reminder_due_at for t in many) + timedelta(seconds=1))
    reminders = Notification.objects.filter(kind=NotificationKind.CALLBACK_REMINDER)
    assert reminders.count() == 41
    assert first == second


def test_forty_surveys_queue_their_follow_up_emails_in_the_queries_one_does():
    (one,) = [ticket_in_status(Status.FOLLOW_UP)]
    first = queries(send_due_surveys, one.follow_up_due_at + timedelta(seconds=1))
    many = [ticket_in_status(Status.FOLLOW_UP) for _ in range(40)]
    due = max(t.follow_up_due_at for t in many) + timedelta(seconds=1)
    second = queries(send_due_surveys, due)
    assert Notification.objects.filter(kind=NotificationKind.FOLLOW_UP).count() == 41
    assert first == second
