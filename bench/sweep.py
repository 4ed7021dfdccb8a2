"""The deadline sweep over 1,000,000 tickets: its cost, and how late breaches are.

    .venv/bin/python bench/sweep.py                 # both parts (about 6 minutes)
    .venv/bin/python bench/sweep.py --sweep-only    # the timing of one sweep only

Reuses the data of bench/queue.py (it loads it first if missing).

1. One sweep. It runs at the moment the 1,000th waiting callback falls due
   (``deadlines_sweep(now=...)``), inside a transaction rolled back at the
   end: first the reminders owed by then go out (``remind_due``, as the
   sweeps before would have sent them), then it times one sweep that
   breaches those 1,000 (events, priority, outbox rows and all) and a second
   one that finds nothing left to do. It prints both times and the query
   count. (The sends are published after commit, one message per 100
   emails; a rolled-back sweep publishes nothing.)
2. Lateness. It adds 200 tickets falling due over three minutes, starts a
   real Celery worker and beat on Redis, as `make run` does, and prints how
   late each breach was recorded (``breached_at`` minus the deadline): p50,
   p95, p99 and the worst. Worker and beat run on a clock set back to just
   before the first deadline or reminder the data holds (time_machine, in
   their processes), so nothing else falls due during the run; the 200
   tickets are deleted after it. No ticket row is updated here: only
   ``recovery.workflow`` does that (tests/recovery/test_single_writer.py).
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

    from recovery.deadlines import deadlines_sweep, remind_due
    from recovery.models import Ticket

    waiting = Ticket.objects.filter(
        status="new", breached_at__isnull=True, callback_due_at__isnull=False
    )
    due = waiting.order_by("callback_due_at", "id").values_list("callback_due_at", flat=True)
    now = due[DUE - 1]
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with transaction.atomic():
        with _db.Timer() as reminders:
            reminded = remind_due(now=now)
        print(
            f"{Ticket.objects.count():,} tickets, {waiting.count():,} awaiting a callback, "
            f"{waiting.filter(callback_due_at__lte=now).count():,} due at {now:%Y-%m-%d %H:%M:%S}; "
            f"{reminded:,} reminders owed by then sent first ({reminders.ms / 1000:.1f} s)"
        )
        with connection.execute_wrapper(count), _db.Timer() as first:
            counts = deadlines_sweep(now=now)
        queries = len(executed)
        with _db.Timer() as second:
            again = deadlines_sweep(now=now)
        print(f"sweep with {DUE:,} due: {first.ms:8.1f} ms  {counts}  queries={queries}")
        print(f"sweep with nothing due: {second.ms:6.1f} ms  {again}")
        transaction.set_rollback(True)


# Celery on a shifted clock: the offset (seconds) from BENCH_CLOCK_OFFSET.
SHIFTED_CELERY = """
import os, sys
from datetime import UTC, datetime, timedelta
import time_machine
offset = timedelta(seconds=float(os.environ["BENCH_CLOCK_OFFSET"]))
time_machine.travel(datetime.now(UTC) + offset, tick=True).start()
from celery.__main__ import main
sys.argv = ["celery", *sys.argv[1:]]
main()
"""


def _start(*args, offset):
    return subprocess.Popen(
        [sys.executable, "-c", SHIFTED_CELERY, "-A", "config", *args, "--loglevel=WARNING"],
        cwd=_db.ROOT,
        env={**os.environ, "BENCH_CLOCK_OFFSET": str(offset.total_seconds())},
        start_new_session=True,
    )


def _stop(process):
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


def _late_tickets(deadlines):
    """One new ticket per deadline, inserted in that state (a callback owed, no reminder left)."""
    from complaints.models import Category, Complaint, Customer
    from recovery.models import Ticket
    from shared.identifiers import new_reference, new_tracking_token

    customer = Customer.objects.create(name="Lateness run", email="lateness@example.com")
    category = Category.objects.order_by("id").first()
    window = timedelta(hours=48)
    complaints = Complaint.objects.bulk_create(
        Complaint(
            reference=new_reference(),
            tracking_token=new_tracking_token(),
            customer=customer,
            category=category,
            description="The parcel arrived late.",
            consent_to_contact=True,
            submitted_at=due - window,
        )
        for due in deadlines
    )
    return Ticket.objects.bulk_create(
        Ticket(
            complaint=complaint,
            status="new",
            priority="standard",
            callback_due_at=due,
            callback_promised_at=due,
            due_at=due,
            opened_at=due - window,
        )
        for complaint, due in zip(complaints, deadlines, strict=True)
    )


def _late_tickets_delete(tickets):
    """Leave the data as it was: the run's tickets go, with their events, outbox and complaints."""
    from complaints.models import Complaint, Customer
    from recovery.models import Ticket

    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).delete()
    Complaint.objects.filter(customer__email="lateness@example.com").delete()
    Customer.objects.filter(email="lateness@example.com").delete()


def lateness():
    import redis
    from django.conf import settings
    from django.db.models import Min
    from django.utils import timezone

    from recovery.models import Ticket

    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    waiting = Ticket.objects.filter(status="new", breached_at__isnull=True).aggregate(
        callback=Min("callback_due_at"), reminder=Min("reminder_due_at")
    )
    first_due = min(at for at in waiting.values() if at is not None)
    # The run's clock: ten minutes before anything the data holds falls due.
    offset = first_due - timedelta(minutes=10) - timezone.now()
    start = timezone.now() + offset + LATE_FIRST
    step = LATE_SPREAD / (LATE_TICKETS - 1)
    chosen = _late_tickets([start + step * i for i in range(LATE_TICKETS)])
    schedule = _db.ROOT / "var" / "bench" / "beat-schedule"
    schedule.parent.mkdir(parents=True, exist_ok=True)
    schedule.unlink(missing_ok=True)
    processes = [
        _start(
            "worker", "--queues=deadlines,email", "--concurrency=2", "-n", "bench@%h", offset=offset
        ),
        _start("beat", f"--schedule={schedule}", offset=offset),
    ]
    print(
        f"{len(chosen)} tickets fall due from {LATE_FIRST.seconds} s to "
        f"{(LATE_FIRST + LATE_SPREAD).seconds} s from now; worker and beat started "
        f"(their clock {offset} off).",
        flush=True,
    )
    ids = [ticket.pk for ticket in chosen]
    try:
        give_up = time.monotonic() + (LATE_FIRST + LATE_SPREAD).seconds + 180
        done = Ticket.objects.filter(pk__in=ids, breached_at__isnull=False)
        while done.count() < len(ids) and time.monotonic() < give_up:
            time.sleep(2)
    finally:
        for process in processes:
            _stop(process)
        rows = list(Ticket.objects.filter(pk__in=ids).values_list("callback_due_at", "breached_at"))
        _late_tickets_delete(chosen)
    late = sorted((b - d).total_seconds() for d, b in rows if b is not None)
    missing = len(ids) - len(late)
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
