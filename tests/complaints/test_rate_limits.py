"""Per-IP and per-email limits on the public form, failing open when Redis is gone."""

import pytest
from django.urls import reverse

from complaints.models import Complaint

pytestmark = pytest.mark.django_db
URL = reverse("complaints:new")


def test_sixth_complaint_from_one_ip_within_the_hour_gets_429(client, complaint_data):
    for i in range(5):
        assert client.post(URL, complaint_data(email=f"c{i}@example.com")).status_code == 302
    response = client.post(URL, complaint_data(email="c6@example.com"))
    assert response.status_code == 429
    assert "too many complaints" in response.text.lower()
    assert Complaint.objects.count() == 5


def test_rate_limit_message_is_translated(client, complaint_data, settings):
    settings.AMENDS = {**settings.AMENDS, "RATE_LIMIT_PER_IP": 1}
    client.post(URL, complaint_data(email="x@example.com"), HTTP_ACCEPT_LANGUAGE="fr")
    response = client.post(URL, complaint_data(email="y@example.com"), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 429
    assert "trop de réclamations" in response.text.lower()


def test_fourth_complaint_from_one_email_within_a_day_gets_429_whatever_the_ip(
    client, complaint_data
):
    for i in range(3):
        data = complaint_data(description=f"Complaint number {i}: my order never arrived.")
        response = client.post(URL, data, REMOTE_ADDR=f"10.0.0.{i + 1}")
        assert response.status_code == 302
    data = complaint_data(email="ADA@example.com", description="Complaint 9: still nothing.")
    response = client.post(URL, data, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert Complaint.objects.count() == 3


def test_limits_are_configurable(client, complaint_data, settings):
    settings.AMENDS = {**settings.AMENDS, "RATE_LIMIT_PER_IP": 2}
    for i in range(2):
        assert client.post(URL, complaint_data(email=f"c{i}@example.com")).status_code == 302
    assert client.post(URL, complaint_data(email="c9@example.com")).status_code == 429


def test_form_still_works_when_the_rate_limit_cache_is_unreachable(
    client, complaint_data, settings, caplog
):
    # Django's test signals reset the cache handler when CACHES changes.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    for i in range(7):
        assert client.post(URL, complaint_data(email=f"c{i}@example.com")).status_code == 302
    assert Complaint.objects.count() == 7
    assert "Rate limit cache unavailable" in caplog.text


def test_refreshing_a_refused_form_is_refused_again(client, complaint_data, settings):
    settings.AMENDS = {**settings.AMENDS, "RATE_LIMIT_PER_IP": 1}
    client.post(URL, complaint_data(email="first@example.com"))
    refused = complaint_data(email="second@example.com")
    assert client.post(URL, refused).status_code == 429
    assert client.post(URL, refused).status_code == 429
    assert Complaint.objects.count() == 1
