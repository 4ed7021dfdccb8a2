"""The reset form tells nobody whether an address has an account: same answer, same work, throttled.

The request only queues ``config.password_reset_email`` after commit; the task
finds the account and sends the link. So the request runs the same queries for
a known and an unknown address (none of them reads the users table) and sends
no mail itself, and its time does not depend on the answer.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db
USERS_TABLE = get_user_model()._meta.db_table


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AMENDS = {**settings.AMENDS, "TRUSTED_PROXY_COUNT": 0}
    settings.PASSWORD_RESET_LIMITS = {"PER_IP": 10, "PER_EMAIL": 3, "WINDOW": 3600}


def ask(client, email, **extra):
    return client.post(reverse("password_reset"), {"email": email}, **extra)


def test_the_request_sends_no_mail_itself_the_task_queued_after_commit_does(
    client, eager_tasks, django_capture_on_commit_callbacks
):
    AgentFactory(username="alex", email="alex@amends.test")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = ask(client, "alex@amends.test")
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []  # the request did no SMTP work
    assert len(queued) == 1
    queued[0]()  # the commit publishes the task; eager, it runs here
    (message,) = mail.outbox
    assert message.to == ["alex@amends.test"]
    assert re.search(r"http://127\.0\.0\.1:8000/accounts/reset/\S+/", message.body)


def test_a_known_and_an_unknown_address_cost_the_request_the_same_queries(
    client, django_capture_on_commit_callbacks
):
    AgentFactory(username="alex", email="alex@amends.test")
    answers, statements = [], []
    for email in ("alex@amends.test", "nobody@example.com"):
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=False) as queued,
        ):
            answers.append(ask(client, email)["Location"])
        statements.append([query["sql"] for query in queries.captured_queries])
        assert len(queued) == 1  # both queue one task, which does the looking up
    assert answers[0] == answers[1] == reverse("password_reset_done")
    assert statements[0] == statements[1]
    assert not any(USERS_TABLE in sql for sql in statements[0])


def test_the_task_sends_nothing_for_an_unknown_or_inactive_address(
    client, eager_tasks, django_capture_on_commit_callbacks
):
    AgentFactory(username="gone", email="gone@amends.test", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, "nobody@example.com")
        ask(client, "gone@amends.test")
    assert mail.outbox == []


def test_the_fourth_request_for_one_address_in_an_hour_is_refused_with_a_429(
    client, django_capture_on_commit_callbacks
):
    for attempt in range(3):
        with django_capture_on_commit_callbacks(execute=False):
            assert (
                ask(client, "alex@amends.test", REMOTE_ADDR=f"192.0.2.{attempt}").status_code == 302
            )
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = ask(client, "Alex@Amends.test", REMOTE_ADDR="192.0.2.99")
    assert response.status_code == 429
    assert "Too many reset requests" in response.text
    assert queued == []  # nothing sent
    # Another address is not held up by this one.
    assert ask(client, "sam@amends.test", REMOTE_ADDR="192.0.2.99").status_code == 302


def test_the_eleventh_request_from_one_client_address_is_refused_whatever_the_email(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        for number in range(10):
            assert ask(client, f"guess{number}@example.com").status_code == 302
        response = ask(client, "another@example.com")
    assert response.status_code == 429


def test_a_forged_forwarded_for_is_no_new_client_address(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        for number in range(10):
            ask(client, f"guess{number}@example.com", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
        response = ask(client, "another@example.com", HTTP_X_FORWARDED_FOR="198.51.100.200")
    assert response.status_code == 429
