"""Thin tasks: load by id, call the service, return quietly when there is nothing to do."""

from celery import shared_task

from notifications.services import notification_send


@shared_task(
    name="notifications.send",
    autoretry_for=(Exception,),
    retry_backoff=10,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def send_notification(notification_id):
    """Send one outbox email; a row already sent or gone is left alone."""
    status = notification_send(notification_id=notification_id)
    return str(status) if status else None
