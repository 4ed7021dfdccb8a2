from pathlib import Path

from django.apps import AppConfig
from django.conf import settings
from django.contrib.admin.apps import AdminConfig


class AmendsAdminConfig(AdminConfig):
    """Django's admin, with the site that lets managers in (``config.admin``)."""

    default_site = "config.admin.AmendsAdminSite"


class ProjectConfig(AppConfig):
    """The project itself as an app, for what spans every app: ``manage.py seed_demo``.

    It makes the folders the settings name under ``var/`` (the embedded
    database, the file broker's, static files, mail, media) when a process
    starts, not when the settings are imported: a settings module that writes
    to disk cannot be read by a tool (mypy, a check) without side effects.
    """

    name = "config"
    label = "config"
    default = False

    def ready(self):
        from django.contrib import admin

        from config import user_admin, watchdog  # watchdog connects the sweep's heartbeat
        from config.celery import app
        from config.two_factor import receivers  # noqa: F401  (a code owed at sign-in)

        # Every worker watches the clock on its own timer (config/watchdog.py).
        app.steps["worker"].add(watchdog.ClockWatchdog)
        # Staff are deactivated, never deleted (their timelines are append-only).
        user_admin.register(admin.site)
        ensure_var_folders()


def ensure_var_folders():
    """Create the local folders the settings point at, if missing; idempotent."""
    folders = [settings.VAR_DIR, settings.STATIC_ROOT, settings.EMAIL_FILE_PATH]
    folders.append(Path(settings.MEDIA_ROOT))
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folders.append(Path(database["NAME"]).parent)
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    folders += [Path(options[key]) for key in FILE_BROKER_FOLDERS if key in options]
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)


# Where the embedded broker (kombu's filesystem transport) keeps its messages.
FILE_BROKER_FOLDERS = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")
