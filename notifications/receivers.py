"""The signals notifications acts on: recovery's events, and anymail's webhooks.

Recovery's ``events_recorded`` arrives inside the transaction that wrote the
events: the emails they owe are written to the outbox in it (``owed``).

An exception in a webhook receiver makes anymail answer 500, and the provider
posts the event again later: each service stores its event once, so a repost
is harmless.
"""

from anymail.signals import inbound, tracking
from django.dispatch import receiver

from notifications.delivery import delivery_event_record
from notifications.inbound import inbound_email_receive
from notifications.owed import notifications_for_events
from recovery.signals import events_recorded


@receiver(tracking, dispatch_uid="notifications.tracking")
def on_tracking(sender, event, esp_name, **kwargs):
    delivery_event_record(event=event, esp_name=esp_name)


@receiver(inbound, dispatch_uid="notifications.inbound")
def on_inbound(sender, event, esp_name, **kwargs):
    inbound_email_receive(event=event, esp_name=esp_name)


@receiver(events_recorded, dispatch_uid="notifications.events_recorded")
def on_events_recorded(sender, events, batch=False, **kwargs):
    notifications_for_events(events, batch=batch)
