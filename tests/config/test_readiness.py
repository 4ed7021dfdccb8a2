"""``/readyz`` reaches every service a promise depends on, and fails when the clock stops."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from config import readiness
from recovery.deadlines import deadlines_sweep

PROBE_HOST = "127.0.0.1:8000"  # the container's own address, which ALLOWED_HOSTS refuses
DEAD = "redis://127.0.0.1:1/0"  # nothing listens on port 1

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production(settings):
    settings.ALLOWED_HOSTS = ["amends.example.com"]
    settings.DEBUG = False


def probe(client):
    response = client.get("/readyz", HTTP_HOST=PROBE_HOST)
    return response.status_code, response.json()


def failing(body):
    return sorted(name for name, check in body["checks"].items() if not check["ok"])


def test_ready_when_every_service_answers_and_the_sweep_just_ran(client):
    deadlines_sweep()
    status, body = probe(client)
    assert status == 200, body
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "migrations", "broker", "cache", "clock"}
    assert all(isinstance(check["ms"], float) for check in body["checks"].values())


def test_readiness_needs_no_login_and_is_not_cached(client):
    deadlines_sweep()
    response = client.get("/readyz", HTTP_HOST=PROBE_HOST)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "application/json"


def test_a_sweep_that_never_ran_is_a_stopped_clock(client):
    status, body = probe(client)
    assert status == 503
    assert failing(body) == ["clock"]
    assert "never run" in body["checks"]["clock"]["detail"]


def test_the_clock_turns_red_three_minutes_after_the_last_sweep_and_green_with_the_next(client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        deadlines_sweep()
    with time_machine.travel(start + timedelta(minutes=3), tick=False):
        assert probe(client)[0] == 200  # at the limit: still on time
    with time_machine.travel(start + timedelta(minutes=3, seconds=1), tick=False):
        status, body = probe(client)
        assert status == 503
        assert failing(body) == ["clock"]
        assert "181 s ago" in body["checks"]["clock"]["detail"]
        deadlines_sweep()
        assert probe(client)[0] == 200


def test_a_broker_that_does_not_answer_fails_only_its_check(client, settings):
    deadlines_sweep()
    settings.CELERY_BROKER_URL = DEAD
    status, body = probe(client)
    assert status == 503
    assert failing(body) == ["broker"]
    assert body["checks"]["broker"]["ms"] < 5000


def test_a_cache_that_does_not_answer_fails_only_its_check(client, settings):
    deadlines_sweep()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD,
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3},
        }
    }
    status, body = probe(client)
    assert status == 503
    assert failing(body) == ["cache"]


def test_a_migration_not_applied_fails_the_migrations_check(client, monkeypatch):
    deadlines_sweep()
    monkeypatch.setattr(readiness, "_migrated", False)
    (leaf,) = [
        name for app, name in MigrationLoader(connection).graph.leaf_nodes() if app == "config"
    ]
    MigrationRecorder.Migration.objects.filter(app="config", name=leaf).delete()
    status, body = probe(client)
    assert status == 503
    assert failing(body) == ["migrations"]
    assert "1 migration(s) not applied" in body["checks"]["migrations"]["detail"]
