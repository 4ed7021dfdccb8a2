"""Recount the review's daily summary now: after a restore, an import, or to see what it costs."""

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from review.daily.build import summary_refresh


class Command(BaseCommand):
    help = (
        "Recount the managers' review daily summary: the last --days days up to today, or all of "
        "history (the default). Safe to run at any time, beside the scheduled refreshes."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--days", type=int, help="only this many days, ending today")

    def handle(self, *args: Any, days: int | None = None, **options: Any) -> None:
        if days is not None and days < 1:
            self.stderr.write("--days must be at least 1.")
            raise SystemExit(2)
        started = time.monotonic()
        rows = summary_refresh(days=days)
        self.stdout.write(f"{rows} summary row(s) written in {time.monotonic() - started:.1f} s.")
