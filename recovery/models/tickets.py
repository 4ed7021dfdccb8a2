"""A recovery ticket, its timeline and its callback attempts.

Only ``recovery.workflow`` writes a ticket's status, priority, assignee or
deadline columns. Every change writes a TicketEvent: the audit trail, the
timeline customers and agents see, and the source of the statistics.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from recovery.choices import OPEN_STATUSES, CallbackOutcome, EventKind, Priority, Status

# The queue's sorts by status and priority (recovery.queue.SORTS) read these
# ranks, not the values' alphabet: the workflow's order, the most urgent first.
# Each is also the first key of its partial index below, and PostgreSQL uses an
# expression index only for the very same expression: change both together.
STATUS_ORDER = (Status.NEW, Status.ACKNOWLEDGED, Status.APOLOGIZED, Status.COMPENSATED)
PRIORITY_ORDER = (Priority.HIGH,)


def _rank(field: str, order: tuple[str, ...]) -> models.Case:
    return models.Case(
        *(models.When(**{field: value}, then=models.Value(i)) for i, value in enumerate(order)),
        default=models.Value(len(order)),
        output_field=models.IntegerField(),
    )


def status_rank() -> models.Case:
    """A ticket's status as its place in the workflow (new 0, ... follow-up and closed last)."""
    return _rank("status", STATUS_ORDER)


def priority_rank() -> models.Case:
    """A ticket's priority as its urgency (high 0, standard 1)."""
    return _rank("priority", PRIORITY_ORDER)


def unread_q() -> models.Q:
    """The customer wrote since the assignee last opened the ticket (or nobody has yet).

    The queue's unread marker and filter, and the condition of ``ticket_unread_idx``:
    the filter repeats it word for word, so PostgreSQL can use that small index.
    """
    return models.Q(customer_message_at__isnull=False) & (
        models.Q(assignee_read_at__isnull=True)
        | models.Q(assignee_read_at__lt=models.F("customer_message_at"))
    )


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
    # The next deadline of any kind (workflow/columns.py, DUE_SOURCES): the queue's order.
    due_at = models.DateTimeField(_("next due"), null=True, editable=False)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, editable=False)
    # When to ask the customer whether the remedy worked; set once every
    # compensation is settled, cleared when the ticket is resolved.
    follow_up_due_at = models.DateTimeField(_("follow-up due"), null=True, editable=False)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, editable=False)
    # Set once, by the deadline sweep, when the promise was broken.
    breached_at = models.DateTimeField(_("breached at"), null=True, editable=False)
    # The next reminder to the agents while the callback is owed, and how many
    # went out; cleared with the callback deadline.
    reminder_due_at = models.DateTimeField(_("next reminder"), null=True, editable=False)
    reminders_sent = models.PositiveSmallIntegerField(default=0, editable=False)
    # Breached while nobody had it: on the escalation list until assigned.
    escalated_at = models.DateTimeField(_("escalated at"), null=True, editable=False)
    # The follow-up survey said the recovery failed (a detractor, or "not
    # solved"): reopened for a second attempt, and marked so on the queue.
    second_attempt_at = models.DateTimeField(_("second attempt since"), null=True, editable=False)
    # The next-reply promise (issue: a deadline after the first call): once
    # acknowledged, a customer's message owes an answer by reply_due_at
    # (SlaSettings.reply_hours_for); an agent's message clears it. While we wait
    # on the customer (awaiting_customer_since) the clock is paused and
    # reply_remaining keeps what was left of it.
    reply_due_at = models.DateTimeField(_("reply due"), null=True, editable=False)
    reply_reminder_due_at = models.DateTimeField(
        _("next reply reminder"), null=True, editable=False
    )
    reply_breached_at = models.DateTimeField(_("reply missed at"), null=True, editable=False)
    awaiting_customer_since = models.DateTimeField(
        _("waiting on the customer since"), null=True, editable=False
    )
    reply_remaining = models.DurationField(null=True, editable=False)
    # The unread marker: the customer's last message, and when the assignee
    # last opened the ticket (cleared when the ticket changes hands).
    customer_message_at = models.DateTimeField(
        _("last message from the customer"), null=True, editable=False
    )
    assignee_read_at = models.DateTimeField(_("read by the assignee"), null=True, editable=False)
    # Fixing the record: the category an agent corrected it to (empty keeps the
    # customer's pick, complaint.category) and the root cause they named. The
    # review counts by coalesce(category, complaint.category).
    category = models.ForeignKey(
        "complaints.Category",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("corrected category"),
        editable=False,
    )
    root_cause = models.ForeignKey(
        "recovery.RootCause",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("root cause"),
        editable=False,
    )
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
    # Bumped by every write in recovery/workflow/ (columns.py); a write that expected another
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
            # The queue's other sorts on the ticket's own columns (recovery.queue.SORTS),
            # each read forwards or backwards and stopped after a page. The sorts on
            # a joined column (reference, customer, topic, assignee) cannot have one.
            models.Index(
                fields=["opened_at", "id"],
                name="ticket_queue_opened_idx",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            models.Index(
                priority_rank(),
                "due_at",
                "id",
                name="ticket_queue_priority_idx",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            models.Index(
                status_rank(),
                "due_at",
                "id",
                name="ticket_queue_status_idx",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            # The queue's "unread" filter: the few open tickets the customer
            # wrote to since their assignee last opened them.
            models.Index(
                fields=["due_at", "id"],
                name="ticket_unread_idx",
                condition=models.Q(status__in=OPEN_STATUSES) & unread_q(),
            ),
            # The queue's "breached" counter and filter: the few open tickets
            # the deadline sweep marked.
            models.Index(
                fields=["breached_at"],
                name="ticket_open_breached_idx",
                condition=models.Q(status__in=OPEN_STATUSES, breached_at__isnull=False),
            ),
            # The sweep's reminder pass: only tickets still owed a reminder.
            models.Index(
                fields=["reminder_due_at", "id"],
                name="ticket_reminder_due_idx",
                condition=models.Q(status__in=OPEN_STATUSES, reminder_due_at__isnull=False),
            ),
            # The escalation list: breached while unassigned, until somebody takes it.
            models.Index(
                fields=["due_at", "id"],
                name="ticket_escalated_idx",
                condition=models.Q(
                    status__in=OPEN_STATUSES, escalated_at__isnull=False, assignee__isnull=True
                ),
            ),
            # The sweep's next-reply passes: only tickets owing an answer or its reminder.
            models.Index(
                fields=["reply_due_at", "id"],
                name="ticket_reply_due_idx",
                condition=models.Q(status__in=OPEN_STATUSES, reply_due_at__isnull=False),
            ),
            models.Index(
                fields=["reply_reminder_due_at", "id"],
                name="ticket_reply_reminder_idx",
                condition=models.Q(status__in=OPEN_STATUSES, reply_reminder_due_at__isnull=False),
            ),
            # The follow-up list reads open tickets by follow-up date; only
            # the few with a follow-up scheduled belong in it.
            models.Index(
                fields=["follow_up_due_at", "id"],
                name="ticket_follow_up_due_idx",
                condition=models.Q(status__in=OPEN_STATUSES, follow_up_due_at__isnull=False),
            ),
            # The managers' review (review/selectors) counts each figure
            # at its own moment, open and closed tickets alike: promises due,
            # first contacts, breaches and resolutions of a period are ranges
            # of these, so a month reads a month of rows, not two years.
            models.Index(fields=["callback_promised_at"], name="ticket_promised_idx"),
            models.Index(
                fields=["acknowledged_at"],
                name="ticket_acknowledged_idx",
                condition=models.Q(acknowledged_at__isnull=False),
            ),
            models.Index(
                fields=["breached_at"],
                name="ticket_breached_idx",
                condition=models.Q(breached_at__isnull=False),
            ),
            models.Index(
                fields=["resolved_at"],
                name="ticket_resolved_idx",
                condition=models.Q(resolved_at__isnull=False),
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
    """Refuses bulk edits and deletes: the timeline is an audit trail.

    The model layer's guard; on PostgreSQL a trigger (recovery 0017) refuses
    the same in SQL, cascades included, save ``recovery.redaction``'s erasing.
    """

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
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="event_ticket_time_idx"),
            # The review's reopen rate: resolutions and reopenings of a period
            # (a reopening clears resolved_at, so only the timeline has them).
            models.Index(
                fields=["created_at"],
                name="event_resolution_idx",
                condition=models.Q(kind="status")
                & (models.Q(to_status="resolved") | models.Q(from_status="resolved")),
            ),
        ]

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
