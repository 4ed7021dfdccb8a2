"""What the provider tells us became of an email: delivered, bounced, complained, opened.

Anymail's tracking webhook normalises each provider's payload into an event;
``delivery_event_record`` stores it once (a provider posts an event again
when our answer is slow) and moves the outbox row it names. Events arrive out
of order, so a row's status only ever moves forward: a late "delivered" after
a bounce changes nothing.
"""

import hashlib
import logging
from datetime import datetime

from anymail.signals import AnymailTrackingEvent, EventType
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import ngettext

from notifications.models import STAFF_KINDS, DeliveryEvent, Notification, NotificationStatus
from recovery.choices import EventKind
from recovery.workflow import event_record

logger = logging.getLogger(__name__)

S = NotificationStatus

# An email's fate, in the only order it may move in.
FORWARD = (S.SENT, S.DELIVERED, S.BOUNCED, S.COMPLAINED)

# The provider's event → the status it moves the row to. "rejected" and
# "failed" mean the provider gave up on it: to the agent, the same as a bounce.
# Deferred, queued, clicked and the like change nothing; opened is a date.
MOVES = {
    EventType.DELIVERED: S.DELIVERED,
    EventType.BOUNCED: S.BOUNCED,
    EventType.REJECTED: S.BOUNCED,
    EventType.FAILED: S.BOUNCED,
    EventType.COMPLAINED: S.COMPLAINED,
}


def event_id_of(event: AnymailTrackingEvent) -> str:
    """The provider's id for the event; for providers without one (Postmark's
    deliveries and opens), a hash of what makes it this event, so a repost
    still matches."""
    if event.event_id:
        return str(event.event_id)[:255]
    when = event.timestamp.isoformat() if event.timestamp else ""
    key = "|".join([event.message_id or "", event.event_type, when, event.recipient or ""])
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def delivery_event_record(*, event: AnymailTrackingEvent, esp_name: str) -> DeliveryEvent | None:
    """Store one tracking event, once, and move the outbox rows it is about.

    Returns the stored DeliveryEvent, or None when it was handled before. All
    rows with the provider's message id move together: a staff digest is one
    email standing for several rows.
    """
    esp = esp_name.lower().replace(" ", "_")
    rows = Notification.objects.none()
    if event.message_id:
        rows = Notification.objects.filter(provider_message_id=event.message_id)
        if event.recipient:
            rows = rows.filter(recipient__iexact=event.recipient)
    ids = list(rows.order_by("pk").values_list("pk", flat=True))
    stored, created = DeliveryEvent.objects.get_or_create(
        esp=esp,
        event_id=event_id_of(event),
        defaults={
            "notification_id": ids[0] if ids else None,
            "event_type": event.event_type,
            "message_id": (event.message_id or "")[:255],
            "recipient": (event.recipient or "")[:254],
            "description": event.description or event.mta_response or "",
            "occurred_at": event.timestamp or timezone.now(),
        },
    )
    if not created:
        return None
    if not ids:
        # Not one of ours, or an event that beat our own record of the send.
        logger.info("%s %s event for unknown message %r", esp, event.event_type, event.message_id)
        return stored
    if event.event_type == EventType.OPENED:
        Notification.objects.filter(pk__in=ids, opened_at__isnull=True).update(
            opened_at=stored.occurred_at
        )
    elif event.event_type in MOVES:
        _move(ids, MOVES[event.event_type], at=stored.occurred_at)
    return stored


def _move(ids: list[int], status: str, *, at: datetime) -> None:
    """Move the rows ``ids`` forward to ``status``; rows already past it keep theirs."""
    earlier = FORWARD[: FORWARD.index(status)]
    # Locked: a bounce and a complaint for one email arriving together
    # must not both read "sent" and both act on it.
    moving = list(Notification.objects.select_for_update().filter(pk__in=ids, status__in=earlier))
    changes: dict[str, str | datetime] = {"status": status}
    if status == S.DELIVERED:
        changes["delivered_at"] = at
    Notification.objects.filter(pk__in=[row.pk for row in moving]).update(**changes)
    if status == S.BOUNCED:
        for row in moving:
            if row.kind not in STAFF_KINDS:
                _tell_the_agent_to_call(row)


def _tell_the_agent_to_call(notification: Notification) -> None:
    """An internal note on the ticket: the customer did not get our email, so phone them."""
    with translation.override(settings.LANGUAGE_CODE):
        # The ticket page's banner says the same (templates/recovery/ticket.html).
        text = ngettext(
            "An email to %(address)s did not arrive: call the customer instead.",
            "%(n)s emails to %(address)s did not arrive: call the customer instead.",
            1,
        ) % {"address": notification.recipient, "n": 1}
    event_record(
        ticket=notification.ticket,
        kind=EventKind.NOTE,
        customer_visible=False,
        payload={"text": text, "email_bounced": notification.pk},
    )
