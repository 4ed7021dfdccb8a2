"""Read the complaints mailbox now: what the beat does every minute when INBOUND_IMAP_URL is set."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from notifications.inbound.poll import imap_settings, inbound_poll


class Command(BaseCommand):
    help = (
        "Take every unseen message in the complaints mailbox (INBOUND_IMAP_URL) as the inbound "
        "webhook would: replies reach their tickets, new mail opens complaints. Safe to re-run."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if imap_settings() is None:
            raise CommandError("No mailbox: set INBOUND_IMAP_URL (imaps://user:pass@host/INBOX).")
        stored = inbound_poll()
        self.stdout.write(f"{stored} new email(s) stored.")
