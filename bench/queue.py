"""The agents' queue and ticket page at 1,000,000 tickets (100,000 open).

    .venv/bin/python bench/queue.py            # load once (about 4 minutes), then measure
    .venv/bin/python bench/queue.py --reload   # drop and load the data again
    .venv/bin/python bench/queue.py search     # only the pages whose name has "search"
    BENCH_TICKETS=100000 BENCH_DATABASE_URL=... .venv/bin/python bench/queue.py --reload  # a tenth, to try the loader

Server time is measured in-process with Django's test client (no network), over
200 requests per page, on the PostgreSQL database ``amends_bench``. It prints
p50/p95 and the number of queries each page runs.
"""

import argparse
import os
import random
import sys
from datetime import timedelta
from pathlib import Path

# Run as a script, this folder comes first on sys.path and this file would
# shadow the standard library's `queue`; import through the project root instead.
sys.path[0] = str(Path(__file__).resolve().parents[1])
from bench import _db  # noqa: E402  (sets the environment before Django loads)

# BENCH_TICKETS loads a smaller set, to try a change to the loader.
TOTAL = int(os.environ.get("BENCH_TICKETS", 1_000_000))
OPEN = TOTAL // 10
AGENTS = 20
REQUESTS = 200
BATCH = 10_000

LOAD_SQL = """
TRUNCATE recovery_ticketevent, recovery_ticket, complaints_attachment, complaints_complaint,
         complaints_customer RESTART IDENTITY CASCADE;

INSERT INTO complaints_customer (name, email, phone, language, timezone, created_at)
SELECT 'Customer ' || i, 'customer' || i || '@example.com', '+3361' || lpad(i::text, 7, '0'),
       CASE WHEN i %% 3 = 0 THEN 'fr' ELSE 'en' END, 'Europe/Paris', now() - interval '2 years'
FROM generate_series(1, %(customers)s) AS i;

-- Oldest first; the last OPEN complaints (the most recent) are still open.
INSERT INTO complaints_complaint (reference, tracking_token, channel, description, remedy_sought,
       order_reference, nps_at_intake, consent_to_contact, language, timezone, submitted_at,
       category_id, customer_id, idempotency_fingerprint)
SELECT 'AM-' || substr(h, 1, 4) || '-' || substr(h, 5, 4),
       substr(md5(i::text) || md5((i + 7)::text), 1, 43),
       (ARRAY['web', 'phone', 'email', 'api'])[1 + i %% 4],
       'The parcel number ' || i || ' arrived late and damaged.', '', '', i %% 11, true, 'en', 'Europe/Paris',
       CASE WHEN i > %(closed)s
            THEN now() - (%(total)s - i) * interval '5 days' / %(open)s + interval '12 hours'
            ELSE now() - interval '5 days' - (%(closed)s - i) * interval '730 days' / %(closed)s END,
       (SELECT min(id) FROM complaints_category) + i %% %(categories)s,
       1 + i %% %(customers)s, ''
FROM generate_series(1, %(total)s) AS i,
     -- hex digits mapped onto the reference alphabet, so references look real
     LATERAL (SELECT translate(upper(lpad(to_hex(i), 8, '0')), '0123456789ABCDEF', 'WXYZ23456789ABCD') AS h) AS x
"""

EVENTS_SQL = """
INSERT INTO recovery_ticketevent (ticket_id, kind, created_at, from_status, to_status, payload,
       customer_visible)
SELECT t.id, 'opened', t.opened_at, '', 'new', '{}'::jsonb, true FROM recovery_ticket t
"""

OPEN_STATUSES = ("new", "new", "new", "new", "acknowledged", "acknowledged", "apologized",
                 "compensated", "compensated", "follow_up")  # fmt: skip


def _draw(pk, factor):
    """A number in [0, 1) that depends only on the id: a reload gives the same data."""
    return (pk * factor) % 1000 / 1000


def ticket_row(*, pk, submitted_at, agents, now):
    """Ticket ``pk`` as the years of work before the benchmark left it, written whole.

    Only ``recovery.workflow`` writes a ticket after creation
    (tests/recovery/test_single_writer.py), so the loader inserts each row
    in its final state rather than inserting and then updating. The first
    ``TOTAL - OPEN`` are resolved, with the history the review benchmark
    reads (bench/review.py): first contact 92 in 100 within the window (most
    of them early), the rest up to 2.5 windows late and so breached (a
    quarter of those unassigned, so escalated); resolved 2 to 20 days after.
    """
    from recovery.models import Ticket

    high = pk % 5 == 0
    window = timedelta(hours=24 if high else 48)
    promised = submitted_at + window
    row = {
        "pk": pk,
        "complaint_id": pk,
        "priority": "high" if high else "standard",
        "callback_promised_at": promised,
        "opened_at": submitted_at,
        "version": 1,
        "reminders_sent": 0,
        "assignee_id": agents[pk % AGENTS],
    }
    if pk <= TOTAL - OPEN:
        r1, r2 = _draw(pk, 7919), _draw(pk, 104729)
        ack = submitted_at + window * (
            1 + (r1 - 0.92) / 0.08 * 1.5 if r1 >= 0.92 else 0.02 + (r1 / 0.92) ** 2 * 0.93
        )
        late = ack > promised  # a call right at the deadline keeps the promise
        breached = promised + timedelta(seconds=30) if late else None
        row |= {
            "status": "resolved",
            "acknowledged_at": ack,
            "resolved_at": min(ack + timedelta(days=2 + r2 * 18), now - timedelta(hours=1)),
            "breached_at": breached,
            "escalated_at": breached if late and pk % 4 == 0 else None,
            "priority": "high" if late else row["priority"],
        }
        return Ticket(**row)
    status = OPEN_STATUSES[pk % 10]
    row["status"] = status
    if status == "new":
        row |= {
            "callback_due_at": promised,
            "due_at": promised,
            "reminder_due_at": submitted_at + window / 2,
            "assignee_id": None if pk % 4 == 0 else row["assignee_id"],
        }
    else:
        row["acknowledged_at"] = submitted_at + timedelta(hours=6)
    if status == "follow_up":
        row["follow_up_due_at"] = row["due_at"] = submitted_at + timedelta(days=7)
    return Ticket(**row)


def load():
    """Customers, complaints and events by set-based SQL; the tickets by ``bulk_create``."""
    from django.contrib.auth.models import Group, User
    from django.db import connection, transaction
    from django.utils import timezone

    from complaints.models import Category, Complaint
    from recovery.models import Ticket

    print(f"Loading {TOTAL:,} tickets ({OPEN:,} open)…", flush=True)
    for i in range(6):
        Category.objects.get_or_create(
            name_en=f"Category {i}", defaults={"name_fr": f"Catégorie {i}"}
        )
    agents = Group.objects.get(name="agents")
    for i in range(AGENTS):
        user, _ = User.objects.get_or_create(username=f"bench-agent-{i:02}")
        user.groups.add(agents)
    agent_ids = list(
        User.objects.filter(username__startswith="bench-agent-")
        .order_by("id")
        .values_list("id", flat=True)
    )
    params = {
        "total": TOTAL,
        "open": OPEN,
        "closed": TOTAL - OPEN,
        "customers": TOTAL // 3,
        "categories": Category.objects.count(),
    }
    with _db.Timer() as timer, transaction.atomic():
        with connection.cursor() as cursor:
            for statement in LOAD_SQL.split(";\n"):
                if statement.strip():
                    cursor.execute(statement, params)
        now = timezone.now()
        complaints = Complaint.objects.order_by("id").values_list("id", "submitted_at")
        for first in range(1, TOTAL + 1, BATCH):
            batch = complaints.filter(id__gte=first, id__lt=first + BATCH)
            Ticket.objects.bulk_create(
                ticket_row(pk=pk, submitted_at=at, agents=agent_ids, now=now) for pk, at in batch
            )
        with connection.cursor() as cursor:
            # The ids were given (the draws above depend on them): move the sequence past them.
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('recovery_ticket', 'id'), %s)", [TOTAL]
            )
            cursor.execute(EVENTS_SQL)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"Loaded in {timer.ms / 1000:.0f} s.", flush=True)


# What the loader leaves out and the search scenarios need, added in place (no
# reload): a few hundred accented names and an order number on one complaint in 100.
SEARCH_SQL = """
UPDATE complaints_customer SET name = 'Amélie Dupré ' || id
WHERE id %% 1000 = 7 AND name NOT LIKE 'Amélie%%';
UPDATE complaints_complaint SET order_reference = 'CMD-' || lpad(id::text, 8, '0')
WHERE id %% 100 = 0 AND order_reference = ''
"""


def add_search_data():
    """Idempotent: a second run changes no row (and so rebuilds no index entry)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in SEARCH_SQL.split(";\n"):
            cursor.execute(statement, {})
        cursor.execute("ANALYZE complaints_customer")
        cursor.execute("ANALYZE complaints_complaint")


def measure(client, urls, *, n=REQUESTS):
    """Server time of ``n`` GETs cycling through ``urls``, and the queries of one."""
    from django.db import connection

    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    # Django empties connection.queries at each request start; a wrapper does not.
    with connection.execute_wrapper(count):
        response = client.get(urls[0])
    assert response.status_code == 200, (urls[0], response.status_code)
    samples = []
    for i in range(n):
        with _db.Timer() as timer:
            client.get(urls[i % len(urls)])
        samples.append(timer.ms)
    return samples, len(executed)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reload", action="store_true", help="drop and load the data again")
    parser.add_argument(
        "only", nargs="*", help="measure only the pages whose name has one of these"
    )
    args = parser.parse_args()
    _db.setup_django()
    from django.contrib.auth.models import User
    from django.test import Client

    from recovery.models import Ticket

    if args.reload or Ticket.objects.count() != TOTAL:
        load()
    add_search_data()
    agent = User.objects.get(username="bench-agent-03")
    client = Client()
    client.force_login(agent)
    open_refs = list(
        Ticket.objects.filter(status="new").values_list("complaint__reference", flat=True)[:500]
    )
    random.seed(1)
    ticket_urls = [f"/agent/tickets/{ref}/" for ref in random.sample(open_refs, 50)]
    pages = [
        ("queue, first page", ["/agent/"]),
        ("queue, mine", ["/agent/?scope=mine"]),
        ("queue, unassigned", ["/agent/?scope=unassigned"]),
        ("queue, breached only", ["/agent/?breached=1"]),
        ("queue, category + priority", ["/agent/?category=3&priority=high"]),
        ("queue, page 20", ["/agent/?page=20"]),
        # The worktable's column sorts (recovery.queue_sorts): the ticket's own
        # columns read a partial index each; the joined ones sort a window.
        ("sort, opened (newest first)", ["/agent/?sort=-opened"]),
        ("sort, priority then due", ["/agent/?sort=priority", "/agent/?sort=-priority"]),
        ("sort, status, mine", ["/agent/?sort=status&scope=mine"]),
        ("sort, customer (windowed)", ["/agent/?sort=customer", "/agent/?sort=-customer"]),
        ("sort, reference (windowed)", ["/agent/?sort=reference"]),
        ("sort, assignee (windowed)", ["/agent/?sort=assignee"]),
        ("queue, unread only", ["/agent/?unread=1"]),
        ("queue, search by reference", [f"/agent/?q={open_refs[7]}"]),
        ("queue, search by email", ["/agent/?q=customer4242@example.com"]),
        # The search's fragments (issue 15): trigram and full-text indexes.
        (
            "search, piece of a reference",
            [f"/agent/?q={ref[-4:].lower()}" for ref in open_refs[:50]],
        ),
        ("search, name without accents", ["/agent/?q=amelie+dupre+4207", "/agent/?q=Amelie+Dupre"]),
        ("search, part of a name", ["/agent/?q=ustomer+4242"]),
        ("search, order number", ["/agent/?q=cmd-00424200", "/agent/?q=cmd-0042"]),
        ("search, description words", ["/agent/?q=number+4242+damaged"]),
        ("search, national phone", ["/agent/?q=06+10+00+42+42"]),
        ("search, last digits of a phone", ["/agent/?q=10+00+42+42"]),
        # A search keeps the tab, the filters and the sort: the counters above it are the queue's.
        (
            "search, in the Mine tab",
            ["/agent/?q=Amelie+Dupre&scope=mine", "/agent/?q=ustomer+4242&scope=mine"],
        ),
        ("search, unassigned and breached", ["/agent/?q=Amelie+Dupre&scope=unassigned&breached=1"]),
        ("search, sorted by customer", ["/agent/?q=Amelie+Dupre&sort=customer"]),
        ("ticket page", ticket_urls),
    ]
    print(
        f"{Ticket.objects.count():,} tickets, {Ticket.objects.exclude(status='resolved').count():,} open"
    )
    for name, urls in pages:
        if args.only and not any(word in name for word in args.only):
            continue
        for url in urls[:20]:  # warm the caches and the connection
            client.get(url)
        samples, queries = measure(client, urls)
        print(_db.summarize(name, samples, f"queries={queries}"), flush=True)


if __name__ == "__main__":
    main()
