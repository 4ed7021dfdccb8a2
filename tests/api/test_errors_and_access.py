"""The API's frame: one error shape for every status, tokens, throttles."""

from unittest import mock

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from config.models import ApiToken
from tests.api.conftest import error_of, token_client
from tests.factories import ticketed_complaint

pytestmark = pytest.mark.django_db


def test_api_token_create_makes_a_token_that_authenticates(agent, capsys):
    call_command("api_token_create", agent.username, "--name", "Order system", "--days", "30")

    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert ApiToken.objects.get(user=agent).name == "Order system"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/tickets/").status_code == 200


def test_unknown_address_under_the_api_gets_a_json_404(agent_api):
    for method in (agent_api.get, agent_api.post):
        response = method("/api/v2/nothing/")
        assert response.status_code == 404
        assert error_of(response)["code"] == "not_found"


def test_address_without_its_trailing_slash_gets_a_404_that_says_so(agent_api):
    response = agent_api.post("/api/v1/complaints", {}, format="json")

    assert response.status_code == 404
    assert "slash" in error_of(response)["message"]


def test_unexpected_error_gets_a_json_500_and_is_logged(agent, caplog):
    client = token_client(agent)
    client.raise_request_exception = False
    ticket = ticketed_complaint().ticket

    with mock.patch("recovery.api.views.ticket_for_api", side_effect=RuntimeError("boom")):
        response = client.get(f"/api/v1/tickets/{ticket.complaint.reference}/")

    assert response.status_code == 500
    assert error_of(response)["code"] == "server_error"
    assert "boom" not in response.text
    assert "boom" in caplog.text


def test_anonymous_callers_are_throttled_per_ip(anonymous, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_token": "1000/min", "api_ip": "2/min"},
    }
    for _ in range(2):
        assert anonymous.post("/api/v1/complaints/", {}, format="json").status_code == 400

    response = anonymous.post("/api/v1/complaints/", {}, format="json")

    assert response.status_code == 429
    assert error_of(response)["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    other_ip = anonymous.post("/api/v1/complaints/", {}, format="json", REMOTE_ADDR="10.1.1.1")
    assert other_ip.status_code == 400


def test_each_token_has_its_own_allowance(agent, manager, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_token": "2/min", "api_ip": "1000/min"},
    }
    first, second = token_client(agent), token_client(manager)
    for _ in range(2):
        assert first.get("/api/v1/tickets/").status_code == 200

    assert first.get("/api/v1/tickets/").status_code == 429
    assert second.get("/api/v1/tickets/").status_code == 200


def test_api_still_answers_when_the_throttle_cache_is_unreachable(agent_api, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }

    assert agent_api.get("/api/v1/tickets/").status_code == 200
    assert "API throttle cache unavailable" in caplog.text


def test_schema_and_docs_are_served_from_our_own_static_files(anonymous):
    schema = anonymous.get("/api/schema/")
    docs = anonymous.get("/api/docs/")
    redoc = anonymous.get("/api/redoc/")

    assert schema.status_code == 200
    assert b"/api/v1/tickets/{reference}/acknowledge/" in schema.content
    for page in (docs, redoc):
        assert page.status_code == 200
        html = page.content.decode()
        assert "/static/drf_spectacular_sidecar/" in html
        assert "cdn" not in html.lower()
        assert "unpkg" not in html.lower()
