"""While Redis is down, each request that misses it logs one line, never a traceback.

Redis holds the rate limits, the API throttles and the queue's counters as well
as the broker; an outage makes every request miss it the same way. One line
with its cause each, or the log is buried (20 s of outage once wrote 17,808
tracebacks).
"""

import logging

import pytest
from django.urls import reverse

from complaints.models import Complaint
from config.tokens import api_token_create

DOWN_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.fixture
def redis_down(settings):
    # Django's test signals reset the cache handler when CACHES changes.
    settings.CACHES = DOWN_CACHE


def our_records(caplog):
    return [
        r
        for r in caplog.records
        if r.name.split(".")[0] in {"complaints", "recovery", "notifications", "config"}
    ]


def assert_single_lines(records):
    assert records, "the outage was not noticed at all"
    for record in records:
        assert record.exc_info is None and record.exc_text is None, record.getMessage()
        assert "\n" not in record.getMessage()


def test_a_filing_with_redis_down_logs_single_lines(redis_down, client, complaint_data, caplog):
    caplog.set_level(logging.WARNING)
    response = client.post(reverse("complaints:new"), complaint_data())
    assert response.status_code == 302
    assert Complaint.objects.count() == 1
    assert_single_lines(our_records(caplog))


def test_the_queue_and_the_api_with_redis_down_log_single_lines(redis_down, client, agent, caplog):
    caplog.set_level(logging.WARNING)
    client.force_login(agent)
    assert client.get(reverse("agent:queue")).status_code == 200
    client.logout()
    _row, token = api_token_create(user=agent, name="tests", days=30)
    response = client.get("/api/v1/tickets/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert_single_lines(our_records(caplog))
