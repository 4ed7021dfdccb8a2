"""Anymail's webhook signals, handed to the services that act on them.

An exception here makes anymail answer 500, and the provider posts the event
again later: each service stores its event once, so a repost is harmless.
"""

from anymail.signals import inbound, tracking
from django.dispatch import receiver

from notifications.delivery import delivery_event_record
from notifications.inbound import inbound_email_receive


@receiver(tracking, dispatch_uid="notifications.tracking")
def on_tracking(sender, event, esp_name, **kwargs):
    delivery_event_record(event=event, esp_name=esp_name)


@receiver(inbound, dispatch_uid="notifications.inbound")
def on_inbound(sender, event, esp_name, **kwargs):
    inbound_email_receive(event=event, esp_name=esp_name)
