"""Every page type carries the Content-Security-Policy, and no page needs more than it allows.

The policy (config/security.py) lets a page run only its own files and what
carries this response's nonce; so each page is also read for inline code the
browser would refuse: a ``<script>`` or ``<style>`` without the nonce, or a
``style`` attribute (which no nonce can allow).
"""

import base64
import hashlib
import re

import pytest
from django.test import Client

from tests.factories import ticketed_complaint

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style([^>]*)>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle=", re.IGNORECASE)


def directives(response):
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def nonce(response):
    found = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    return found.group(1) if found else None


def refused_inline(response):
    """The inline code of an HTML page that the policy would refuse to run or apply."""
    page = response.content.decode()
    token = nonce(response)
    allowed = f'nonce="{token}"' if token else "\0no nonce was given"
    refused = [m.group(0) for m in INLINE_SCRIPT.finditer(page) if allowed not in m.group(1)]
    refused += [m.group(0) for m in INLINE_STYLE.finditer(page) if allowed not in m.group(1)]
    return refused + [m.group(0)[:80] for m in STYLE_ATTRIBUTE.finditer(page)]


def assert_strict(response):
    rules = directives(response)
    assert rules["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in rules["script-src"]
    assert "'unsafe-eval'" not in rules["script-src"]
    assert rules["object-src"] == ["'none'"]
    assert rules["frame-ancestors"] == ["'none'"]
    assert rules["base-uri"] == ["'none'"]
    assert "camera=()" in response["Permissions-Policy"]


@pytest.fixture
def ticket():
    return ticketed_complaint().ticket


def test_every_page_type_carries_the_policy_and_needs_nothing_it_refuses(
    client, agent, manager, ticket, admin_user
):
    public = {
        "form": "/",
        "tracking": f"/track/{ticket.complaint.tracking_token}/",
        "login": "/accounts/login/",
        "password reset": "/accounts/password_reset/",
        "not found": "/no-such-page/",
    }
    for name, url in public.items():
        response = client.get(url)
        assert response.status_code in (200, 404), name
        assert_strict(response)
        assert refused_inline(response) == [], name
    client.force_login(manager)
    staff = {
        "queue": "/agent/",
        "ticket": f"/agent/tickets/{ticket.complaint.reference}/",
        "phone intake": "/agent/complaints/new/",
        "review": "/manager/",
        "lessons": "/manager/lessons/",
    }
    for name, url in staff.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert_strict(response)
        assert refused_inline(response) == [], name
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert_strict(response)


def test_the_api_answers_carry_the_policy_too(client):
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert_strict(response)


def test_the_api_docs_run_only_files_and_relax_styles_for_themselves(client):
    for url in ("/api/docs/", "/api/redoc/"):
        response = client.get(url)
        assert response.status_code == 200, url
        rules = directives(response)
        # Beside a nonce or a hash, the browser would ignore 'unsafe-inline'.
        assert rules["style-src"] == ["'self'", "'unsafe-inline'"], url
        assert "'unsafe-inline'" not in rules["script-src"], url
        assert nonce(response) is None, url
        page = response.content.decode()
        assert not INLINE_SCRIPT.search(page), url
        assert "fonts.googleapis.com" not in page  # nothing from a third party


@pytest.mark.urls("tests.config.error_urls")
def test_the_500_page_style_is_allowed_by_its_hash(settings):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    style = re.search(r"<style>(.*?)</style>", response.content.decode(), re.DOTALL).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in directives(response)["style-src"]
