"""gunicorn's settings for production (``gunicorn -c config/gunicorn.py``): read from the environment.

With PROMETHEUS_MULTIPROC_DIR set, each worker's metrics live in files there
(config/metrics.py sums them on a scrape): the folder is emptied before the
workers start and a dead worker's live gauges are dropped.
"""

import os
import shutil
from pathlib import Path

from prometheus_client import multiprocess

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# The request line and status are in the app's own JSON log line (config/logs.py).
accesslog = None


def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
