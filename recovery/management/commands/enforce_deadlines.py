"""Run the deadline sweep once: for operators, and for deployments that use cron, not beat."""

from django.core.management.base import BaseCommand

from recovery.deadlines import deadlines_sweep


class Command(BaseCommand):
    help = (
        "Breach every ticket whose callback deadline has passed (idempotent) and say what was done."
    )

    def handle(self, *args, **options):
        counts = deadlines_sweep()
        self.stdout.write(
            f"{counts['breached']} ticket(s) breached, {counts['already_handled']} already handled."
        )
