"""What the worker and broker failure tests share: a Redis of their own, and a log of task runs.

A test that kills its broker, or leaves a message parked in it, must not do so
to the Redis every other test (and every other engineer) is using: it starts
a ``redis-server`` of its own on a free port and points Celery at it.
"""

import shutil
import socket
import subprocess
import time

import pytest
import redis
from celery.signals import task_postrun

from config.celery import app


def wait_for(condition, *, seconds=20):
    """Poll ``condition`` until true; the wait bounds a hang, it measures nothing."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A private ``redis-server`` that a test may stop and start again on the same port."""

    def __init__(self, directory):
        self.port = free_port()
        self.directory = directory
        self.process = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.directory)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(self.answers, seconds=10), f"redis-server did not start on {self.port}"

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def answers(self):
        try:
            return self.client().ping()
        except redis.ConnectionError:
            return False

    def client(self):
        return redis.Redis.from_url(self.url, socket_timeout=1)


def forget_broker_connections():
    """Drop the app's pooled publisher connections, so the next publish dials the current URL."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def private_broker(tmp_path, monkeypatch):
    """A running private Redis that this process's Celery app publishes to and consumes from."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(tmp_path)
    server.start()
    # Celery reads CELERY_BROKER_URL from the environment before its config.
    monkeypatch.setenv("CELERY_BROKER_URL", server.url)
    forget_broker_connections()
    try:
        yield server
    finally:
        server.stop()
        forget_broker_connections()


@pytest.fixture
def transport_options():
    """Change the app's broker transport options for one test (before a worker starts)."""
    original = app.conf.broker_transport_options

    def change(**options):
        app.conf.broker_transport_options = {**original, **options}

    yield change
    app.conf.broker_transport_options = original


@pytest.fixture
def task_runs():
    """(task name, args) of every task an in-process worker has finished, in order."""
    runs = []

    def record(task=None, args=None, **kwargs):
        runs.append((task.name, tuple(args or ())))

    task_postrun.connect(record, weak=False)
    yield runs
    task_postrun.disconnect(record)
