"""Merging and undoing works on the embedded SQLite of `make run` (the JSON look-up, the locks)."""

import json

from tests.embedded import manage

SCRIPT = """
import json
from django.test import Client
from recovery.models import Ticket
from recovery.workflow import ticket_merge, ticket_unmerge
from tests.factories import AgentFactory, CustomerFactory, ticketed_complaint

agent = AgentFactory()
customer = CustomerFactory()
into = ticketed_complaint(customer=customer).ticket
merged = ticketed_complaint(customer=customer).ticket
due = merged.callback_due_at
merge = ticket_merge(merged=merged, into=into, actor=agent)
client = Client()
client.force_login(agent)
page = client.get("/agent/tickets/%s/" % into.reference, HTTP_HOST="127.0.0.1")
moved = client.get("/agent/tickets/%s/" % merged.reference, HTTP_HOST="127.0.0.1")
track = client.get("/track/%s/" % merged.complaint.tracking_token, HTTP_HOST="127.0.0.1")
ticket_unmerge(merge=merge, actor=agent)
back = Ticket.objects.get(pk=merged.pk)
print(json.dumps({
    "page": page.status_code,
    "joined": merged.reference.encode() in page.content,
    "moved": moved.status_code,
    "track": track.status_code,
    "status": back.status,
    "due_back": back.callback_due_at == due,
}))
"""


def test_merge_and_undo_on_the_embedded_sqlite(tmp_path):
    manage("migrate", "--noinput", var_dir=tmp_path)
    out = manage("shell", "-c", SCRIPT, var_dir=tmp_path).stdout
    result = json.loads(out.strip().splitlines()[-1])
    assert result == {
        "page": 200,
        "joined": True,
        "moved": 302,
        "track": 302,
        "status": "new",
        "due_back": True,
    }
