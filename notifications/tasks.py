"""Thin tasks: load by id, call the service, return quietly when there is nothing to do."""

from collections.abc import Iterable

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from notifications.failures import SendDeferred
from notifications.inbound.poll import inbound_poll as inbound_mailbox_poll
from notifications.sending import notification_send
from notifications.services import notifications_requeue_stale
from shared.tasks import publish


@shared_task(
    name="notifications.send",
    # Only what the service judged worth another try (and a database blip):
    # a refused address or a broken template fails the row at once, and
    # retrying would change nothing. Each retry re-claims the row and counts
    # an attempt in it: the row, not max_retries, stops a poisonous email.
    autoretry_for=(SendDeferred, OperationalError),
    retry_backoff=10,
    # Under the sweep's requeue delay, and no ETA is ever longer than 5 minutes.
    retry_backoff_max=240,
    retry_jitter=True,
    max_retries=5,
)
def send_notification(notification_id: int) -> str | None:
    """Send one outbox email (or a staff digest it heads); a row already sent or gone is left alone.

    Retried with exponential backoff and jitter, each wait at most four
    minutes, while the provider is unreachable or failing.
    """
    status = notification_send(notification_id=notification_id)
    return str(status) if status else None


@shared_task(name="notifications.send_many")
def send_notifications(notification_ids: Iterable[int]) -> None:
    """Fan a batch of outbox rows out to one send task each, so each retries on its own."""
    for notification_id in notification_ids:
        publish(send_notification, notification_id)


@shared_task(name="notifications.requeue_stale")
def requeue_stale() -> int:
    """The beat's every-minute look for emails a lost message or a dead worker left pending."""
    return notifications_requeue_stale(now=timezone.now())


@shared_task(name="notifications.inbound_poll")
def inbound_poll() -> int:
    """The beat's every-minute read of the complaints mailbox, when one is configured.

    Two runs overlapping are harmless: a message is stored once (unique
    Message-ID) and marked seen after its row commits.
    """
    return inbound_mailbox_poll()
