"""The clock's watchdog: when the deadline sweep last ran, and whether that is too long ago.

Beat starts the sweep every minute (settings.CELERY_BEAT_SCHEDULE); each run
announces itself (``recovery.signals.sweep_finished``) and is recorded here.
Three minutes without one means the clock has stopped (beat down, the worker
down or stuck, the broker lost): callbacks would go unbreached and nobody told.

So every worker also runs ``ClockWatchdog`` on its own timer, which needs no
beat and no broker: when the clock has stopped it emails the managers, once
per outage (a conditional update claims the alert; the next sweep ends the
outage). Sent directly, not through the outbox, whose lost messages are
requeued by the very beat that has stopped.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from celery import bootsteps
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import close_old_connections
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import timezone, translation

from config.models import SweepBeat
from notifications.staff import staff_recipients
from recovery.signals import sweep_finished
from shared.roles import MANAGERS

logger = logging.getLogger(__name__)

DEADLINES = "deadlines"
# Set by each watchdog check while the clock is stopped, cleared by a sweep: the
# managers' banner reads it, so a page costs no query for it (context_processors).
STOPPED_FLAG = "amends:clock:stopped"


def stale_after() -> timedelta:
    return timedelta(seconds=settings.AMENDS["SWEEP_STALE_SECONDS"])


@receiver(sweep_finished, dispatch_uid="config.watchdog.sweep_record")
def sweep_record(*, seconds: float, **_kwargs: Any) -> None:
    """Note that the sweep ran now, which ends any outage (its next one is told again).

    The wall clock, not the sweep's ``at``: a sweep run for a pinned moment
    still proves the clock that ran it is alive now.
    """
    # One statement, first run or not (INSERT … ON CONFLICT UPDATE): a sweep's
    # queries do not depend on whether it ever ran before.
    SweepBeat.objects.bulk_create(
        [SweepBeat(name=DEADLINES, last_at=timezone.now(), seconds=seconds, alerted_at=None)],
        update_conflicts=True,
        unique_fields=["name"],
        update_fields=["last_at", "seconds", "alerted_at"],
    )
    _flag(None)


def _flag(last_at: datetime | None) -> None:
    """Raise or lower the banner's flag; the cache being away costs the banner, nothing else."""
    try:
        if last_at is None:
            cache.delete(STOPPED_FLAG)
        else:
            # Outlives a few checks, so a dead watchdog lowers it by itself.
            timeout = max(4 * settings.AMENDS["WATCHDOG_SECONDS"], 60)
            cache.set(STOPPED_FLAG, last_at.isoformat(), timeout)
    except Exception:
        logger.warning("Could not set the deadline clock's banner flag", exc_info=True)


def clock_banner() -> datetime | None:
    """When the stopped clock last ran, if a watchdog said it stopped; else None."""
    try:
        value = cache.get(STOPPED_FLAG)
    except Exception:
        return None
    return datetime.fromisoformat(value) if value else None


def sweep_last() -> SweepBeat | None:
    return SweepBeat.objects.filter(name=DEADLINES).first()


def clock_stopped(beat: SweepBeat | None, *, now: datetime | None = None) -> bool:
    """True when the sweep never ran, or last ran longer ago than the allowed gap."""
    now = now or timezone.now()
    return beat is None or now - beat.last_at > stale_after()


def clock_alert(*, now: datetime | None = None) -> int:
    """Email the managers if the clock has stopped and this outage was not told yet; how many.

    A clock that never ran is counted from the first check (the row is made
    then), so a deployment without beat is told too, three minutes on.
    """
    now = now or timezone.now()
    beat, _created = SweepBeat.objects.get_or_create(name=DEADLINES, defaults={"last_at": now})
    stopped = clock_stopped(beat, now=now)
    _flag(beat.last_at if stopped else None)
    if not stopped or beat.alerted_at is not None:
        return 0
    claimed = SweepBeat.objects.filter(
        name=DEADLINES, last_at=beat.last_at, alerted_at__isnull=True
    ).update(alerted_at=now)
    if claimed != 1:
        return 0  # another worker told them, or the sweep just ran
    sent = 0
    for address, language in staff_recipients(MANAGERS):
        try:
            _clock_email(address, language, last_at=beat.last_at).send()
            sent += 1
        except Exception:
            logger.exception("Could not email a manager that the deadline clock stopped")
    logger.error(
        "The deadline clock stopped: last sweep at %s; %d manager(s) told", beat.last_at, sent
    )
    return sent


def _clock_email(address: str, language: str, *, last_at: datetime) -> EmailMultiAlternatives:
    context = {"last_at": last_at, "readiness_url": settings.SITE_URL + "/readyz"}
    with translation.override(language):
        subject = render_to_string("config/clock_stopped/subject.txt", context)
        text = render_to_string("config/clock_stopped/body.txt", context)
        html = render_to_string("config/clock_stopped/body.html", context)
    message = EmailMultiAlternatives(
        " ".join(subject.split()), text, settings.DEFAULT_FROM_EMAIL, [address]
    )
    message.attach_alternative(html, "text/html")
    return message


class ClockWatchdog(bootsteps.StartStopStep):
    """A worker's timer that runs ``clock_alert`` (every AMENDS["WATCHDOG_SECONDS"])."""

    requires = ("celery.worker.components:Timer",)

    def __init__(self, worker: Any, **kwargs: Any) -> None:
        super().__init__(worker, **kwargs)
        self.timer_ref: Any = None

    def start(self, worker: Any) -> None:
        every = settings.AMENDS["WATCHDOG_SECONDS"]
        self.timer_ref = worker.timer.call_repeatedly(every, self.check, priority=10)

    def stop(self, worker: Any) -> None:
        if self.timer_ref is not None:
            self.timer_ref.cancel()
            self.timer_ref = None

    def check(self) -> None:
        close_old_connections()
        try:
            clock_alert()
        except Exception:  # a database away now is no reason to stop the worker
            logger.exception("The clock watchdog could not check the deadline sweep")
        finally:
            close_old_connections()
