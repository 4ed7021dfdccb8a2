"""API clients with a token for each role, and a valid complaint body to file."""

import pytest
from rest_framework.test import APIClient

from config.tokens import api_token_create


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Every test here makes agents; the real hasher's cost buys nothing in a test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def token_client(user):
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {api_token_create(user=user, name='tests', days=30)[1]}"
    )
    return client


@pytest.fixture
def anonymous(db):
    return APIClient()


@pytest.fixture
def agent_api(agent):
    return token_client(agent)


@pytest.fixture
def manager_api(manager):
    return token_client(manager)


@pytest.fixture
def outsider_api(db):
    """Logged in, but neither agent nor manager."""
    from tests.factories import UserFactory

    return token_client(UserFactory())


@pytest.fixture
def complaint_body(category):
    """What the public form would send, as JSON; tests change one thing at a time."""

    def make(**overrides):
        body = {
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "category": category.pk,
            "description": "My order never arrived and nobody answers the phone.",
            "consent": True,
        }
        body.update(overrides)
        return {k: v for k, v in body.items() if v is not None}

    return make


def ticket_url(ticket, step=""):
    return f"/api/v1/tickets/{ticket.complaint.reference}/{step}"


def error_of(response):
    """The API's one error shape, checked, and its body."""
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["message"]
    return body["error"]
