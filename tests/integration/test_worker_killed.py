"""A worker killed (SIGKILL) while it holds a breach: the work is done once, after all.

The worker is a real ``celery worker`` process with the prefork pool, as in
production. The test makes it hold its task deterministically: it locks the
ticket's row from a connection of its own, so the task's breach waits on that
lock; the test sees the wait in ``pg_stat_activity``, kills, and lets go.

Two deaths, two ways back:

- The whole worker dies (its process group). With acks_late Redis keeps the
  message among the unacked and hands it out again after the visibility
  timeout (an hour in settings.py). Until then the every-minute sweep, which
  reads the deadline from the database, does the work; the redelivered
  message then finds nothing to do.
- Only the pool process dies (the OOM killer's choice). The worker's main
  process survives and, with reject_on_worker_lost, requeues the task at once.
"""

import os
import shutil
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import psycopg2
import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection
from django.utils import timezone

from config.celery import app
from notifications.models import Notification, NotificationKind
from recovery.choices import EventKind
from recovery.models import Ticket
from recovery.tasks import breach_if_due, enforce_deadlines
from tests.factories import ManagerFactory, ticketed_complaint
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

PROJECT = Path(__file__).resolve().parents[2]
# The worker's database sessions carry this name in pg_stat_activity.
WORKER_DB_NAME = "amends-killed-worker"


def own_connection(*, autocommit=False):
    """A connection of the test's own, outside Django's: to hold a lock, or to watch."""
    db = connection.settings_dict
    conn = psycopg2.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
    )
    conn.autocommit = autocommit
    return conn


def database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}?application_name={WORKER_DB_NAME}"
    )


class Scene:
    """A due ticket, its row locked by the test, and a worker process about to block on it."""

    def __init__(self, broker, log_path):
        self.broker = broker
        self.log_path = log_path
        self.ticket = ticketed_complaint(
            ticket={"callback_due_at": timezone.now() - timedelta(minutes=1)}
        ).ticket
        # The observer is in autocommit: inside a transaction PostgreSQL keeps
        # showing the first snapshot of pg_stat_activity.
        self.holder, self.observer = own_connection(), own_connection(autocommit=True)
        with self.holder.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM recovery_ticket WHERE id = %s FOR UPDATE", [self.ticket.pk]
            )
        with open(log_path, "w") as log:
            self.worker = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "celery"),
                    *("-A", "config", "worker", "--pool=prefork", "--concurrency=1"),
                    *("--queues=deadlines", "-n", "killme@%h", "--loglevel=INFO"),
                    *("--without-gossip", "--without-mingle", "--without-heartbeat"),
                ],
                cwd=PROJECT,
                env={**os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": broker.url},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a process group of its own, pool included
            )
        breach_if_due.apply_async(args=[self.ticket.pk])

    def sessions(self, *, blocked=False):
        """The worker's live database sessions (only those waiting on the test's lock)."""
        with self.observer.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s"
                " AND (NOT %s OR (wait_event_type = 'Lock' AND %s = ANY(pg_blocking_pids(pid))))",
                [WORKER_DB_NAME, blocked, self.holder.get_backend_pid()],
            )
            return [row[0] for row in cursor.fetchall()]

    def wait_until_the_worker_holds_the_task(self):
        assert wait_for(lambda: self.sessions(blocked=True), seconds=30), (
            f"the worker never waited on the ticket's lock:\n{self.log_path.read_text()}"
        )

    def pool_process(self):
        listed = subprocess.run(
            [shutil.which("ps"), "-o", "pid=", "--ppid", str(self.worker.pid)],
            capture_output=True,
            text=True,
            check=False,
        )
        (pid,) = listed.stdout.split()  # --concurrency=1: one pool process
        return int(pid)

    def kill_worker(self):
        if self.worker.poll() is None:
            os.killpg(self.worker.pid, signal.SIGKILL)
            self.worker.wait(timeout=10)

    def release(self):
        self.holder.rollback()

    def close(self):
        self.kill_worker()
        self.holder.close()
        self.observer.close()


@pytest.fixture
def managers():
    return ManagerFactory.create_batch(2)


@pytest.fixture
def scene(private_broker, tmp_path):
    scene = Scene(private_broker, tmp_path / "worker.log")
    try:
        yield scene
    finally:
        scene.close()


@pytest.fixture
def killed_mid_breach(scene):
    """A due ticket whose breach task was taken by a worker that was then SIGKILLed, whole.

    When it returns, the killed worker's database session is gone (its
    transaction rolled back) and its message is parked in Redis among the unacked.
    """
    scene.wait_until_the_worker_holds_the_task()
    scene.kill_worker()
    scene.release()
    # The session of a dead client ends as soon as its lock wait does.
    assert wait_for(lambda: not scene.sessions()), "the killed worker's session lives on"
    broker = scene.broker.client()
    assert broker.hlen("unacked") == 1, "the killed worker's message should wait in Redis"
    assert broker.llen("deadlines") == 0
    assert Ticket.objects.get(pk=scene.ticket.pk).breached_at is None
    return scene.ticket


def breached(ticket):
    return Ticket.objects.filter(pk=ticket.pk, breached_at__isnull=False).exists()


def assert_breached_once(ticket, managers):
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.breached_at is not None
    assert stored.events.filter(kind=EventKind.BREACHED).count() == 1
    emails = Notification.objects.filter(ticket=stored)
    alerts = emails.filter(kind=NotificationKind.BREACH_ALERT)
    assert sorted(alerts.values_list("recipient", flat=True)) == sorted(m.email for m in managers)
    assert emails.filter(kind=NotificationKind.DEADLINE_MISSED).count() == 1


def ran(task_runs, name, args=()):
    return lambda: (name, tuple(args)) in task_runs


def worker_thread():
    return start_worker(
        app, perform_ping_check=False, queues=["deadlines"], pool="solo", shutdown_timeout=10
    )


def test_a_breach_held_by_a_killed_worker_is_done_once_by_the_next_sweep(
    managers, killed_mid_breach, private_broker, task_runs
):
    ticket = killed_mid_breach
    with worker_thread():
        enforce_deadlines.apply_async()
        assert wait_for(ran(task_runs, "recovery.enforce_deadlines"))
    assert_breached_once(ticket, managers)
    # The sweep did it from the database, with the killed worker's message still parked.
    assert private_broker.client().hlen("unacked") == 1


def test_the_killed_workers_task_redelivered_to_a_new_worker_breaches_once(
    managers, killed_mid_breach, task_runs, transport_options
):
    ticket = killed_mid_breach
    # Settings give Redis an hour before it hands an unacked message out again;
    # this new worker's Redis channel is told a second, so the hour passes now.
    transport_options(visibility_timeout=1, unacked_restore_interval=1, unacked_restore_throttle=1)
    with worker_thread():
        assert wait_for(ran(task_runs, "recovery.breach_if_due", [ticket.pk]))
        assert_breached_once(ticket, managers)
        enforce_deadlines.apply_async()
        assert wait_for(ran(task_runs, "recovery.enforce_deadlines"))
    assert_breached_once(ticket, managers)


def test_a_pool_process_killed_mid_breach_is_replaced_and_the_requeued_task_breaches_once(
    managers, scene
):
    scene.wait_until_the_worker_holds_the_task()
    os.kill(scene.pool_process(), signal.SIGKILL)
    scene.release()
    assert wait_for(lambda: breached(scene.ticket), seconds=30), (
        f"the requeued task never breached the ticket:\n{scene.log_path.read_text()}"
    )
    # Done and acknowledged: nothing left to run again.
    broker = scene.broker.client()
    assert wait_for(lambda: broker.hlen("unacked") == 0 and broker.llen("deadlines") == 0)
    assert_breached_once(scene.ticket, managers)
    assert scene.worker.poll() is None  # the worker itself lived on
