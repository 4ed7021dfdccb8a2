from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # Connects recovery's events and the provider's webhooks to our services.
        from notifications import receivers  # noqa: F401
