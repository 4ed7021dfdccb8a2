"""manage.py customer_erase <id>: erase a customer's personal data, after confirmation."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from complaints.models import Customer
from privacy.models import PrivacyVia
from privacy.services import customer_erase


class Command(BaseCommand):
    help = (
        "Erase a customer's personal data for good: names, contacts, texts, emails, "
        "attachments, IP addresses. The anonymised complaints stay for the statistics."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("customer_id", type=int)
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask for confirmation (scripts)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        customer = Customer.objects.filter(pk=options["customer_id"]).first()
        if customer is None:
            raise CommandError(f"No customer #{options['customer_id']}.")
        if customer.erased_at is not None:
            self.stdout.write(f"Customer #{customer.pk} was already erased.")
            return
        if not options["yes"]:
            answer = input(f"Erase customer #{customer.pk} for good? Type the number to confirm: ")
            if answer.strip() != str(customer.pk):
                raise CommandError("Not confirmed: nothing was erased.")
        customer_erase(customer=customer, actor=None, via=PrivacyVia.COMMAND)
        self.stdout.write(f"Customer #{customer.pk} erased.")
