"""The Celery app: configured from Django's settings, finding each app's ``tasks`` module.

Queueing work goes through ``shared.tasks`` (after commit, never raising);
tasks are declared with ``shared_task``, so no app imports this module.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("amends")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
