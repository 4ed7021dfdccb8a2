"""The provider's HTTP API, mocked with ``responses``: the only fake in these tests."""

import copy

import pytest
import responses

from tests.notifications.esps import ESPS, Postmark


def use(settings, esp):
    for name, value in esp.settings.items():
        setattr(settings, name, copy.deepcopy(value))


@pytest.fixture
def provider_api():
    """Every HTTP request the code makes; one not registered fails the test."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        yield api


@pytest.fixture
def postmark(settings, provider_api):
    use(settings, Postmark())
    return provider_api


@pytest.fixture(params=ESPS, ids=lambda esp: esp.name)
def esp(request, settings, provider_api):
    """Each provider in turn, configured as ANYMAIL_ESP would configure it."""
    use(settings, request.param)
    return request.param
