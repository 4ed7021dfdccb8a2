from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    """The managers' review: indicators, breaches, agents and lessons, over live data or the daily summary."""

    name = "review"
    verbose_name = _("Review")

    def ready(self) -> None:
        # An erasure keeps each complaint's remedy bucket (privacy.signals).
        from review import receivers  # noqa: F401
