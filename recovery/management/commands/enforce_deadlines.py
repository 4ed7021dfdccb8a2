"""Run the deadline sweep once: for operators, and for deployments that use cron, not beat."""

from django.core.management.base import BaseCommand

from recovery.deadlines import deadlines_sweep


class Command(BaseCommand):
    help = (
        "Breach every ticket whose callback deadline has passed, send the reminders due and "
        "requeue unsent emails (idempotent); say what was done."
    )

    def handle(self, *args, **options):
        counts = deadlines_sweep()
        self.stdout.write(
            f"{counts['breached']} ticket(s) breached, {counts['reminded']} reminded, "
            f"{counts['requeued']} unsent email(s) requeued."
        )
        if counts["failed"]:
            self.stderr.write(f"{counts['failed']} ticket(s) could not be breached; see the log.")
