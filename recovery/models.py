"""What we do about a complaint: the recovery ticket, its timeline and its ledger.

Only ``recovery.workflow.transition()`` writes a ticket's status, priority,
assignee or deadline columns. Every change writes a TicketEvent: the audit
trail, the timeline customers and agents see, and the source of the
statistics. Callback attempts and compensations are written only by the
services in ``recovery.services`` and ``recovery.compensation``.
"""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from recovery.choices import (
    AMOUNT_REQUIRED_KINDS,
    NO_AMOUNT_KINDS,
    OPEN_STATUSES,
    CallbackOutcome,
    CompensationKind,
    CompensationStatus,
    EventKind,
    Priority,
    Status,
)

# ISO 4217 alphabetic code, e.g. EUR, USD, GBP.
CURRENCY_RE = r"^[A-Z]{3}$"
currency_validator = RegexValidator(
    CURRENCY_RE, _("Enter a three-letter ISO 4217 currency code, such as EUR."), code="currency"
)


class SlaSettings(models.Model):
    """The callback promise, editable by managers. There is one row (pk=1)."""

    high_hours = models.PositiveSmallIntegerField(
        _("callback window for high priority (hours)"),
        default=24,
        validators=[MinValueValidator(1)],
    )
    standard_hours = models.PositiveSmallIntegerField(
        _("callback window for standard priority (hours)"),
        default=48,
        validators=[MinValueValidator(1)],
    )
    follow_up_days = models.PositiveSmallIntegerField(
        _("follow-up after compensation (days)"), default=7, validators=[MinValueValidator(1)]
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
    # The deadline as first promised, kept after the callback so statistics can
    # tell how early or late it came (callback_due_at is cleared then).
    callback_promised_at = models.DateTimeField(
        _("callback promised by"), null=True, editable=False
    )
    # The first human contact: the moment the callback promise was met.
    # The next deadline of any kind (workflow.next_due_at): the queue's order.
    due_at = models.DateTimeField(_("next due"), null=True, editable=False)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, editable=False)
    # When to ask the customer whether the remedy worked; set once every
    # compensation is settled, cleared when the ticket is resolved.
    follow_up_due_at = models.DateTimeField(_("follow-up due"), null=True, editable=False)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, editable=False)
    # Set by the deadline sweep (a later issue) when the promise was broken.
    breached_at = models.DateTimeField(_("breached at"), null=True, editable=False)
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
            # The deadline sweep asks for open tickets whose callback is due;
            # closed tickets (most of them, over time) stay out of the index.
            models.Index(
                fields=["callback_due_at", "id"],
                name="ticket_open_due_idx",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            # The agents' queue (recovery.queue.ticket_queue) reads open
            # tickets in due order and stops after a page: one index range scan
            # whatever the number of tickets. "Mine" has its own, led by assignee.
            models.Index(
                fields=["due_at", "id"],
                name="ticket_queue_idx",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            models.Index(
                fields=["assignee", "due_at", "id"],
                name="ticket_queue_assignee_idx",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            # The queue's "breached" counter and filter: the few open tickets
            # the deadline sweep marked.
            models.Index(
                fields=["breached_at"],
                name="ticket_open_breached_idx",
                condition=models.Q(status__in=OPEN_STATUSES, breached_at__isnull=False),
            ),
            # The follow-up list reads open tickets by follow-up date; only
            # the few with a follow-up scheduled belong in it.
            models.Index(
                fields=["follow_up_due_at", "id"],
                name="ticket_follow_up_due_idx",
                condition=models.Q(status__in=OPEN_STATUSES, follow_up_due_at__isnull=False),
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


class ImmutableQuerySet(models.QuerySet):
    """Refuses bulk edits and deletes: the timeline is an audit trail."""

    def update(self, **kwargs):
        raise TypeError("Ticket events are never edited.")

    def delete(self):
        raise TypeError("Ticket events are never deleted.")


class TicketEvent(models.Model):
    """One thing that happened to a ticket. Written once, never edited or deleted.

    ``payload["text"]`` is what a customer-visible event shows the customer
    (an apology, a message); every other payload key is for agents only.
    """

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

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [models.Index(fields=["ticket", "created_at"], name="event_ticket_time_idx")]

    def __str__(self):
        return f"{self.ticket_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Ticket events are never edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Ticket events are never deleted.")


class CallbackAttempt(models.Model):
    """One call an agent made to keep the callback promise, whatever came of it.

    Only a call that reached the customer acknowledges the ticket; the others
    show that somebody tried, and when.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="callback_attempts")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    # E.164, e.g. +33612345678.
    number_called = models.CharField(_("number called"), max_length=20)
    outcome = models.CharField(_("outcome"), max_length=16, choices=CallbackOutcome.choices)
    note = models.TextField(_("note"), blank=True, default="")
    created_at = models.DateTimeField(_("called at"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("callback attempt")
        verbose_name_plural = _("callback attempts")
        indexes = [models.Index(fields=["ticket", "created_at"], name="callback_ticket_time_idx")]

    def __str__(self):
        return f"{self.number_called} {self.outcome} {self.created_at:%Y-%m-%d %H:%M}"


class ApprovalLimit(models.Model):
    """How much an agent may approve alone, per currency. Managers approve any amount.

    No row for a currency means agents approve nothing in it: a new currency
    needs a manager's decision before agents can hand out money in it.
    """

    currency = models.CharField(
        _("currency"), max_length=3, unique=True, validators=[currency_validator]
    )
    agent_limit = models.DecimalField(
        _("agents may approve up to"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        ordering = ["currency"]
        verbose_name = _("approval limit")
        verbose_name_plural = _("approval limits")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agent_limit__gte=0), name="approval_limit_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(currency__regex=CURRENCY_RE), name="approval_limit_iso_currency"
            ),
        ]

    def __str__(self):
        return f"{self.currency} {self.agent_limit}"


class Compensation(models.Model):
    """One line of a ticket's compensation ledger: a gesture, or a reasoned "none".

    A gesture goes proposed → approved → fulfilled, or ends declined. Kind
    ``none`` is recorded straight as fulfilled: there is nothing to approve or
    hand over, only the written reason why nothing is due.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="compensations")
    kind = models.CharField(_("kind"), max_length=16, choices=CompensationKind.choices)
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(
        _("currency"), max_length=3, blank=True, default="", validators=[currency_validator]
    )
    # What the customer asked for, as it stood when this was proposed.
    remedy_sought = models.TextField(_("remedy wanted"), blank=True, default="")
    description = models.TextField(_("description"), blank=True, default="")
    reason = models.TextField(_("reason"), blank=True, default="")
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CompensationStatus.choices,
        default=CompensationStatus.PROPOSED,
    )
    decline_reason = models.TextField(_("why it was declined"), blank=True, default="")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True)
    fulfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    declined_at = models.DateTimeField(_("declined at"), null=True)

    class Meta:
        ordering = ["proposed_at", "pk"]
        verbose_name = _("compensation")
        verbose_name_plural = _("compensations")
        # The services check all of this first, with friendlier messages; the
        # database keeps the ledger sound whatever writes to it.
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gt=0),
                name="compensation_amount_positive",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(amount__isnull=True, currency="")
                    | models.Q(amount__isnull=False, currency__regex=CURRENCY_RE)
                ),
                name="compensation_amount_has_currency",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=NO_AMOUNT_KINDS) | models.Q(amount__isnull=True),
                name="compensation_kind_takes_no_amount",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=AMOUNT_REQUIRED_KINDS)
                | models.Q(amount__isnull=False),
                name="compensation_kind_needs_amount",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=CompensationKind.NONE) | ~models.Q(reason=""),
                name="compensation_none_has_reason",
            ),
        ]

    def __str__(self):
        if self.amount is None:
            return self.get_kind_display()
        return f"{self.get_kind_display()} {self.amount} {self.currency}"
