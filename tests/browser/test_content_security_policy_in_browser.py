"""Chromium enforces the Content-Security-Policy on every page type and refuses nothing of ours.

The console reports each refusal ("Refused to ... Content Security Policy");
the browser fixture counts it as a page error, so any page that still needs
an inline script or style fails here, and in every other browser test.
"""

import pytest

from tests.browser.test_recovery_in_browser import log_in
from tests.factories import ManagerFactory, ticketed_complaint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def visit(page, url):
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    return response


def test_public_staff_and_docs_pages_run_under_the_policy_without_a_refusal(live_server, page):
    complaint = ticketed_complaint()
    for path in ("/", f"/track/{complaint.tracking_token}/", "/accounts/login/", "/nowhere/"):
        response = visit(page, live_server.url + path)
        assert "default-src 'self'" in response.headers["content-security-policy"], path
    ManagerFactory(username="morgan")
    log_in(page, live_server, "morgan")
    for path in (
        "/agent/",
        f"/agent/tickets/{complaint.reference}/",
        "/agent/complaints/new/",
        "/manager/",
        "/manager/lessons/",
        "/api/docs/",
        "/api/redoc/",
    ):
        visit(page, live_server.url + path)
    # Redoc's page reaches for its logo on its vendor's CDN: refusing that is the
    # policy at work (nothing leaves for a third party), not a page of ours broken.
    ours = [error for error in page.errors if "https://cdn.redoc.ly/" not in str(error)]
    assert ours == [], "\n".join(str(error)[:200] for error in ours)


def test_an_injected_inline_script_is_refused_by_the_browser(live_server, page):
    visit(page, live_server.url + "/")
    page.evaluate(
        """() => {
            const script = document.createElement('script');
            script.textContent = 'window.injected = true';
            document.body.appendChild(script);
        }"""
    )
    assert page.evaluate("() => window.injected === undefined")
    assert any("Content Security Policy" in str(error) for error in page.errors)
