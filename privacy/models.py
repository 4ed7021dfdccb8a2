"""The record of what was done with a customer's personal data, holding none of it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PrivacyKind(models.TextChoices):
    EXPORT = "export", _("Export")
    ERASURE = "erasure", _("Erasure")
    RETENTION = "retention", _("Anonymised after the retention period")


class PrivacyVia(models.TextChoices):
    PAGE = "page", _("Customer page")
    COMMAND = "command", _("Command line")
    SWEEP = "sweep", _("Retention sweep")


class PrivacyAction(models.Model):
    """Who exported or erased whom, and when: the proof a request was met.

    The customer is a plain id, not a foreign key, and nothing else about them
    is kept: the row outlives the erasure it records without undoing it.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=PrivacyKind.choices)
    customer_id = models.PositiveIntegerField(_("customer"), db_index=True)
    # Empty for the command line and the retention sweep.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    via = models.CharField(_("via"), max_length=16, choices=PrivacyVia.choices)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("personal data action")
        verbose_name_plural = _("personal data actions")

    def __str__(self) -> str:
        return f"{self.kind} #{self.customer_id} {self.at:%Y-%m-%d %H:%M}"
