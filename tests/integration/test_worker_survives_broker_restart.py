"""Redis restarts under a real worker: the worker stays up, reconnects and takes new work alone.

The worker is a ``celery worker`` process with the prefork pool and the
production flags (gossip, mingle, heartbeat on), pointed at a private
``redis-server`` and the test database. When Redis goes it holds an unacked
message, as it does most of the time in production: an ETA breach the sweep
scheduled, or a task running under acks_late while the worker still has room
for more (so it is also waiting in BRPOP). That is what used to kill it (see
``config.worker``).
"""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import psycopg2
import pytest
from django.db import connection
from django.utils import timezone

from recovery.choices import EventKind
from recovery.models import Ticket
from recovery.tasks import breach_if_due
from tests.factories import ManagerFactory, ticketed_complaint
from tests.integration.conftest import forget_broker_connections, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

PROJECT = Path(__file__).resolve().parents[2]
# Long enough for Redis to go and come back while the worker holds the task.
HELD_ETA_SECONDS = 120
DOWN_SECONDS = 5


def database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{db['USER']}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def lock_ticket_row(ticket):
    """Hold ``ticket``'s row from a connection of the test's own: its breach waits on it."""
    db = connection.settings_dict
    holder = psycopg2.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
    )
    with holder.cursor() as cursor:
        cursor.execute("SELECT id FROM recovery_ticket WHERE id = %s FOR UPDATE", [ticket.pk])
    return holder


def due_ticket():
    return ticketed_complaint(
        ticket={"callback_due_at": timezone.now() - timedelta(minutes=1)}
    ).ticket


def breached(ticket):
    return Ticket.objects.filter(pk=ticket.pk, breached_at__isnull=False).exists()


class Worker:
    """A ``celery worker`` subprocess whose output the test reads."""

    def __init__(self, broker, log_path):
        self.log_path = log_path
        with open(log_path, "w") as log:
            self.process = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "celery"),
                    *("-A", "config", "worker", "--pool=prefork", "--concurrency=2"),
                    *("--queues=deadlines,email,reports", "-n", "restart@%h", "--loglevel=INFO"),
                ],
                cwd=PROJECT,
                env={**os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": broker.url},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a process group of its own, pool included
            )

    def log(self):
        return self.log_path.read_text()

    def wait_for_log(self, text, *, count=1, seconds=30):
        assert wait_for(lambda: self.log().count(text) >= count, seconds=seconds), (
            f"the worker never logged {text!r} ({count}x):\n{self.log()}"
        )

    def alive(self):
        return self.process.poll() is None

    def stop(self):
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


@pytest.fixture
def worker(private_broker, tmp_path):
    worker = Worker(private_broker, tmp_path / "worker.log")
    try:
        # Importing Django and the apps takes a while on a busy machine.
        worker.wait_for_log("ready.", seconds=120)
        yield worker
    finally:
        worker.stop()


def test_worker_holding_a_task_survives_a_redis_restart_and_runs_what_is_published_after(
    private_broker, worker
):
    ManagerFactory()
    ticket = due_ticket()
    # An ETA breach for another ticket, as the sweep schedules them: the
    # worker keeps the message, unacked, until it is due.
    held = breach_if_due.apply_async(args=[ticket.pk + 1000], countdown=HELD_ETA_SECONDS)
    # This task's line: opening the tickets also queued their "complaint received" emails.
    worker.wait_for_log(f"[{held.id}] received")

    private_broker.stop()
    worker.wait_for_log("Connection to broker lost")
    time.sleep(DOWN_SECONDS)
    assert worker.alive(), f"the worker died when Redis went away:\n{worker.log()}"
    private_broker.start()

    forget_broker_connections()  # this process's pooled connection died with Redis
    breach_if_due.apply_async(args=[ticket.pk])
    assert wait_for(lambda: breached(ticket), seconds=45), (
        f"the worker never ran the breach published after the restart:\n{worker.log()}"
    )
    assert worker.alive()
    assert ticket.events.filter(kind=EventKind.BREACHED).count() == 1
    assert "Unrecoverable error" not in worker.log()


def test_task_finishing_while_redis_is_down_leaves_the_worker_running(private_broker, worker):
    ManagerFactory()
    running, later = due_ticket(), due_ticket()
    holder = lock_ticket_row(running)
    try:
        task = breach_if_due.apply_async(args=[running.pk])
        worker.wait_for_log(f"[{task.id}] received")
        private_broker.stop()
        worker.wait_for_log("Connection to broker lost")
    finally:
        holder.rollback()  # the task goes on, and finishes with Redis still away
        holder.close()
    assert wait_for(lambda: breached(running), seconds=30), worker.log()
    time.sleep(DOWN_SECONDS)
    assert worker.alive(), f"the worker died acking with Redis away:\n{worker.log()}"
    private_broker.start()

    forget_broker_connections()
    breach_if_due.apply_async(args=[later.pk])
    assert wait_for(lambda: breached(later), seconds=45), (
        f"the worker never ran the breach published after the restart:\n{worker.log()}"
    )
    assert worker.alive()
    assert "Unrecoverable error" not in worker.log()
