"""The email provider is chosen by the environment, and production refuses an unsecured webhook."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.email_providers import REQUESTS_TIMEOUT, email_settings

ROOT = Path(__file__).resolve().parents[2]


def test_without_a_provider_emails_go_to_files():
    assert email_settings(esp="", debug=False) == (None, {})


def test_a_provider_gets_its_backend_its_key_under_its_own_name_and_short_timeouts():
    backend, anymail = email_settings(
        esp="Postmark", api_key="server-token", webhook_secret="amends:s3cret"
    )
    assert backend == "anymail.backends.postmark.EmailBackend"
    assert anymail == {
        "POSTMARK_SERVER_TOKEN": "server-token",
        "WEBHOOK_SECRET": "amends:s3cret",
        "REQUESTS_TIMEOUT": REQUESTS_TIMEOUT,
    }
    connect, read = REQUESTS_TIMEOUT
    assert connect < 5 and read <= 10


def test_mailgun_also_gets_its_webhook_signing_key_and_region():
    backend, anymail = email_settings(
        esp="mailgun",
        api_key="key",
        webhook_secret="a:b,c:d",
        webhook_signing_key="signing",
        api_url="https://api.eu.mailgun.net/v3",
    )
    assert backend == "anymail.backends.mailgun.EmailBackend"
    assert anymail["MAILGUN_API_KEY"] == "key"
    assert anymail["MAILGUN_WEBHOOK_SIGNING_KEY"] == "signing"
    assert anymail["MAILGUN_API_URL"] == "https://api.eu.mailgun.net/v3"
    assert anymail["WEBHOOK_SECRET"] == ["a:b", "c:d"]  # two, while one is rotated out


def test_an_unknown_provider_is_refused_by_name():
    with pytest.raises(ImproperlyConfigured, match="'pigeon'.*postmark"):
        email_settings(esp="pigeon", api_key="x", webhook_secret="a:b")


def test_a_provider_without_its_api_key_is_refused():
    with pytest.raises(ImproperlyConfigured, match="ANYMAIL_API_KEY"):
        email_settings(esp="sendgrid", webhook_secret="a:b")


def test_mailgun_in_production_without_its_signing_key_is_refused():
    # anymail would check signatures against the API key, and refuse every event.
    with pytest.raises(ImproperlyConfigured, match="ANYMAIL_WEBHOOK_SIGNING_KEY"):
        email_settings(esp="mailgun", api_key="key", webhook_secret="a:b")


def test_production_with_a_provider_but_no_webhook_secret_is_refused():
    with pytest.raises(ImproperlyConfigured, match="ANYMAIL_WEBHOOK_SECRET"):
        email_settings(esp="postmark", api_key="token", debug=False)


def test_development_may_run_a_provider_without_a_webhook_secret():
    backend, anymail = email_settings(esp="postmark", api_key="token", debug=True)
    assert backend == "anymail.backends.postmark.EmailBackend"
    assert "WEBHOOK_SECRET" not in anymail


def settings_in(tmp_path, **variables):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANYMAIL_", "EMAIL_"))}
    env.update(AMENDS_VAR_DIR=str(tmp_path), DEBUG="0", **variables)
    code = "from config import settings; print(settings.EMAIL_BACKEND)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_the_settings_module_refuses_to_load_in_production_without_a_webhook_secret(tmp_path):
    refused = settings_in(tmp_path, ANYMAIL_ESP="postmark", ANYMAIL_API_KEY="token")
    assert refused.returncode != 0
    assert "ANYMAIL_WEBHOOK_SECRET must be set" in refused.stderr
    started = settings_in(
        tmp_path, ANYMAIL_ESP="postmark", ANYMAIL_API_KEY="token", ANYMAIL_WEBHOOK_SECRET="a:b"
    )
    assert started.stdout.strip() == "anymail.backends.postmark.EmailBackend", started.stderr
    embedded = settings_in(tmp_path)
    assert embedded.stdout.strip() == "django.core.mail.backends.filebased.EmailBackend"
