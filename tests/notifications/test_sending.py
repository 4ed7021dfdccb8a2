"""Sending through the provider's API: what is sent, what is retried, what fails for good."""

import json
import logging
import threading

import pytest
import requests

from notifications.failures import SendDeferred
from notifications.models import Notification, NotificationKind, NotificationStatus
from notifications.sending import MAX_ATTEMPTS, notification_send
from notifications.services import notification_queue
from notifications.tasks import send_notification
from recovery.choices import EventKind
from tests.factories import received_email, ticketed_complaint
from tests.notifications.esps import Postmark

pytestmark = pytest.mark.django_db

URL = Postmark.send_url
POSTMARK = Postmark()


@pytest.fixture
def email():
    return received_email(ticket=ticketed_complaint().ticket)


def stored(notification):
    return Notification.objects.get(pk=notification.pk)


def test_an_accepted_email_is_sent_with_the_providers_message_id(postmark, email):
    POSTMARK.accept(postmark, "0a129aee-e1cd-480d-b08d-4f48548ff48d")
    assert notification_send(notification_id=email.pk) == NotificationStatus.SENT
    row = stored(email)
    assert row.provider_message_id == "0a129aee-e1cd-480d-b08d-4f48548ff48d"
    assert (row.attempts, row.last_error) == (1, "")
    assert row.sent_at is not None
    (call,) = postmark.calls
    sent = json.loads(call.request.body)
    assert sent["To"] == email.recipient
    assert sent["ReplyTo"] == f"replies+{email.reply_token}@amends.localhost"
    assert call.request.headers["X-Postmark-Server-Token"] == "test"


def test_a_provider_error_twice_is_retried_then_sent_counting_attempts_in_the_row(postmark, email):
    postmark.post(URL, status=500, json={"ErrorCode": 500, "Message": "Internal error"})
    postmark.post(URL, status=500, json={"ErrorCode": 500, "Message": "Internal error"})
    POSTMARK.accept(postmark, "third-time-lucky")
    for attempt in (1, 2):
        with pytest.raises(SendDeferred):
            notification_send(notification_id=email.pk)
        row = stored(email)
        assert (row.status, row.attempts) == (NotificationStatus.PENDING, attempt)
        assert "500" in row.last_error
    assert notification_send(notification_id=email.pk) == NotificationStatus.SENT
    row = stored(email)
    assert (row.attempts, row.provider_message_id, row.last_error) == (3, "third-time-lucky", "")
    assert len(postmark.calls) == 3


def test_the_send_task_retries_through_provider_errors_with_its_own_backoff(postmark, email):
    postmark.post(URL, status=503, body="Service Unavailable")
    postmark.post(URL, status=500, json={"ErrorCode": 500, "Message": "Internal error"})
    POSTMARK.accept(postmark, "after-two-retries")
    assert send_notification.apply(args=[email.pk]).get() == "sent"
    assert stored(email).attempts == 3
    assert send_notification.retry_backoff_max <= 240  # no wait is ever near five minutes


def test_a_provider_failing_every_time_fails_the_email_after_max_attempts(postmark, email):
    postmark.post(URL, status=500, json={"ErrorCode": 500, "Message": "Internal error"})
    assert send_notification.apply(args=[email.pk]).get() == "failed"
    row = stored(email)
    assert (row.status, row.attempts) == (NotificationStatus.FAILED, MAX_ATTEMPTS)
    assert len(postmark.calls) == MAX_ATTEMPTS
    # A redelivered task, or the sweep, finds nothing left to send.
    assert notification_send(notification_id=email.pk) is None
    assert len(postmark.calls) == MAX_ATTEMPTS


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(
            {"ErrorCode": 300, "Message": "Invalid 'To' address: '{address}'."}, id="invalid-to"
        ),
        pytest.param(
            {
                "ErrorCode": 406,
                "Message": "You tried to send to a recipient that has been marked as inactive.\n"
                "Found inactive addresses: {address}.\n"
                "Inactive recipients are ones that have generated a hard bounce or a spam complaint.",
            },
            id="inactive-recipient",
        ),
        pytest.param(
            {"ErrorCode": 300, "Message": "Invalid 'From' address: 'care@'."}, id="invalid-from"
        ),
    ],
)
def test_an_email_the_provider_refuses_fails_at_once_after_one_call(postmark, email, answer):
    answer = {**answer, "Message": answer["Message"].format(address=email.recipient)}
    postmark.post(URL, status=422, json=answer)
    assert send_notification.apply(args=[email.pk]).get() == "failed"
    row = stored(email)
    assert (row.status, row.attempts) == (NotificationStatus.FAILED, 1)
    assert row.last_error
    assert len(postmark.calls) == 1


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(requests.exceptions.ConnectTimeout("connect timed out"), id="connect-timeout"),
        pytest.param(requests.exceptions.ConnectionError("connection refused"), id="refused"),
        pytest.param(requests.exceptions.ReadTimeout("read timed out"), id="read-timeout"),
    ],
)
def test_an_unreachable_provider_is_retried(postmark, email, failure):
    postmark.post(URL, body=failure)
    with pytest.raises(SendDeferred):
        notification_send(notification_id=email.pk)
    row = stored(email)
    assert (row.status, row.attempts) == (NotificationStatus.PENDING, 1)


def test_a_read_timeout_says_the_email_may_have_gone_out(postmark, email):
    postmark.post(URL, body=requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(SendDeferred):
        notification_send(notification_id=email.pk)
    assert "may have sent it" in stored(email).last_error


def test_a_rate_limit_is_retried_not_failed(postmark, email):
    postmark.post(URL, status=429, json={"ErrorCode": 429, "Message": "Rate limit exceeded"})
    with pytest.raises(SendDeferred):
        notification_send(notification_id=email.pk)
    assert stored(email).status == NotificationStatus.PENDING


def test_an_email_that_cannot_be_built_fails_loudly_without_calling_the_provider(postmark, caplog):
    ticket = ticketed_complaint().ticket
    # An offer email caused by an event that names no compensation: its builder cannot work.
    broken = notification_queue(
        ticket=ticket,
        event=ticket.events.get(kind=EventKind.OPENED),
        kind=NotificationKind.COMPENSATION_OFFERED,
        recipient=ticket.complaint.customer.email,
        language="en",
    )
    with caplog.at_level(logging.ERROR), pytest.raises(KeyError):
        notification_send(notification_id=broken.pk)
    assert stored(broken).status == NotificationStatus.FAILED
    assert "cannot be rendered" in caplog.text
    assert len(postmark.calls) == 0


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_one_email_at_once_make_one_call(postmark):
    email = received_email(ticket=ticketed_complaint().ticket)
    start = threading.Barrier(2)
    results = []

    def slow_accept(request):
        threading.Event().wait(0.3)  # the other worker claims meanwhile
        to = json.loads(request.body)["To"]
        return (
            200,
            {},
            json.dumps({"To": to, "MessageID": "only-one", "ErrorCode": 0, "Message": "OK"}),
        )

    postmark.add_callback("POST", URL, callback=slow_accept)

    def worker():
        from django.db import connection

        start.wait()
        try:
            results.append(notification_send(notification_id=email.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(results, key=str) == sorted([NotificationStatus.SENT, None], key=str)
    assert len(postmark.calls) == 1
    assert stored(email).attempts == 1
