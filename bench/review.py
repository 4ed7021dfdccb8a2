"""The managers' review pages over 1,000,000 tickets spread over two years.

    .venv/bin/python bench/review.py            # load once (2.5 minutes on top of the queue data), then measure
    .venv/bin/python bench/review.py --reload   # drop and load the data again

Reuses the data of bench/queue.py (loading it first if missing) in the
PostgreSQL database ``amends_bench``, whose closed tickets hold their first
contacts (about 8 % after the promise, so breached) and resolutions, and adds
what else the review reads, once: the breaches and resolutions on the timeline,
reopenings, compensation handed over on two tickets in three,
follow-up surveys on two in five, and the remedies customers asked for. The
queue benchmark's open tickets are left as they were.

It then builds the review's daily summary as the scheduled refreshes do (all
of history, the last 35 days, today and yesterday) and prints what each
costs. Server time is measured in-process with Django's test client (no
network), for this week (read live), a past month, the current month (which
holds the queue data's 100,000 open tickets of the last five days) and the
last twelve months, the last three from the summary. It prints
p50/p95 and the number of queries each page runs, then the time to stream a
year of breaches as CSV.
"""

import argparse
import sys
from datetime import timedelta
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])
from bench import _db  # noqa: E402  (sets the environment before Django loads)
from bench.queue import TOTAL  # noqa: E402

MONTH_REQUESTS = 50
YEAR_REQUESTS = 20

# Closed tickets only (the queue benchmark's first 900,000, resolved); every
# figure is a deterministic function of the id, so a reload gives the same data.
ENRICH_SQL = """
-- What the customers asked for (one in three says nothing) and whether they scored us at intake.
UPDATE complaints_complaint SET
    remedy_sought = (ARRAY['', '', '', '', '', '', '', '',
        'A refund, please.', 'Le remboursement de ma commande.', 'My money back',
        'A replacement, please.', 'Un nouvel envoi en express.', 'Exchange it for the right size',
        'A voucher for next time', 'Un bon d''achat', 'A discount on my next order',
        'An apology.', 'Des excuses.', 'Please call me and explain what happened',
        'Fix the app', 'Just deliver my order', 'A gesture would be nice', 'I want to speak to a manager'
        ])[1 + (id * 37) %% 24],
    nps_at_intake = CASE WHEN id %% 10 < 3 THEN NULL ELSE nps_at_intake END;

-- The closed tickets' first contacts, breaches and resolutions were written with their rows
-- (bench/queue.py, ticket_row); what follows adds the timeline, ledger and surveys that go with them.
CREATE TEMP TABLE review_bench AS
SELECT t.id, t.opened_at, t.callback_promised_at AS promised,
       -- the priority before the breach raised it: the window says which it was
       CASE WHEN t.callback_promised_at - t.opened_at = interval '24 hours' THEN 'high' ELSE 'standard' END
           AS priority,
       t.acknowledged_at AS ack, t.resolved_at AS resolved,
       ((t.id * 7919) %% 1000) / 1000.0 AS r1,
       ((t.id * 104729) %% 1000) / 1000.0 AS r2,
       (t.id * 1299709) %% 1000 AS r3
FROM recovery_ticket t WHERE t.status = 'resolved';

CREATE UNIQUE INDEX ON review_bench (id);
ANALYZE review_bench;

INSERT INTO recovery_ticketevent (ticket_id, kind, created_at, from_status, to_status, payload, customer_visible)
SELECT id, 'breached', promised + interval '30 seconds', '', '',
       jsonb_build_object('priority_was', priority), false
FROM review_bench WHERE ack > promised;

-- Resolutions on the timeline; one ticket in 25 resolved, reopened, resolved again.
INSERT INTO recovery_ticketevent (ticket_id, kind, created_at, from_status, to_status, payload, customer_visible)
SELECT id, 'status', resolved, 'follow_up', 'resolved', '{"action": "resolve"}'::jsonb, true FROM review_bench
UNION ALL
SELECT id, 'status', ack + (resolved - ack) / 3, 'follow_up', 'resolved', '{"action": "resolve"}'::jsonb, true
FROM review_bench WHERE r3 < 40
UNION ALL
SELECT id, 'status', ack + (resolved - ack) / 2, 'resolved', 'acknowledged', '{"action": "reopen"}'::jsonb, true
FROM review_bench WHERE r3 < 40;

-- Compensation handed over on two tickets in three, in three currencies.
INSERT INTO recovery_compensation (ticket_id, kind, amount, currency, remedy_sought, description, reason,
       status, decline_reason, proposed_at, approved_at, fulfilled_at)
SELECT id, k.kind,
       CASE WHEN k.kind IN ('refund', 'voucher', 'discount') OR (k.kind = 'goodwill' AND id %% 2 = 0)
            THEN 5 + (id %% 200) END,
       CASE WHEN k.kind IN ('refund', 'voucher', 'discount') OR (k.kind = 'goodwill' AND id %% 2 = 0)
            THEN (ARRAY['EUR', 'EUR', 'EUR', 'EUR', 'EUR', 'EUR', 'EUR', 'EUR', 'GBP', 'USD'])[1 + id %% 10]
            ELSE '' END,
       '', '', CASE WHEN k.kind = 'none' THEN 'Already refunded by the carrier.' ELSE '' END,
       'fulfilled', '', ack + interval '1 hour', ack + interval '2 hours', ack + (resolved - ack) / 2
FROM review_bench,
LATERAL (SELECT (ARRAY['refund', 'refund', 'refund', 'voucher', 'voucher', 'replacement', 'replacement',
                       'discount', 'goodwill', 'none'])[1 + (id * 13) %% 10] AS kind) k
WHERE r2 < 0.66;

-- Follow-up surveys on two tickets in five; most are answered, scores lean to the happy side.
INSERT INTO recovery_survey (ticket_id, token, sent_at, expires_at, answered_at, csat, nps, solved, comment, outcome)
SELECT id, md5('survey' || id), resolved - interval '3 days', resolved + interval '25 days',
       CASE WHEN r3 %% 7 <> 0 THEN resolved - interval '1 hour' END,
       CASE WHEN r3 %% 7 <> 0 THEN (ARRAY[1, 2, 3, 3, 4, 4, 4, 5, 5, 5])[1 + (id * 31) %% 10] END,
       CASE WHEN r3 %% 7 <> 0 THEN (ARRAY[0, 2, 4, 5, 6, 7, 7, 8, 8, 9, 9, 10, 10])[1 + (id * 17) %% 13] END,
       CASE WHEN r3 %% 7 <> 0 THEN 'yes' ELSE '' END, '',
       CASE WHEN r3 %% 7 <> 0 THEN 'resolved' ELSE 'no_answer' END
FROM review_bench WHERE r1 * 1000 %% 5 < 2;

DROP TABLE review_bench;
"""


def enrich():
    from django.db import connection, transaction

    print("Adding first contacts, breaches, resolutions, compensation and surveys…", flush=True)
    with _db.Timer() as timer, transaction.atomic(), connection.cursor() as cursor:
        for statement in ENRICH_SQL.split(";\n"):
            if statement.strip():
                cursor.execute(statement, {})
    with connection.cursor() as cursor:
        # The update above left a dead copy of every complaint row; a live
        # database would have reclaimed them long ago.
        cursor.execute("VACUUM FULL ANALYZE complaints_complaint")
        cursor.execute("VACUUM ANALYZE")
    print(f"Added in {timer.ms / 1000:.0f} s.", flush=True)


def load_if_needed(reload):
    from bench import queue as queue_bench
    from recovery.models import Survey, Ticket

    if reload or Ticket.objects.count() != TOTAL:
        queue_bench.load()
    if not Survey.objects.exists():
        enrich()


def build_summary():
    """Time the daily summary's three refreshes: all of history, a night's 35 days, the 5-minute one."""
    from django.db import connection

    from review.daily.build import MODELS, summary_refresh
    from review.models import DayDurations

    for label, days in (("all of history", None), ("last 35 days", 35), ("today and yesterday", 2)):
        with _db.Timer() as timer:
            rows = summary_refresh(days=days)
        print(f"summary refresh, {label:<20} {timer.ms / 1000:6.1f} s  {rows:>9,} rows", flush=True)
    print(f"summary rows in all: {DayDurations.objects.count():,} duration buckets", flush=True)
    with connection.cursor() as cursor:
        # Three recounts in a row left dead rows that autovacuum would reclaim.
        for model in MODELS:
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


def measure(client, url, n):
    """Server time of ``n`` GETs of ``url`` (streamed bodies read), and the queries of one."""
    from django.db import connection

    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if response.streaming:
            return sum(len(chunk) for chunk in response.streaming_content)
        return len(response.content)

    with connection.execute_wrapper(count):
        get()
    samples = []
    for _ in range(n):
        with _db.Timer() as timer:
            get()
        samples.append(timer.ms)
    return samples, len(executed)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reload", action="store_true", help="drop and load the data again")
    args = parser.parse_args()
    _db.setup_django()
    from django.contrib.auth.models import Group, User
    from django.test import Client
    from django.utils import timezone

    from recovery.models import Compensation, Survey, Ticket

    load_if_needed(args.reload)
    build_summary()
    manager, _ = User.objects.get_or_create(username="bench-manager")
    manager.groups.add(Group.objects.get_or_create(name="managers")[0])
    client = Client()
    client.force_login(manager)

    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    year = f"period=custom&from={today - timedelta(days=364)}&to={today}"
    periods = [
        ("this week (live)", f"period=week&date={today}", MONTH_REQUESTS),
        ("past month", f"period=month&date={last_month}", MONTH_REQUESTS),
        ("this month", f"period=month&date={today}", MONTH_REQUESTS),
        ("last 12 months", year, YEAR_REQUESTS),
    ]
    print(
        f"{Ticket.objects.count():,} tickets, {Ticket.objects.filter(breached_at__isnull=False).count():,} "
        f"breached, {Compensation.objects.count():,} compensation lines, "
        f"{Survey.objects.filter(answered_at__isnull=False).count():,} survey answers"
    )
    for label, query, n in periods:
        for page in ("", "breaches/", "lessons/", "agents/"):
            url = f"/manager/{page}?{query}"
            for _ in range(3):  # warm the caches and the connection
                client.get(url)
            samples, queries = measure(client, url, n)
            name = f"{page.rstrip('/') or 'indicators'}, {label}"
            print(_db.summarize(name, samples, f"queries={queries}"), flush=True)
    samples, queries = measure(client, f"/manager/export/breaches.csv?{year}", 5)
    print(_db.summarize("breaches CSV, last 12 months", samples, f"queries={queries}"), flush=True)


if __name__ == "__main__":
    main()
