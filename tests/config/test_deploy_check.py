"""Django's deployment check passes, with no warning, on the documented production settings.

Run as a separate process so the settings are read from the environment as a
production server reads them (README, operations), not as the tests set them.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-length-key-" + "x7Q2m9Lp" * 6,
    "ALLOWED_HOSTS": "amends.example.com",
    "AMENDS_HTTPS": "1",
}


def deploy_check(**overrides):
    # What the test run itself sets (DEBUG; the browser tests' async switch) is not production's.
    unset = {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {key: value for key, value in os.environ.items() if key not in unset}
    environment.update(PRODUCTION, **overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_finds_no_issue_with_the_production_settings():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_without_https_settings():
    # The check is not vacuous: without the proxy's HTTPS the cookies are not secure.
    result = deploy_check(AMENDS_HTTPS="0")
    assert result.returncode != 0
    assert "security.W012" in result.stderr + result.stdout
