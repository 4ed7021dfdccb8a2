"""Prometheus metrics at ``/metrics``: requests, tasks, the outbox, what is due, breaches, the clock.

Counters and histograms (config/instruments.py) are kept by prometheus-client
in the process that sees the event: requests in the web processes, tasks in
the workers (a worker serves its own on AMENDS_WORKER_METRICS_PORT).
With several gunicorn workers, set PROMETHEUS_MULTIPROC_DIR so a scrape sums
them all (prometheus-client's multiprocess mode). The state of the work
(outbox rows, tickets due, breaches, the sweep) is read from the database at
scrape time by ``StateCollector``, each figure through an index.

``/metrics`` is answered before host validation, like the probes, to a
scraper that sends AMENDS_METRICS_TOKEN as a bearer token, or to any
loopback or private address when AMENDS_METRICS_INTERNAL is on; to nobody
otherwise (404). It holds counts only, nothing about a customer.
"""

import hmac
import ipaddress
import os
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from config.models import SweepBeat
from config.watchdog import DEADLINES
from notifications.models import Notification
from recovery.choices import OPEN_STATUSES
from recovery.models import Ticket
from shared.choices import TROUBLE, NotificationStatus

# Rows still to be sent or in trouble: what an alert watches (sent ones only grow).
OUTBOX_STATUSES = (NotificationStatus.PENDING, NotificationStatus.SENDING, *TROUBLE)


class StateCollector(Collector):
    """Gauges of the work's state, read at scrape time (a handful of indexed counts)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = timezone.now()
        outbox = GaugeMetricFamily(
            "amends_outbox_rows",
            "Outbox emails not yet sent, or in trouble, by status.",
            labels=["status"],
        )
        for status in OUTBOX_STATUSES:
            outbox.add_metric([status], Notification.objects.filter(status=status).count())
        yield outbox
        open_tickets = Ticket.objects.filter(status__in=OPEN_STATUSES)
        yield GaugeMetricFamily(
            "amends_tickets_due_next_hour",
            "Open tickets whose next deadline falls in the coming hour.",
            value=open_tickets.filter(due_at__gte=now, due_at__lt=now + timedelta(hours=1)).count(),
        )
        yield GaugeMetricFamily(
            "amends_tickets_breached_open",
            "Open tickets whose callback promise was broken.",
            value=open_tickets.filter(breached_at__isnull=False).count(),
        )
        yield GaugeMetricFamily(
            "amends_breaches_last_day",
            "Callback promises broken in the last 24 hours.",
            value=Ticket.objects.filter(breached_at__gte=now - timedelta(days=1)).count(),
        )
        beat = SweepBeat.objects.filter(name=DEADLINES).first()
        if beat is not None:
            yield GaugeMetricFamily(
                "amends_sweep_age_seconds",
                "Seconds since the deadline sweep last ran.",
                value=(now - beat.last_at).total_seconds(),
            )
            yield GaugeMetricFamily(
                "amends_sweep_duration_seconds",
                "How long the last deadline sweep took.",
                value=beat.seconds,
            )


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def _allowed(request: HttpRequest) -> bool:
    token = settings.AMENDS["METRICS_TOKEN"]
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    if settings.AMENDS["METRICS_INTERNAL"]:
        try:
            address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
        except ValueError:
            return False
        return address.is_loopback or address.is_private
    return False


def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return HttpResponse("Not found", status=404, content_type="text/plain")
    registry = _registry()
    body = generate_latest(registry)
    state = CollectorRegistry()
    state.register(StateCollector())
    return HttpResponse(body + generate_latest(state), content_type=CONTENT_TYPE_LATEST)
