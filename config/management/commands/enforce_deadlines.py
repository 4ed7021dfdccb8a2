"""Run the beat's minute work once: for operators, and for deployments that use cron, not beat.

The deadline sweep (recovery) and the requeue of unsent emails (notifications)
are two beat tasks; this command is the project's, so it may run both.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from notifications.services import notifications_requeue_stale
from recovery.deadlines import deadlines_sweep


class Command(BaseCommand):
    help = (
        "Breach every ticket whose callback deadline has passed, send the reminders due and "
        "requeue unsent emails (idempotent); say what was done."
    )

    def handle(self, *args, **options):
        counts = deadlines_sweep()
        requeued = notifications_requeue_stale(now=timezone.now())
        self.stdout.write(
            f"{counts['breached']} ticket(s) breached, {counts['reminded']} reminded, "
            f"{requeued} unsent email(s) requeued."
        )
        if counts["failed"]:
            self.stderr.write(f"{counts['failed']} ticket(s) could not be breached; see the log.")
