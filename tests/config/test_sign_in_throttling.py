"""Wrong passwords lock the username and the address, and a forged X-Forwarded-For changes neither.

django-axes counts failures per username (from anywhere) and per address (for
any username); the address is ``shared.client_ip``'s, which believes the
forwarded header only through AMENDS["TRUSTED_PROXY_COUNT"] proxies.
"""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import AgentFactory, ManagerFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pass-word-123"  # the factories' password
LIMIT = 5


@pytest.fixture(autouse=True)
def _no_proxy(settings):
    settings.AMENDS = {**settings.AMENDS, "TRUSTED_PROXY_COUNT": 0}


def sign_in(client, username, password, *, path=None, **headers):
    return client.post(
        path or reverse("login"), {"username": username, "password": password}, headers=headers
    )


def fail(client, username, times, **headers):
    for attempt in range(times):
        response = sign_in(client, username, "wrong", **headers)
        assert response.status_code in (200, 429), attempt


def test_the_right_password_is_refused_after_five_wrong_ones(client):
    AgentFactory(username="alex")
    fail(client, "alex", LIMIT)
    response = sign_in(client, "alex", PASSWORD)
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_then_the_right_one_signs_in_and_starts_the_count_again(client):
    AgentFactory(username="alex")
    fail(client, "alex", LIMIT - 1)
    assert sign_in(client, "alex", PASSWORD).status_code == 302
    client.logout()
    fail(client, "alex", LIMIT - 1)
    assert sign_in(client, "alex", PASSWORD).status_code == 302


def test_a_forged_forwarded_for_on_each_attempt_does_not_make_a_new_address(client):
    AgentFactory(username="alex")
    AgentFactory(username="sam")
    for number in range(LIMIT):
        # A different username each time too: only the address can lock this.
        sign_in(client, f"guess{number}", "wrong", x_forwarded_for=f"198.51.100.{number}")
    response = sign_in(client, "sam", PASSWORD, x_forwarded_for="198.51.100.200")
    assert response.status_code == 429


def test_behind_one_proxy_the_address_is_the_one_the_proxy_saw(client, settings):
    settings.AMENDS = {**settings.AMENDS, "TRUSTED_PROXY_COUNT": 1}
    AgentFactory(username="sam")
    for number in range(LIMIT):
        # The client forges the first entry; the proxy appends the address it saw.
        forwarded = f"198.51.100.{number}, 203.0.113.9"
        sign_in(client, f"guess{number}", "wrong", x_forwarded_for=forwarded)
    assert sign_in(client, "sam", PASSWORD, x_forwarded_for="203.0.113.9").status_code == 429
    # Another customer behind the same proxy, from another address, is not locked out.
    assert sign_in(client, "sam", PASSWORD, x_forwarded_for="203.0.113.10").status_code == 302


def test_a_username_is_locked_from_every_address(client):
    AgentFactory(username="alex")
    for number in range(LIMIT):
        sign_in(client, "alex", "wrong", REMOTE_ADDR=f"192.0.2.{number}")
    response = client.post(
        reverse("login"), {"username": "alex", "password": PASSWORD}, REMOTE_ADDR="192.0.2.99"
    )
    assert response.status_code == 429


def test_the_admin_sign_in_is_throttled_too(client):
    ManagerFactory(username="morgan", is_staff=True)
    fail(client, "morgan", LIMIT, path=reverse("admin:login"))
    response = sign_in(client, "morgan", PASSWORD, path=reverse("admin:login"))
    assert response.status_code == 429


def test_the_lock_lifts_after_fifteen_minutes(client):
    AgentFactory(username="alex")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(client, "alex", LIMIT)
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        assert sign_in(client, "alex", PASSWORD).status_code == 302
