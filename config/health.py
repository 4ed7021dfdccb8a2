"""Health probes: answers for the container's health check, whatever Host header it sends.

A health check calls ``http://127.0.0.1:8000/...`` from inside the
container, a Host that ALLOWED_HOSTS rightly refuses (400) in production. So
the probes are answered by a middleware placed first in MIDDLEWARE, before
anything calls ``request.get_host()`` (SecurityMiddleware's redirect,
CommonMiddleware, CSRF): a probe reads no Host, no session, no database, and
says nothing about the site a visitor could not already see.

``/healthz`` is liveness only: the process is up and answering requests.
``/readyz`` is readiness (config/readiness.py): the database, migrations,
broker, cache and the deadline clock, each checked and timed. ``/metrics``
is Prometheus's scrape (config/metrics.py), which guards itself.
"""

from django.http import HttpResponse

from config.metrics import metrics
from config.readiness import readiness


def liveness(request):
    return HttpResponse("ok", content_type="text/plain")


# Exact paths ("/healthz/" routes as usual): no page of the site can be
# shadowed by a prefix.
PROBES = {"/healthz": liveness, "/readyz": readiness, "/metrics": metrics}


class HealthProbeMiddleware:
    """Answer GET and HEAD on a probe's path before host validation; pass everything else on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)
