"""Shared set-up for the benchmarks: a PostgreSQL database of their own, filled in bulk.

Each benchmark runs against ``amends_bench`` (override with BENCH_DATABASE_URL),
migrated once and filled with set-based INSERT ... SELECT (customers,
complaints, events, ledger, surveys) and ``bulk_create`` (the tickets, each
written whole in its final state: only ``recovery.workflow`` updates a ticket),
so a million tickets load in minutes instead of an hour of ORM calls.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault(
    "DATABASE_URL",
    os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/amends_bench"),
)
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/13")
os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/13")
os.environ.setdefault("STATIC_MANIFEST", "0")
# The figures, not a log line per request (each request's line is INFO, config/logs.py).
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Production settings (DEBUG off) refuse to start without a key; the bench's data is throwaway.
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("AMENDS_VAR_DIR", str(ROOT / "var" / "bench"))


def create_database():
    """Create the benchmark database if it is missing."""
    import psycopg2
    from psycopg2 import sql

    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def setup_django():
    create_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def percentile(samples, p):
    ordered = sorted(samples)
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def summarize(name, samples_ms, extra=""):
    return (
        f"{name:<34} n={len(samples_ms):<4} p50={statistics.median(samples_ms):7.1f} ms  "
        f"p95={percentile(samples_ms, 95):7.1f} ms  max={max(samples_ms):7.1f} ms {extra}"
    )


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.ms = (time.perf_counter() - self.start) * 1000
