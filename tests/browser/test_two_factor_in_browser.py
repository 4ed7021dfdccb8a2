"""An agent sets up two-factor sign-in from the secret the page shows, then signs in with a code."""

import base64
import re

import pytest
from django_otp.oath import totp

from tests.factories import AgentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_from(secret, *, steps_ahead=0):
    """What an authenticator app given this secret (as the page prints it) shows."""
    key = base64.b32decode(secret.replace(" ", ""))
    return f"{totp(key, drift=steps_ahead):06d}"


def test_an_agent_enrols_from_the_page_and_signs_in_with_password_then_code(live_server, page):
    AgentFactory(username="alex")
    page.goto(live_server.url + "/agent/")
    page.get_by_label("Username").fill("alex")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/agent/$"))

    page.get_by_role("link", name="Two-factor sign-in").click()
    page.wait_for_url(re.compile(r"/accounts/two-factor/$"))
    qr = page.get_by_role("img", name=re.compile("QR code"))
    assert qr.evaluate("image => image.naturalWidth") > 0  # the data: image loaded under the CSP
    secret = page.locator("#two-factor-secret").inner_text()
    page.get_by_label("Code").fill(code_from(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.wait_for_url(re.compile(r"/accounts/two-factor/codes/"))
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    assert codes.count() == 10
    page.get_by_role("link", name="I have kept them: continue").click()
    page.wait_for_url(re.compile(r"/agent/$"))

    page.get_by_role("button", name=re.compile("Log out")).click()
    page.wait_for_url(re.compile(r"/accounts/(login|logout)/"))
    page.goto(live_server.url + "/agent/")
    page.get_by_label("Username").fill("alex")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/accounts/two-factor/verify/"))
    assert page.get_by_role("heading", name="Enter your code").is_visible()
    # The code of the next 30-second step: the one used to enrol cannot be used twice.
    page.get_by_label("Code").fill(code_from(secret, steps_ahead=1))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(re.compile(r"/agent/$"))
    assert page.get_by_role("link", name="Queue").is_visible()
    assert page.errors == []
