"""Two-factor sign-in for staff (config/two_factor, django-otp): enrol, sign in with a code, recover.

Codes are computed as the phone would, from the device's key with
django_otp.oath.totp; time is pinned with time_machine where throttling counts.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.admin import AmendsAdminSite
from config.two_factor import devices
from tests.factories import AgentFactory, ManagerFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pass-word-123"  # the factories' password


def code_for(device, *, steps_ahead=0):
    """The six digits the app shows now (or ``steps_ahead`` 30-second steps later)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, steps_ahead):06d}"


def enrol(user):
    """A user with a confirmed app and ten recovery codes, as the setup page leaves them."""
    device = devices.app_device_pending(user=user)
    device.confirmed = True
    device.save()
    return device, devices.recovery_codes_make(user=user)


def sign_in(client, username, *, path=None):
    return client.post(path or reverse("login"), {"username": username, "password": PASSWORD})


def give(client, code, next_url=""):
    return client.post(reverse("two_factor:verify"), {"code": code, "next": next_url})


def verify_url(next_url):
    return f"{reverse('two_factor:verify')}?next={next_url.replace('/', '%2F')}"


def test_an_agent_enrols_with_a_code_from_the_app_and_sees_ten_recovery_codes_once(client):
    agent = AgentFactory(username="alex")
    client.force_login(agent)
    page = client.get(reverse("two_factor:setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=agent, confirmed=False)
    assert devices.app_secret(device) in page.text
    assert 'src="data:image/svg+xml;base64,' in page.text  # the QR code, an image
    response = client.post(
        reverse("two_factor:setup"),
        {"action": "confirm", "device": device.pk, "code": code_for(device)},
    )
    assert response["Location"] == reverse("two_factor:codes")
    shown = client.get(reverse("two_factor:codes"))
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", shown.text)
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    assert "no-store" in shown["Cache-Control"]
    # Shown once: the next visit goes back to the two-factor page, codes gone from the session.
    assert client.get(reverse("two_factor:codes"))["Location"] == reverse("two_factor:setup")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("agent:queue")).status_code == 200


def test_a_wrong_code_does_not_turn_two_factor_sign_in_on(client):
    agent = AgentFactory()
    client.force_login(agent)
    client.get(reverse("two_factor:setup"))
    device = TOTPDevice.objects.get(user=agent)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(
        reverse("two_factor:setup"), {"action": "confirm", "device": device.pk, "code": wrong}
    )
    assert response.status_code == 200
    assert "That code is not right" in response.text
    assert not devices.has_device(agent)


def test_with_a_device_the_password_alone_opens_no_page_until_the_code_is_given(client):
    agent = AgentFactory(username="alex")
    device, _ = enrol(agent)
    assert sign_in(client, "alex")["Location"] == reverse("agent:queue")
    assert client.get(reverse("agent:queue"))["Location"] == verify_url("/agent/")
    assert client.get(reverse("complaints:new"))["Location"].startswith(
        reverse("two_factor:verify")
    )
    api = client.get("/api/v1/tickets/")
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "two_factor_required"
    page = client.get(verify_url("/agent/"))
    assert page.status_code == 200 and "Enter your code" in page.text
    assert 'aria-label="Main menu"' not in page.text  # no staff menu yet
    before = client.session.session_key
    response = give(client, code_for(device), "/agent/")
    assert response["Location"] == "/agent/"
    assert client.session.session_key != before  # a new session key once verified
    assert client.get(reverse("agent:queue")).status_code == 200


def test_a_wrong_code_is_refused_and_wrong_codes_in_a_row_make_the_next_try_wait(client):
    agent = AgentFactory(username="alex")
    device, _ = enrol(agent)
    sign_in(client, "alex")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        wrong = f"{(int(code_for(device)) + 500_000) % 1_000_000:06d}"
        refused = give(client, wrong)
        assert refused.status_code == 200
        assert "That code is not right" in refused.text
        give(client, wrong)  # allowed again only after a second; refused unread
    with time_machine.travel(start + timedelta(seconds=1), tick=False):
        assert give(client, wrong).status_code == 200  # the second wrong one in a row
        # Right now the right code must wait 2 seconds: django-otp's throttle.
        throttled = give(client, code_for(device))
        assert throttled.status_code == 429
        assert "Wait 2 seconds" in throttled.text
    assert client.get(reverse("agent:queue")).status_code == 302
    with time_machine.travel(start + timedelta(seconds=3), tick=False):
        assert give(client, code_for(device))["Location"] == reverse("agent:queue")


def test_a_recovery_code_signs_in_once(client):
    agent = AgentFactory(username="alex")
    _, codes = enrol(agent)
    sign_in(client, "alex")
    response = give(client, codes[0].upper())  # typed in capitals, still the code
    assert response["Location"] == reverse("agent:queue")
    queue = client.get(reverse("agent:queue"))
    assert queue.status_code == 200
    assert "9 codes are left" in queue.text
    client.post(reverse("logout"))
    sign_in(client, "alex")
    assert "That code is not right" in give(client, codes[0]).text
    with time_machine.travel(timezone.now() + timedelta(seconds=2)):
        assert give(client, codes[1])["Location"] == reverse("agent:queue")
    assert devices.recovery_codes_left(agent) == 8


def test_the_admin_sign_in_asks_for_the_code_too(client):
    manager = ManagerFactory(username="morgan", is_staff=True)
    device, _ = enrol(manager)
    response = client.post(
        reverse("admin:login"), {"username": "morgan", "password": PASSWORD, "next": "/admin/"}
    )
    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index"))["Location"] == verify_url("/admin/")
    give(client, code_for(device))
    assert client.get(reverse("admin:index")).status_code == 200


def test_with_the_setting_off_managers_reach_every_staff_page_without_a_device(client):
    client.force_login(ManagerFactory(is_staff=True))
    for url in (reverse("agent:queue"), reverse("review:indicators"), reverse("admin:index")):
        assert client.get(url).status_code == 200, url


@pytest.fixture
def required(settings):
    settings.AMENDS_MANAGER_2FA = True


def test_with_the_setting_on_a_manager_is_sent_to_enrol_from_every_staff_page(client, required):
    manager = ManagerFactory(is_staff=True)
    client.force_login(manager)
    for url in (reverse("agent:queue"), reverse("review:indicators"), reverse("admin:index")):
        response = client.get(url)
        assert response["Location"].startswith(reverse("two_factor:setup")), url
    assert client.get("/api/v1/tickets/").status_code == 403
    page = client.get(reverse("two_factor:setup"))
    assert "Managers must use two-factor sign-in" in page.text
    device = TOTPDevice.objects.get(user=manager)
    client.post(
        reverse("two_factor:setup"),
        {"action": "confirm", "device": device.pk, "code": code_for(device)},
    )
    for url in (reverse("agent:queue"), reverse("review:indicators"), reverse("admin:index")):
        assert client.get(url).status_code == 200, url


def test_with_the_setting_on_agents_are_not_asked_to_enrol(client, required):
    client.force_login(AgentFactory())
    assert client.get(reverse("agent:queue")).status_code == 200


def test_with_the_setting_on_the_admin_site_itself_refuses_an_unverified_manager(required):
    manager = ManagerFactory(is_staff=True)
    request = RequestFactory().get("/admin/")
    request.session = {}
    request.user = manager
    manager.is_verified = lambda: False
    assert not AmendsAdminSite().has_permission(request)
    manager.is_verified = lambda: True
    assert AmendsAdminSite().has_permission(request)


def test_with_the_setting_on_a_manager_may_not_turn_two_factor_off(client, required):
    manager = ManagerFactory(username="morgan")
    device, _ = enrol(manager)
    sign_in(client, "morgan")
    give(client, code_for(device))
    page = client.get(reverse("two_factor:setup"))
    assert "Managers must keep two-factor sign-in on" in page.text
    client.post(reverse("two_factor:setup"), {"action": "remove"})
    assert devices.has_device(manager)


def test_an_agent_turns_two_factor_off_and_signs_in_with_the_password_alone(client):
    agent = AgentFactory(username="alex")
    device, _ = enrol(agent)
    sign_in(client, "alex")
    give(client, code_for(device))
    client.post(reverse("two_factor:setup"), {"action": "remove"})
    assert not devices.has_device(agent)
    client.post(reverse("logout"))
    sign_in(client, "alex")
    assert client.get(reverse("agent:queue")).status_code == 200


def test_new_recovery_codes_replace_the_old_ones(client):
    agent = AgentFactory(username="alex")
    device, old = enrol(agent)
    sign_in(client, "alex")
    give(client, code_for(device))
    client.post(reverse("two_factor:setup"), {"action": "codes"})
    new = re.findall(r"<li>([a-z2-7]{8})</li>", client.get(reverse("two_factor:codes")).text)
    assert len(new) == 10
    assert not set(old) & set(StaticToken.objects.values_list("token", flat=True))


def test_a_session_that_owes_its_code_cannot_set_up_another_app(client):
    agent = AgentFactory(username="alex")
    enrol(agent)
    sign_in(client, "alex")
    response = client.get(reverse("two_factor:setup"))
    assert response["Location"].startswith(reverse("two_factor:verify"))
