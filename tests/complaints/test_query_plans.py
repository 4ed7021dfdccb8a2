"""No query of the intake, the queue, its search or the ticket page reads a whole big table.

Each query those pages run is explained by PostgreSQL with sequential scans
priced out (``enable_seqscan = off``): the planner then takes any index that
can serve, so a ``Seq Scan`` left in the plan, or an index walked end to end
with no condition (its cheapest way left to read everything), means none can,
whatever the size of the table. This is how ``email__iexact`` was caught: it compiles to
``UPPER(email) = UPPER(%s)``, which the ``lower(email)`` index cannot serve,
and every filing read all the customers. Only the big tables count here:
customers, complaints, tickets and their events.
"""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints.models import Channel, Complaint, Customer
from recovery.choices import Priority, Status
from recovery.models import Ticket
from tests.factories import CustomerFactory, ticketed_complaint

pytestmark = pytest.mark.django_db
# What agents type (tests/recovery/test_queue_search.py has each one's meaning).
SEARCHES = (
    "AM-2345-6789",
    "2345",
    "amelie dupre 3",
    "Dupré",
    "CMD-00000004",
    "never arrived",
    "06 10 00 00 03",
    "00 03",
    "ann@example.com",
)
LOAD = 3000
BIG = {"complaints_customer", "complaints_complaint", "recovery_ticket", "recovery_ticketevent"}


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("query plans are PostgreSQL's")


@pytest.fixture
def loaded(agent, category):
    """A few thousand customers, complaints and open tickets, analysed: sizes at which the
    planner prices an index as it would at a million, with a few real ones among them."""
    now = timezone.now()
    customers = Customer.objects.bulk_create(
        Customer(name=f"Customer {n}", email=f"c{n}@example.com", phone=f"+3361{n:07d}")
        for n in range(LOAD)
    )
    complaints = Complaint.objects.bulk_create(
        Complaint(
            reference=f"AM-{n:04X}-LOAD"[:16],
            tracking_token=f"token-{n}",
            customer=customer,
            category=category,
            channel=Channel.WEB,
            description=f"Parcel {n} arrived damaged.",
            order_reference=f"CMD-{n:08d}",
            submitted_at=now - timedelta(minutes=n),
        )
        for n, customer in enumerate(customers)
    )
    Ticket.objects.bulk_create(
        Ticket(
            complaint=complaint,
            status=Status.NEW,
            priority=Priority.STANDARD,
            callback_due_at=now + timedelta(minutes=n),
            callback_promised_at=now + timedelta(minutes=n),
            due_at=now + timedelta(minutes=n),
            opened_at=complaint.submitted_at,
        )
        for n, complaint in enumerate(complaints)
    )
    for number in range(5):
        customer = CustomerFactory(name=f"Amélie Dupré {number}", phone=f"+3362000{number:04d}")
        ticketed_complaint(customer=customer, order_reference=f"CMD-9{number:07d}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return agent


def scans_of_big_tables(queries):
    """``(table, sql)`` for each big table a captured SELECT would read whole."""
    found = []
    with connection.cursor() as cursor:
        # A partial index read whole reads only its own rows (open tickets, the breached).
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%% WHERE %%'")
        partial = {name for (name,) in cursor.fetchall()}
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            found += [
                (table, sql[:300])
                for table in _seq_scans(plan[0]["Plan"], partial=partial)
                if table in BIG
            ]
        cursor.execute("SET LOCAL enable_seqscan = on")
    return found


def _seq_scans(node, *, partial, limited=False):
    """Tables read whole: a sequential scan, or an index walked end to end with no
    condition on it (what the planner does with sequential scans priced out).

    Two walks are bounded and pass: under a LIMIT with nothing filtered out (the
    queue's page in due order stops after 25 rows), and over a partial index,
    which holds only the rows asked for (open tickets, the breached). A walk
    under a LIMIT that filters (``… ORDER BY id LIMIT 1`` with a condition no
    index serves) reads until it finds one: every row, when there is none.
    """
    kind = node.get("Node Type")
    if kind == "Seq Scan":
        yield node.get("Relation Name")
    if kind in ("Index Scan", "Index Only Scan") and "Index Cond" not in node:
        bounded = limited and "Filter" not in node
        if not bounded and node.get("Index Name") not in partial:
            yield node.get("Relation Name")
    for child in node.get("Plans", []):
        yield from _seq_scans(child, partial=partial, limited=limited or kind == "Limit")


def run(action):
    with CaptureQueriesContext(connection) as captured:
        action()
    return captured.captured_queries


def test_filing_a_complaint_finds_the_customer_through_an_index(client, loaded, complaint_data):
    queries = run(
        lambda: client.post(
            reverse("complaints:new"), complaint_data(email="AMELIE.0@Example.com", phone="")
        )
    )
    assert scans_of_big_tables(queries) == []


def test_a_returning_customer_by_phone_and_the_agents_look_up_use_indexes(agent_client, loaded):
    queries = []
    for query in ("Amelie Dupre 3", "+33610000003", "someone@example.com"):
        queries += run(lambda q=query: agent_client.get(reverse("agent:customer_lookup"), {"q": q}))
    assert scans_of_big_tables(queries) == []


def test_the_queue_its_tabs_and_every_search_use_indexes(agent_client, loaded):
    queries = run(lambda: agent_client.get(reverse("agent:queue")))
    for scope in ("mine", "unassigned", "escalated"):
        queries += run(lambda s=scope: agent_client.get(reverse("agent:queue"), {"scope": s}))
    for search in SEARCHES:
        queries += run(lambda q=search: agent_client.get(reverse("agent:queue"), {"q": q}))
    assert scans_of_big_tables(queries) == []


def test_the_ticket_page_uses_indexes(agent_client, loaded):
    complaint = ticketed_complaint(ticket={"status": Status.ACKNOWLEDGED})
    queries = run(lambda: agent_client.get(reverse("agent:ticket", args=[complaint.reference])))
    assert scans_of_big_tables(queries) == []
