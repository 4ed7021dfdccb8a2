"""The signals notifications acts on: recovery's events, and anymail's webhooks.

Recovery's ``events_recorded`` arrives inside the transaction that wrote the
events: the emails they owe are written to the outbox in it (``owed``).

An exception in a webhook receiver makes anymail answer 500, and the provider
posts the event again later: each service stores its event once, so a repost
is harmless.
"""

from typing import Any

from anymail.signals import AnymailInboundEvent, AnymailTrackingEvent, inbound, tracking
from django.dispatch import receiver

from notifications.delivery import delivery_event_record
from notifications.inbound import inbound_email_receive
from notifications.owed import notifications_for_events
from recovery.models import TicketEvent
from recovery.signals import events_recorded


@receiver(tracking, dispatch_uid="notifications.tracking")
def on_tracking(sender: object, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any) -> None:
    delivery_event_record(event=event, esp_name=esp_name)


@receiver(inbound, dispatch_uid="notifications.inbound")
def on_inbound(sender: object, event: AnymailInboundEvent, esp_name: str, **kwargs: Any) -> None:
    inbound_email_receive(event=event, esp_name=esp_name)


@receiver(events_recorded, dispatch_uid="notifications.events_recorded")
def on_events_recorded(
    sender: object, events: list[TicketEvent], batch: bool = False, **kwargs: Any
) -> None:
    notifications_for_events(events, batch=batch)
