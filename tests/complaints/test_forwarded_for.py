"""A forged X-Forwarded-For buys no new address from the form's or the API's rate limits.

The address counted is ``shared.client_ip``'s: the socket's, or the one the
outermost of AMENDS["TRUSTED_PROXY_COUNT"] proxies saw, never what the client wrote.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from complaints.models import Complaint

pytestmark = pytest.mark.django_db
URL = reverse("complaints:new")


@pytest.mark.parametrize("proxies", [0, 1])
def test_the_form_limit_holds_whatever_forwarded_for_says(
    client, complaint_data, settings, proxies
):
    settings.AMENDS = {**settings.AMENDS, "TRUSTED_PROXY_COUNT": proxies, "RATE_LIMIT_PER_IP": 3}
    for number in range(4):
        # Behind a proxy, the proxy appends the address it saw; the client forges the rest.
        forwarded = f"198.51.100.{number}" + (", 203.0.113.9" if proxies else "")
        response = client.post(
            URL,
            complaint_data(email=f"c{number}@example.com"),
            headers={"x-forwarded-for": forwarded},
        )
    assert response.status_code == 429
    assert Complaint.objects.count() == 3


def test_the_api_limit_for_anonymous_callers_holds_whatever_forwarded_for_says(settings):
    settings.AMENDS = {**settings.AMENDS, "TRUSTED_PROXY_COUNT": 0}
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "api_ip": "3/min",
        },
    }
    client = APIClient()
    statuses = [
        client.post(
            "/api/v1/complaints/", {}, format="json", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}"
        ).status_code
        for number in range(4)
    ]
    assert statuses == [400, 400, 400, 429]
