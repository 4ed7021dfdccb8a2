"""What we do about a complaint: the recovery ticket and its timeline.

Only ``recovery.workflow`` writes a ticket's status, priority or deadline
columns. Every change it makes writes a TicketEvent: the audit trail, the
timeline customers and agents see, and the source of the statistics.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from recovery.choices import OPEN_STATUSES, EventKind, Priority, Status


class SlaSettings(models.Model):
    """The callback promise, editable by managers. There is one row (pk=1)."""

    high_hours = models.PositiveSmallIntegerField(
        _("callback window for high priority (hours)"), default=24, validators=[MinValueValidator(1)]
    )
    standard_hours = models.PositiveSmallIntegerField(
        _("callback window for standard priority (hours)"),
        default=48,
        validators=[MinValueValidator(1)],
    )

    class Meta:
        verbose_name = _("SLA settings")
        verbose_name_plural = _("SLA settings")

    def __str__(self):
        return str(_("SLA settings"))

    @classmethod
    def current(cls):
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj

    def hours_for(self, priority):
        return self.high_hours if priority == Priority.HIGH else self.standard_hours


class Ticket(models.Model):
    """The work of winning one complainant back, from first call to follow-up."""

    complaint = models.OneToOneField(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="ticket"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW, editable=False
    )
    priority = models.CharField(
        _("priority"), max_length=16, choices=Priority.choices, editable=False
    )
    # When the customer must have been called back by; empty once they have.
    callback_due_at = models.DateTimeField(_("callback due"), null=True, editable=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("assignee"),
        editable=False,
    )
    opened_at = models.DateTimeField(_("opened at"), editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Bumped by every write in workflow.py; a write that expected another
    # version lost a race and is refused instead of overwriting.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            # The agents' queue and the deadline sweep read open tickets by
            # deadline; closed tickets (most of them, over time) stay out of it.
            models.Index(
                fields=["callback_due_at", "id"],
                name="ticket_open_due_idx",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
        ]

    def __str__(self):
        return self.complaint.reference

    @property
    def reference(self):
        return self.complaint.reference

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES


class TicketEvent(models.Model):
    """One thing that happened to a ticket. Written once, never edited or deleted."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(db_index=True)
    from_status = models.CharField(max_length=16, blank=True, default="")
    to_status = models.CharField(max_length=16, blank=True, default="")
    payload = models.JSONField(default=dict, blank=True)
    customer_visible = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [models.Index(fields=["ticket", "created_at"], name="event_ticket_time_idx")]

    def __str__(self):
        return f"{self.ticket_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"
