"""The project's own tasks, where Celery's autodiscovery looks for them (``<app>.tasks``)."""

from config.password_reset import password_reset_email

__all__ = ["password_reset_email"]
