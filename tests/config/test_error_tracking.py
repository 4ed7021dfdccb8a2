"""Sentry is off unless a DSN is set, and sends nothing personal when it is on."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django, sentry_sdk
django.setup()
from django.conf import settings
client = sentry_sdk.get_client()
print(json.dumps({
    "on": settings.SENTRY_ON,
    "active": client.is_active(),
    "integrations": sorted(getattr(client, "integrations", {})),
    "pii": client.options.get("send_default_pii"),
    "bodies": client.options.get("max_request_body_size"),
    "locals": client.options.get("include_local_variables"),
}))
"""


def settings_read(**environment):
    env = {key: value for key, value in os.environ.items() if not key.startswith("SENTRY_")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="1", **environment)
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_a_dsn_nothing_is_sent_anywhere():
    seen = settings_read()
    assert seen["on"] is False
    assert seen["active"] is False


def test_with_a_dsn_django_and_celery_report_without_personal_data():
    # An address that resolves nowhere: the client starts, and nothing is sent in this test.
    seen = settings_read(SENTRY_DSN="https://public@sentry.invalid/1")
    assert seen["on"] is True
    assert seen["active"] is True
    assert {"django", "celery"} <= set(seen["integrations"])
    assert seen["pii"] is False
    assert seen["bodies"] == "never"
    assert seen["locals"] is False
