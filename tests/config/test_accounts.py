"""Staff sign in, sign out and reset a forgotten password; customers never need an account."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def test_agent_signs_in_lands_on_the_queue_and_signs_out(client):
    AgentFactory(username="alex")
    response = client.post(reverse("login"), {"username": "alex", "password": "pass-word-123"})
    assert response["Location"] == reverse("agent:queue")
    assert client.get(reverse("agent:queue")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("agent:queue")).status_code == 302


def test_wrong_password_is_refused_with_a_message(client):
    AgentFactory(username="alex")
    response = client.post(reverse("login"), {"username": "alex", "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in response.text


def test_forgotten_password_is_reset_through_the_emailed_link(
    client, eager_tasks, django_capture_on_commit_callbacks
):
    AgentFactory(username="alex", email="alex@amends.test")
    # The link is sent by a task queued after commit (config/password_reset.py).
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "alex@amends.test"})
    (message,) = mail.outbox
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
        follow=True,
    )
    assert done.status_code == 200
    signed_in = client.post(
        reverse("login"), {"username": "alex", "password": "a-new-long-passphrase"}
    )
    assert signed_in.status_code == 302


def test_unknown_email_gets_the_same_answer_and_no_email(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []
