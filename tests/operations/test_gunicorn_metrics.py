"""Under gunicorn with several workers, one scrape of /metrics counts the requests of them all."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "scrape-token-for-tests"
pytestmark = pytest.mark.django_db(transaction=True)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url, **headers):
    try:
        response = requests.get(url, headers=headers, timeout=15)
    except (requests.ConnectionError, requests.Timeout):
        return None, ""
    return response.status_code, response.text


@pytest.fixture
def gunicorn(tmp_path):
    server = connection.settings_dict
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": f"postgres://{server['USER']}@{server['HOST'] or '127.0.0.1'}:"
        f"{server['PORT'] or 5432}/{server['NAME']}",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "AMENDS_METRICS_TOKEN": TOKEN,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    environment.pop("DEBUG", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-c", "config/gunicorn.py"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and get(url + "/healthz")[0] != 200:
        time.sleep(0.2)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_scrape_sums_the_requests_every_worker_answered(gunicorn):
    for _ in range(12):
        assert get(gunicorn + "/accounts/login/")[0] == 200
    status, body = get(gunicorn + "/metrics", Authorization=f"Bearer {TOKEN}")
    assert status == 200
    (line,) = [
        line
        for line in body.splitlines()
        if line.startswith("amends_http_request_duration_seconds_count") and 'view="login"' in line
    ]
    assert float(line.rsplit(" ", 1)[1]) == 12
    assert "amends_tickets_due_next_hour" in body
