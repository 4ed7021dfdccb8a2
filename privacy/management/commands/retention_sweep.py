"""manage.py retention_sweep: what the daily beat task does, on demand."""

from typing import Any

from django.core.management.base import BaseCommand

from privacy.services import retention_sweep


class Command(BaseCommand):
    help = "Anonymise the complaints, customers and IP addresses past the retention periods."

    def handle(self, *args: Any, **options: Any) -> None:
        result = retention_sweep()
        self.stdout.write(
            f"{result.complaints} complaints and {result.customers} customers anonymised, "
            f"{result.ip_addresses} IP addresses removed."
        )
