"""manage.py customer_export <id> --out file.zip: everything held about one customer."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from complaints.models import Customer
from privacy.models import PrivacyVia
from privacy.services import customer_export


class Command(BaseCommand):
    help = "Write everything held about a customer to a ZIP file (JSON and their attachments)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("customer_id", type=int)
        parser.add_argument("--out", required=True, help="Where to write the ZIP file.")

    def handle(self, *args: Any, **options: Any) -> None:
        customer = Customer.objects.filter(pk=options["customer_id"]).first()
        if customer is None:
            raise CommandError(f"No customer #{options['customer_id']}.")
        with open(options["out"], "wb") as out:
            customer_export(customer=customer, out=out, actor=None, via=PrivacyVia.COMMAND)
        self.stdout.write(f"Customer #{customer.pk} exported to {options['out']}.")
