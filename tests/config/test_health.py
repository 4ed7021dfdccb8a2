"""The container's health check passes with the documented production settings."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from recovery.deadlines import deadlines_sweep

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"
PRODUCTION_HOSTS = ["amends.example.com"]
PROBE_HOST = "127.0.0.1:8000"  # what the health check inside the container sends


@pytest.fixture(autouse=True)
def _production_hosts(settings):
    settings.ALLOWED_HOSTS = PRODUCTION_HOSTS
    settings.DEBUG = False


def test_healthz_answers_ok_to_the_containers_own_address(client):
    # No database marker: the probe must not touch the database.
    response = client.get("/healthz", HTTP_HOST=PROBE_HOST)
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.django_db
def test_the_compose_web_health_check_passes_with_the_documented_hosts(client):
    deadlines_sweep()  # readiness includes the clock
    web = yaml.safe_load(COMPOSE.read_text())["services"]["web"]
    (url,) = re.findall(r"http://[^'\"]+", " ".join(web["healthcheck"]["test"]))
    parts = urlsplit(url)
    response = client.get(parts.path, HTTP_HOST=parts.netloc)
    assert response.status_code == 200, url


def test_healthz_answers_head(client):
    assert client.head("/healthz", HTTP_HOST=PROBE_HOST).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/healthz/", "/healthzx", "/accounts/login/"])
def test_other_paths_still_refuse_an_unlisted_host(client, path):
    assert client.get(path, HTTP_HOST=PROBE_HOST).status_code == 400


@pytest.mark.django_db
def test_a_post_to_healthz_is_not_a_probe(client):
    assert client.post("/healthz", HTTP_HOST=PROBE_HOST).status_code == 400


@pytest.mark.django_db
def test_the_site_still_answers_its_own_host(client):
    assert client.get("/", HTTP_HOST=PRODUCTION_HOSTS[0]).status_code == 200
