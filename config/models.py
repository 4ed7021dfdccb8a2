"""What the project keeps about itself: when the deadline sweep last ran, and the API tokens.

Every promise Amends makes is kept by a clock (Celery beat → the minute
sweep). If that clock stops, nothing is ever breached, reminded or escalated,
and no page would say so. So each sweep leaves its time here, and
``config.watchdog`` reads it for ``/readyz``, the managers' banner and the
worker's alert.
"""

from django.db import models
from knox.models import AbstractAuthToken


class SweepBeat(models.Model):
    """The last run of a periodic sweep (one row per sweep, by name), and its outage alert."""

    name = models.CharField(max_length=32, primary_key=True)
    last_at = models.DateTimeField()
    seconds = models.FloatField(default=0)
    # When the managers were told this sweep had stopped; cleared by its next
    # run, so each outage is told once.
    alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "sweep heartbeat"

    def __str__(self):
        return f"{self.name} {self.last_at:%Y-%m-%d %H:%M:%S}"


class ApiToken(AbstractAuthToken):
    """A staff member's API token (django-rest-knox): stored as a digest, expiring, revocable.

    The token itself is shown once, when it is made (config/tokens.py); the
    database keeps its SHA-512 digest and a short lookup key, so a copy of the
    database opens no API. ``name`` says what it is for, ``last_used_at`` when
    it last authenticated (to the minute), so its owner can tell a stale one.
    """

    name = models.CharField(max_length=100)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.token_key[:8]}…)"
