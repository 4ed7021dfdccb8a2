"""Make an API token for a staff member from the command line (for a script's first token)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from config.tokens import api_token_create
from shared.roles import is_agent


class Command(BaseCommand):
    help = (
        "Make an API token for a staff member and print it once (its digest is all that is "
        "kept). Staff make and revoke their own at /agent/tokens/."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Made from the command line")
        parser.add_argument("--days", type=int, default=90, choices=[30, 90, 365])

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None or not is_agent(user):
            raise CommandError(f"No agent or manager is called {options['username']!r}.")
        token, secret = api_token_create(user=user, name=options["name"], days=options["days"])
        self.stderr.write(f"Token “{token.name}”, valid until {token.expiry:%Y-%m-%d %H:%M}:")
        self.stdout.write(secret)
