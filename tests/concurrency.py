"""Run functions at the same moment, each in its own thread and database connection.

For the races the product must survive (two agents, two sweeps, a sweep and
a worker): they need real transactions (``django_db(transaction=True)``) so
each connection sees only what the others committed.
"""

import threading

from django.db import connection


def race(*functions):
    """Release the functions together; their outcomes in order (an exception raised is its outcome)."""
    barrier = threading.Barrier(len(functions))
    outcomes = [None] * len(functions)

    def run(index, function):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = function()
        except Exception as exc:  # noqa: BLE001 (the outcome is what the test checks)
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def race_cleanly(*functions):
    """As ``race``, for functions that must all succeed: their results."""
    outcomes = race(*functions)
    errors = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert errors == [], errors
    return outcomes
