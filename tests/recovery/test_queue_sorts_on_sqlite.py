"""The queue's sorts and unread filter work on the embedded SQLite of `make run` (its indexes too)."""

import json

from tests.embedded import manage

SCRIPT = """
import json
from django.test import Client
from recovery.queue_sorts import SORTS
from recovery.services import ticket_assign
from recovery.workflow import ticket_customer_message
from tests.factories import AgentFactory, CustomerFactory, days_ago, ticketed_complaint

agent = AgentFactory()
names = ["carla", "Anna", "Bruno"]
tickets = [
    ticketed_complaint(customer=CustomerFactory(name=n), submitted_at=days_ago(i / 3)).ticket
    for i, n in enumerate(names)
]
ticket_assign(ticket=tickets[2], assignee=agent, actor=agent)
ticket_customer_message(ticket=tickets[2], text="Hello?")
client = Client()
client.force_login(agent)
statuses = {}
for key in SORTS:
    for sort in (key, "-" + key):
        statuses[sort] = client.get("/agent/", {"sort": sort}, HTTP_HOST="127.0.0.1").status_code
page = client.get("/agent/", {"sort": "customer"}, HTTP_HOST="127.0.0.1").content.decode()
unread = client.get("/agent/", {"unread": "1"}, HTTP_HOST="127.0.0.1").content.decode()
opened = client.get("/agent/tickets/%s/" % tickets[2].reference, HTTP_HOST="127.0.0.1")
after = client.get("/agent/", {"unread": "1"}, HTTP_HOST="127.0.0.1").content.decode()
print(json.dumps({
    "statuses": sorted(set(statuses.values())),
    "order": sorted(names, key=lambda n: page.index(">%s<" % n)),
    "unread": [t.reference in unread for t in tickets],
    "opened": opened.status_code,
    "after": tickets[2].reference in after,
}))
"""


def test_sorts_and_the_unread_filter_on_the_embedded_sqlite(tmp_path):
    manage("migrate", "--noinput", var_dir=tmp_path)
    out = manage("shell", "-c", SCRIPT, var_dir=tmp_path).stdout
    result = json.loads(out.strip().splitlines()[-1])
    assert result == {
        "statuses": [200],
        "order": ["Anna", "Bruno", "carla"],
        "unread": [False, False, True],
        "opened": 200,
        "after": False,
    }
