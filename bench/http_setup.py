"""What bench/http.sh's requests carry: a signed-in agent's session, an API token, addresses.

Prints ``NAME=value`` lines for the shell (run by bench/http.sh, on the same
``amends_bench`` data as bench/queue.py, which loads it when missing).
"""

import sys
from pathlib import Path
from urllib.parse import urlsplit

sys.path[0] = str(Path(__file__).resolve().parents[1])
from bench import _db  # noqa: E402  (sets the environment before Django loads)


def main():
    _db.setup_django()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import Client

    from complaints.models import Category
    from config.tokens import api_token_create
    from recovery.models import Ticket

    agent = User.objects.get(username="bench-agent-03")
    session = SessionStore()
    session[SESSION_KEY] = str(agent.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
    session.create()
    _row, token = api_token_create(user=agent, name="bench/http.sh", days=30)
    reference = (
        Ticket.objects.filter(status="new").values_list("complaint__reference", flat=True).first()
    )
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
    url = "/api/v1/tickets/"
    for _page in range(19):  # the cursor of the 20th page
        following = urlsplit(client.get(url).json()["next"])
        url = f"{following.path}?{following.query}"
    print(f"SESSION_COOKIE={settings.SESSION_COOKIE_NAME}={session.session_key}")
    print(f"API_TOKEN={token}")
    print(f"TICKET={reference}")
    print(f"PAGE20={url}")
    print(f"CATEGORY={Category.objects.filter(active=True).values_list('pk', flat=True).first()}")


if __name__ == "__main__":
    main()
