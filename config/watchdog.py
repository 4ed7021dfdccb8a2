"""The clock's watchdog: when the deadline sweep last ran, and whether that is too long ago.

Beat starts the sweep every minute (settings.CELERY_BEAT_SCHEDULE); each run
announces itself (``recovery.signals.sweep_finished``) and is recorded here.
Three minutes without one means the clock has stopped (beat down, the worker
down or stuck, the broker lost): callbacks would go unbreached and nobody told.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.dispatch import receiver
from django.utils import timezone

from config.models import SweepBeat
from recovery.signals import sweep_finished

DEADLINES = "deadlines"


def stale_after() -> timedelta:
    return timedelta(seconds=settings.AMENDS["SWEEP_STALE_SECONDS"])


@receiver(sweep_finished, dispatch_uid="config.watchdog.sweep_record")
def sweep_record(*, seconds: float, **_kwargs: Any) -> None:
    """Note that the sweep ran now, which ends any outage (its next one is told again).

    The wall clock, not the sweep's ``at``: a sweep run for a pinned moment
    still proves the clock that ran it is alive now.
    """
    SweepBeat.objects.update_or_create(
        name=DEADLINES,
        defaults={"last_at": timezone.now(), "seconds": seconds, "alerted_at": None},
    )


def sweep_last() -> SweepBeat | None:
    return SweepBeat.objects.filter(name=DEADLINES).first()


def clock_stopped(beat: SweepBeat | None, *, now: datetime | None = None) -> bool:
    """True when the sweep never ran, or last ran longer ago than the allowed gap."""
    now = now or timezone.now()
    return beat is None or now - beat.last_at > stale_after()
