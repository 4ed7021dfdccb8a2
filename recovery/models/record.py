"""Fixing the record: the root causes managers keep, and merged duplicates.

An agent may correct a complaint's category and name its root cause (the
ticket's ``category`` and ``root_cause`` columns); the customer's own pick stays
on the complaint. A duplicate complaint is merged into another of the same
customer; the merge is a row of its own so that it can be undone for a while.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class RootCause(models.Model):
    """Why the complaint happened, from a list the managers keep (product defect, carrier...)."""

    name_en = models.CharField(_("name (English)"), max_length=100)
    name_fr = models.CharField(_("name (French)"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("offered to agents"), default=True)

    class Meta:
        ordering = ["position", "name_en"]
        verbose_name = _("root cause")
        verbose_name_plural = _("root causes")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.name_fr if (get_language() or "en").startswith("fr") else self.name_en


class TicketMerge(models.Model):
    """A duplicate ticket merged into another of the same customer, and its undoing.

    While ``undone_at`` is empty the merged ticket is closed (status ``merged``)
    and its reference, tracking link included, leads to the survivor, whose
    timeline, messages, attachments and emails show the merged one's too.
    ``status_before`` is what an undo gives back.
    """

    merged = models.ForeignKey(
        "recovery.Ticket", on_delete=models.CASCADE, related_name="merges_out"
    )
    into = models.ForeignKey("recovery.Ticket", on_delete=models.CASCADE, related_name="merges_in")
    status_before = models.CharField(max_length=16)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    merged_at = models.DateTimeField()
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-pk"]
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        constraints = [
            # A ticket is merged into one other at a time.
            models.UniqueConstraint(
                fields=["merged"],
                condition=models.Q(undone_at__isnull=True),
                name="ticket_merged_once",
            ),
            models.CheckConstraint(
                condition=~models.Q(merged=models.F("into")), name="ticket_merge_not_itself"
            ),
        ]
        indexes = [
            models.Index(
                fields=["into"],
                name="ticket_merge_into_idx",
                condition=models.Q(undone_at__isnull=True),
            )
        ]

    def __str__(self):
        return f"{self.merged_id} → {self.into_id}"
