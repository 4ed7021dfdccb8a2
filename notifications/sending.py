"""Sending an outbox email exactly once: claim the row, render, hand it to the provider, record.

The send task (``notifications.tasks``) calls ``notification_send`` with a
row's id; whoever claims the row sends it, every other caller returns.
"""

import logging
from datetime import timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from notifications import digest, emails, failures
from notifications.models import STAFF_KINDS, Notification, NotificationStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Staff alerts for one person created this close together go out as one email
# (a sweep writes them in one go); a digest lists at most so many.
DIGEST_WINDOW = timedelta(minutes=5)
DIGEST_LIMIT = 50


def notification_claim(notification_id: int) -> list[int]:
    """Move a pending row to sending; return the ids claimed, empty for every other caller.

    The row is claimed by a conditional update, so of two workers (or a
    redelivered task) exactly one goes on. A staff alert takes with it the
    same person's other pending staff alerts from the last few minutes, to go
    out as one email. Those are locked in id order, skipping any another
    worker holds, so overlapping digests never wait on each other (no
    deadlock) and no row is claimed twice.
    """
    now = timezone.now()
    claim = {"status": NotificationStatus.SENDING, "attempts": F("attempts") + 1, "claimed_at": now}
    with transaction.atomic():
        pending = Notification.objects.filter(status=NotificationStatus.PENDING)
        if pending.filter(pk=notification_id).update(**claim) != 1:
            return []
        own = Notification.objects.values("kind", "recipient").get(pk=notification_id)
        if own["kind"] not in STAFF_KINDS:
            return [notification_id]
        others = list(
            pending.filter(
                kind__in=STAFF_KINDS,
                recipient=own["recipient"],
                created_at__gte=now - DIGEST_WINDOW,
            )
            .order_by("pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[: DIGEST_LIMIT - 1]
        )
        pending.filter(pk__in=others).update(**claim)
    return [notification_id, *others]


def notification_send(*, notification_id: int) -> NotificationStatus | None:
    """Send one outbox email if it is still pending; return the row's new status.

    Only the caller whose claim succeeded sends. Several staff alerts claimed
    together go out as one digest, and share its outcome. A failure the
    provider may get over (5xx, timeout) puts the rows back to pending and
    raises ``SendDeferred`` for the task to retry, until the attempts column
    (in the row, so a poisonous task cannot loop) says failed; one it will
    not (4xx, a refused address) fails them at once. An email that cannot be
    rendered fails and raises: a broken template is a bug to see, not retry.
    """
    claimed = notification_claim(notification_id)
    if not claimed:
        return None
    rows = list(
        Notification.objects.select_related(
            "ticket__complaint__customer", "ticket__complaint__category"
        ).filter(pk__in=claimed)
    )
    notification = next(row for row in rows if row.pk == notification_id)
    try:
        subject, message = emails.build(notification) if len(rows) == 1 else digest.build(rows)
    except Exception as exc:
        _record_failure(claimed, exc, permanent=True)
        logger.exception("Notification %s cannot be rendered; marked failed.", notification_id)
        raise
    try:
        message.send()
    except Exception as exc:
        return _record_failure(claimed, exc, permanent=failures.is_permanent(exc), own=notification)
    if notification.recipient.lower() in {a.lower() for a in failures.refused_recipients(message)}:
        # The provider took the request but will not deliver to this address.
        status = message.anymail_status  # type: ignore[attr-defined]  # set by anymail's send
        error = f"The provider refused {notification.recipient}: {status!r}"
        return _record_failure(claimed, RuntimeError(error), permanent=True)
    Notification.objects.filter(pk__in=claimed, status=NotificationStatus.SENDING).update(
        status=NotificationStatus.SENT,
        subject=subject[:255],
        sent_at=timezone.now(),
        last_error="",
        provider_message_id=_provider_message_id(message, notification.recipient)[:255],
    )
    return NotificationStatus.SENT


def _provider_message_id(message: EmailMessage, recipient: str) -> str:
    """The provider's id for this email, which its tracking webhook quotes back; "" without one."""
    status = getattr(message, "anymail_status", None)
    if status is None:
        return ""
    own = (status.recipients or {}).get(recipient)
    message_id = own.message_id if own is not None else status.message_id
    return message_id if isinstance(message_id, str) else ""


def _record_failure(
    ids: list[int],
    exc: BaseException,
    *,
    permanent: bool,
    own: Notification | None = None,
) -> NotificationStatus:
    """Write down a failed send of the rows ``ids``: failed, or pending for another attempt.

    Returns FAILED when the rows are given up on; raises ``SendDeferred``
    (caused by ``exc``) when ``own`` is to be tried again.
    """
    # str(): anymail's errors carry the provider's answer there, not in repr().
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if failures.maybe_sent(exc):
        error = "The provider did not answer in time; it may have sent it. " + error
    sending = Notification.objects.filter(pk__in=ids, status=NotificationStatus.SENDING)
    if permanent:
        sending.update(status=NotificationStatus.FAILED, last_error=error)
        logger.error("Notifications %s failed for good: %s", ids, error)
        return NotificationStatus.FAILED
    sending.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=NotificationStatus.FAILED, last_error=error
    )
    # queued_at: the task's own retry comes within REQUEUE_AFTER; the sweep
    # requeues the rows only if that retry is lost.
    sending.update(status=NotificationStatus.PENDING, last_error=error, queued_at=timezone.now())
    logger.warning("Sending notifications %s failed, will retry: %s", ids, error)
    assert own is not None, "a send to retry names its own row"
    if own.attempts >= MAX_ATTEMPTS:
        return NotificationStatus.FAILED
    raise failures.SendDeferred(error) from exc
