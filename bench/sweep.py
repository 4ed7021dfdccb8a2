"""The deadline sweep over 1,000,000 tickets: its cost, and how late breaches are.

    .venv/bin/python bench/sweep.py                 # both parts (about 6 minutes)
    .venv/bin/python bench/sweep.py --sweep-only    # the timing of one sweep only

Reuses the data of bench/queue.py (it loads it first if missing).

1. One sweep. Inside a transaction that is rolled back at the end, it moves
   every open, unacknowledged callback deadline into the future but 1,000,
   then times one sweep that breaches those 1,000 (events, priority, outbox
   rows and all) and a second one that finds nothing left to do. It prints
   both times and the query count. (The sends are published after commit, one
   message per 100 emails; a rolled-back sweep publishes nothing.)
2. Lateness. It makes 200 tickets fall due over three minutes (committed),
   starts a real Celery worker and beat on Redis, as `make run` does, and
   prints how late each breach was recorded (``breached_at`` minus the
   deadline): p50, p95, p99 and the worst. The other waiting tickets are
   moved out of the way for the run and put back after it.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])
from bench import _db  # noqa: E402  (sets the environment before Django loads)

DUE = 1_000
LATE_TICKETS = 200
# The first deadline comes after beat's first sweep; the last three minutes later.
LATE_FIRST = timedelta(seconds=100)
LATE_SPREAD = timedelta(seconds=180)


def one_sweep():
    from django.db import connection, transaction
    from django.utils import timezone

    from recovery.deadlines import deadlines_sweep
    from recovery.models import Ticket

    now = timezone.now()
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with transaction.atomic():
        waiting = Ticket.objects.filter(status="new", breached_at__isnull=True)
        waiting.update(callback_due_at=now + timedelta(days=1), reminder_due_at=None)
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


# Out of the way for the lateness run: every other waiting deadline and reminder.
PARK_SQL = """
UPDATE recovery_ticket SET callback_due_at = callback_due_at + interval '100 years',
       reminder_due_at = NULL
 WHERE status = 'new' AND breached_at IS NULL
"""
UNPARK_SQL = """
UPDATE recovery_ticket SET callback_due_at = callback_promised_at,
       reminder_due_at = callback_promised_at - (callback_promised_at - opened_at) / 2
 WHERE status = 'new' AND breached_at IS NULL
"""


def _start(*args):
    return subprocess.Popen(
        [str(_db.ROOT / ".venv/bin/celery"), "-A", "config", *args, "--loglevel=WARNING"],
        cwd=_db.ROOT,
        env=os.environ.copy(),
        start_new_session=True,
    )


def _stop(process):
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


def lateness():
    import redis
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from recovery.models import Ticket

    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    with connection.cursor() as cursor:
        cursor.execute(PARK_SQL)
    waiting = Ticket.objects.filter(status="new", breached_at__isnull=True)
    chosen = list(waiting.order_by("id").values_list("id", flat=True)[:LATE_TICKETS])
    start = timezone.now() + LATE_FIRST
    step = LATE_SPREAD / (len(chosen) - 1)
    for i, pk in enumerate(chosen):
        Ticket.objects.filter(pk=pk).update(callback_due_at=start + step * i)
    schedule = _db.ROOT / "var" / "bench" / "beat-schedule"
    schedule.parent.mkdir(parents=True, exist_ok=True)
    schedule.unlink(missing_ok=True)
    processes = [
        _start("worker", "--queues=deadlines,email", "--concurrency=2", "-n", "bench@%h"),
        _start("beat", f"--schedule={schedule}"),
    ]
    print(
        f"{len(chosen)} tickets fall due from {LATE_FIRST.seconds} s to "
        f"{(LATE_FIRST + LATE_SPREAD).seconds} s from now; worker and beat started.",
        flush=True,
    )
    try:
        give_up = time.monotonic() + (LATE_FIRST + LATE_SPREAD).seconds + 180
        done = Ticket.objects.filter(pk__in=chosen, breached_at__isnull=False)
        while done.count() < len(chosen) and time.monotonic() < give_up:
            time.sleep(2)
    finally:
        for process in processes:
            _stop(process)
        with connection.cursor() as cursor:
            cursor.execute(UNPARK_SQL)
    rows = Ticket.objects.filter(pk__in=chosen).values_list("callback_due_at", "breached_at")
    late = sorted((b - d).total_seconds() for d, b in rows if b is not None)
    missing = len(chosen) - len(late)
    print(
        f"lateness of {len(late)} breaches: p50={_db.percentile(late, 50):.2f} s  "
        f"p95={_db.percentile(late, 95):.2f} s  p99={_db.percentile(late, 99):.2f} s  "
        f"max={late[-1]:.2f} s  not breached={missing}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep-only", action="store_true", help="skip the lateness run")
    args = parser.parse_args()
    _db.setup_django()
    from bench.queue import TOTAL, load
    from recovery.models import Ticket

    if Ticket.objects.count() != TOTAL:
        load()
    one_sweep()
    if not args.sweep_only:
        lateness()


if __name__ == "__main__":
    main()
