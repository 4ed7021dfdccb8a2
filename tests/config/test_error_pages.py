"""The product's own 404 and 500 pages, in the customer's language, as production and `make run` serve them."""

import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.test import Client

from tests.embedded import ROOT

NOT_FOUND = {"en": "We cannot find this page", "fr": "Nous ne trouvons pas cette page"}
SERVER_ERROR = {
    "en": "Something went wrong on our side",
    "fr": "Une erreur s’est produite de notre côté",
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_unknown_address_gets_the_products_404_in_the_customers_language(
    client, settings, language
):
    settings.DEBUG = False
    response = client.get("/no-such-page/", headers={"accept-language": language})
    assert response.status_code == 404
    page = response.content.decode()
    assert NOT_FOUND[language] in page
    assert f'<html lang="{language}"' in page
    assert "URLconf" not in page  # not Django's debug page


@pytest.mark.urls("tests.config.error_urls")
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_failing_view_gets_the_products_500_without_touching_the_database(settings, language):
    # No django_db mark: any query while rendering the 500 page would fail this test.
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/broken/", headers={"accept-language": language})
    assert response.status_code == 500
    page = response.content.decode()
    assert SERVER_ERROR[language] in page
    assert f'<html lang="{language}"' in page


def _procfile_env(process):
    """The VAR=value words that start ``process``'s line in Procfile.dev."""
    for line in (ROOT / "Procfile.dev").read_text().splitlines():
        name, _, command = line.partition(":")
        if name.strip() == process:
            words = shlex.split(command)
            return dict(w.split("=", 1) for w in words if "=" in w and w.split("=")[0].isupper())
    raise AssertionError(f"no {process} process in Procfile.dev")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (our own server)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_make_runs_web_server_answers_an_unknown_address_with_the_products_404(tmp_path):
    """The web process as `make run` starts it (Makefile's DEBUG=1, then Procfile.dev's own words)."""
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "STATIC_MANIFEST"}
    }
    env.update(AMENDS_VAR_DIR=str(tmp_path), DEBUG="1", DJANGO_SETTINGS_MODULE="config.settings")
    env.update(_procfile_env("web"))
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "no server"
                time.sleep(0.2)
        status, page = _get(f"http://127.0.0.1:{port}/no-such-page/")
        assert status == 404
        assert NOT_FOUND["en"] in page
        assert "URLconf" not in page
        # Its styles are still served, from the source tree.
        status, css = _get(f"http://127.0.0.1:{port}/static/css/amends.css")
        assert status == 200 and ".field__error" in css
    finally:
        server.terminate()
        server.wait(timeout=10)
