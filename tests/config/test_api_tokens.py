"""API tokens: stored as digests, expiring, revocable, listed for their owner, only in a header."""

import json
from datetime import timedelta
from importlib import import_module
from types import SimpleNamespace

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from config.models import ApiToken
from config.tokens import api_token_create
from tests.factories import AgentFactory, ticketed_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_token(agent):
    return api_token_create(user=agent, name="Order system", days=30)


def call(token, path="/api/v1/tickets/", **extra):
    client = APIClient()
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get(path, **extra)


def test_a_token_opens_the_api_and_is_stored_only_as_a_digest(agent_token):
    row, secret = agent_token
    assert secret.startswith("amd_")
    assert call(secret).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM config_apitoken")
        stored = " ".join(str(value) for value in cursor.fetchone())
    assert secret not in stored
    assert row.digest != secret


def test_an_expired_token_is_refused_and_forgotten(agent_token):
    row, secret = agent_token
    with time_machine.travel(timezone.now() + timedelta(days=30, seconds=1)):
        response = call(secret)
    assert response.status_code == 401
    assert not ApiToken.objects.filter(pk=row.pk).exists()


def test_a_token_works_until_the_second_it_expires(agent_token):
    _row, secret = agent_token
    with time_machine.travel(timezone.now() + timedelta(days=30) - timedelta(seconds=5)):
        assert call(secret).status_code == 200


def test_a_revoked_token_is_refused(client, agent, agent_token):
    row, secret = agent_token
    client.force_login(agent)
    assert client.post(f"/agent/tokens/{row.token_key}/revoke/").status_code == 302
    assert call(secret).status_code == 401


def test_a_token_in_the_address_is_not_a_credential(agent_token):
    _row, secret = agent_token
    assert call(None, path=f"/api/v1/tickets/?token={secret}").status_code == 401
    assert call(None, path=f"/api/v1/tickets/?auth_token={secret}").status_code == 401


def test_the_owner_makes_one_sees_it_once_and_lists_only_their_own(client, agent):
    other = AgentFactory()
    api_token_create(user=other, name="Someone else's", days=30)
    client.force_login(agent)
    made = client.post("/agent/tokens/", {"name": "Shop", "lifetime": "90"})
    assert made.status_code == 200
    assert made["Cache-Control"] == "no-store"
    secret = made.context["made"][1]
    assert secret in made.content.decode()
    listed = client.get("/agent/tokens/").content.decode()
    assert "Shop" in listed
    assert secret not in listed  # shown once
    assert "Someone else" not in listed
    (row,) = ApiToken.objects.filter(user=agent)
    assert row.expiry - row.created == pytest.approx(timedelta(days=90), abs=timedelta(seconds=5))


def test_nobody_revokes_someone_elses_token(client, agent):
    row, secret = api_token_create(user=AgentFactory(), name="Theirs", days=30)
    client.force_login(agent)
    assert client.post(f"/agent/tokens/{row.token_key}/revoke/").status_code == 404
    assert call(secret).status_code == 200


def test_a_lifetime_longer_than_a_year_is_refused(client, agent):
    client.force_login(agent)
    response = client.post("/agent/tokens/", {"name": "Forever", "lifetime": "10000"})
    assert response.status_code == 200
    assert "lifetime" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_using_a_token_notes_when_to_the_minute(agent_token):
    row, secret = agent_token
    ticketed_complaint()
    call(secret)
    first = ApiToken.objects.get(pk=row.pk).last_used_at
    assert first is not None
    call(secret)
    assert ApiToken.objects.get(pk=row.pk).last_used_at == first  # no write per request


def test_a_token_made_before_the_upgrade_still_works_now_as_a_digest_that_expires(agent):
    old = Token.objects.create(user=agent).key
    upgrade = import_module("config.migrations.0002_api_tokens")
    upgrade.tokens_move(apps, SimpleNamespace(connection=connection))
    assert not Token.objects.exists()  # the plain key is gone from the database
    assert call(old).status_code == 200
    (row,) = ApiToken.objects.filter(user=agent)
    assert row.expiry > timezone.now() + timedelta(days=89)


def test_no_log_line_carries_the_token(agent_token, lines):
    _row, secret = agent_token
    call(secret)
    call(secret[:-1] + "0")  # a wrong one, refused and logged as a 401
    written = json.dumps(lines())
    assert "amends.requests" in written
    assert secret not in written
    assert secret[:20] not in written
