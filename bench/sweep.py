"""One deadline sweep over 1,000,000 tickets with 1,000 due.

    .venv/bin/python bench/sweep.py

Reuses the data of bench/queue.py (it loads it first if missing). Inside a
transaction that is rolled back at the end, it moves every open, unacknowledged
callback deadline into the future but 1,000, then times one sweep that
breaches those 1,000 (event, priority, outbox rows and all) and a second one
that finds nothing left to do. It prints both times and the query count.
"""

import sys
from datetime import timedelta
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])
from bench import _db  # noqa: E402  (sets the environment before Django loads)

DUE = 1_000


def main():
    _db.setup_django()
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.queue import TOTAL, load
    from recovery.deadlines import deadlines_sweep
    from recovery.models import Ticket

    if Ticket.objects.count() != TOTAL:
        load()
    now = timezone.now()
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with transaction.atomic():
        waiting = Ticket.objects.filter(status="new", breached_at__isnull=True)
        waiting.update(callback_due_at=now + timedelta(days=1))
        due_ids = list(waiting.order_by("id").values_list("id", flat=True)[:DUE])
        Ticket.objects.filter(pk__in=due_ids).update(callback_due_at=now - timedelta(seconds=30))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE recovery_ticket")
        print(
            f"{Ticket.objects.count():,} tickets, {waiting.count():,} awaiting a callback, {DUE:,} due"
        )
        with connection.execute_wrapper(count), _db.Timer() as first:
            counts = deadlines_sweep(now=now)
        queries = len(executed)
        with _db.Timer() as second:
            again = deadlines_sweep(now=now)
        print(f"sweep with {DUE:,} due: {first.ms:8.1f} ms  {counts}  queries={queries}")
        print(f"sweep with nothing due: {second.ms:6.1f} ms  {again}")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
