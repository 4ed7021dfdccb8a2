"""The legal moves of one ticket, and ``transition()``, which makes them.

``transition()`` writes one ticket's columns through ``recovery.workflow.columns``
(as the sweep's bulk writes in ``recovery.workflow.bulk`` do), and every change
it makes writes a TicketEvent in the same transaction, announced to the apps
that act on it (``recovery.signals``). ``ALLOWED`` is the one table of legal
moves. The deadline rules (the 24/48-hour callback promise,
counted from the moment the customer submitted, its reminders; the follow-up
some days after the compensation is settled) are computed in ``recovery.sla``
and stored by this package and nowhere else. The steps an agent takes live in ``recovery.services`` and ``recovery.compensation``; they
all move tickets through ``transition()``.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from complaints.services import attachments_store
from complaints.uploads import Checked
from recovery.choices import OPEN_STATUSES, CompensationStatus, EventKind, Status
from recovery.errors import IllegalTransition, StaleTicket
from recovery.merges import merge_survivor_id
from recovery.models import Compensation, Ticket, TicketEvent
from recovery.signals import events_announce
from recovery.sla import callback_columns, priority_for_complaint
from recovery.workflow.columns import due_at_for, tickets_write
from recovery.workflow.reading import HANDOVER_COLUMNS, ticket_customer_message_mark
from recovery.workflow.reply import ticket_reply_answered, ticket_reply_owed
from shared.roles import Actor

S = Status
CS = CompensationStatus

# Every legal move, and the action that makes it; anything else is refused.
# There are no shortcuts: each step has its own evidence (the call, the
# apology, the ledger), so acknowledged → compensated, say, is refused: an
# apology comes first, and a gesture without one reads as a bribe. "No
# compensation" is a ledger line with a reason, so that path too goes through
# `compensated`, which means "the remedy is decided and on the ledger"
# (proposed, not necessarily handed over). The status moves on the proposal,
# but it is not what anybody is shown while a line waits for approval: pages
# and the API show ticket_stage(), which says "awaiting approval" until a
# remedy is approved. A further gesture during follow-up takes the ticket back
# to `compensated` until it is settled. Only a resolved ticket reopens; a
# ticket closed as invalid (spam, duplicate, not a complaint) stays closed. An unhappy follow-up survey answer (recovery.survey)
# sends a ticket in follow-up back to `acknowledged` for a second attempt: the
# contact is made, the apology and remedy are to be done again. `merged` is in
# no pair: a ticket gets there only by being merged into another complaint of
# the same customer (recovery.workflow.merge.ticket_merge, which writes two
# tickets and a TicketMerge row), and leaves it only by that merge's undoing;
# no step button, no transition() call, reaches or leaves it.
ALLOWED: dict[tuple[str, str], str] = {
    (S.NEW, S.ACKNOWLEDGED): "acknowledge",
    (S.ACKNOWLEDGED, S.APOLOGIZED): "apologize",
    (S.APOLOGIZED, S.COMPENSATED): "compensate",
    (S.FOLLOW_UP, S.COMPENSATED): "compensate",
    (S.COMPENSATED, S.FOLLOW_UP): "start_follow_up",
    (S.FOLLOW_UP, S.RESOLVED): "resolve",
    (S.FOLLOW_UP, S.ACKNOWLEDGED): "second_attempt",
    (S.RESOLVED, S.ACKNOWLEDGED): "reopen",
    **{(status, S.CLOSED_INVALID): "close_invalid" for status in OPEN_STATUSES},
}

# The stage shown for a compensated ticket whose ledger holds a line nobody has
# approved yet: the customer must not read "compensated" for a remedy a manager
# may still decline, and the agent sees what the ticket waits for.
AWAITING_APPROVAL = "awaiting_approval"


def ticket_stage(ticket: Ticket) -> str:
    """Where ``ticket`` stands for the people reading it: its status, or ``AWAITING_APPROVAL``.

    The status moves to compensated on the first proposal, because the
    workflow's question ("may it start the follow-up, be proposed to again?")
    is about the ledger being open; what a page calls the ticket is a different
    question, answered here once for the queue, the ticket page, the API and
    the customer's tracking page. A list that cannot read each ticket's ledger
    annotates ``awaiting_approval`` with ``awaiting_approval_exists()``; any
    other caller has the ledger prefetched (``.all()`` then costs no query).
    """
    if ticket.status != S.COMPENSATED:
        return ticket.status
    waiting = getattr(ticket, "awaiting_approval", None)
    if waiting is None:
        waiting = any(c.status == CS.PROPOSED for c in ticket.compensations.all())
    return AWAITING_APPROVAL if waiting else S.COMPENSATED


def awaiting_approval_exists() -> Exists:
    """``ticket_stage``'s question in SQL, for a list: does a line of the ticket wait for approval?"""
    return Exists(Compensation.objects.filter(ticket=OuterRef("pk"), status=CS.PROPOSED))


# Only transition() writes these; a service names the ones its step changes.
WORKFLOW_COLUMNS = frozenset(
    {
        "priority",
        "assignee",
        "callback_due_at",
        "callback_promised_at",
        "reminder_due_at",
        "reminders_sent",
        "escalated_at",
        "acknowledged_at",
        "follow_up_due_at",
        "resolved_at",
        "breached_at",
        "second_attempt_at",
        # The next-reply clock, paused and resumed by recovery.workflow.waiting.
        "reply_due_at",
        "reply_reminder_due_at",
        "awaiting_customer_since",
        "reply_remaining",
    }
)

# For the refusal message: "A ticket that is <current> cannot be <target>: <hint>"
_CURRENT: dict[str, Promise] = {
    S.NEW: _("new"),
    S.ACKNOWLEDGED: _("acknowledged"),
    S.APOLOGIZED: _("apologized for"),
    S.COMPENSATED: _("compensated"),
    S.FOLLOW_UP: _("in follow-up"),
    S.RESOLVED: _("resolved"),
    S.CLOSED_INVALID: _("closed as invalid"),
    S.MERGED: _("merged into another complaint"),
}
_TARGET: dict[str, Promise] = {
    S.NEW: _("made new again"),
    S.ACKNOWLEDGED: _("acknowledged"),
    S.APOLOGIZED: _("marked as apologized for"),
    S.COMPENSATED: _("compensated"),
    S.FOLLOW_UP: _("moved to follow-up"),
    S.RESOLVED: _("resolved"),
    S.CLOSED_INVALID: _("closed as invalid"),
    S.MERGED: _("merged"),
}
_HINT: dict[str, Promise] = {
    S.NEW: _("acknowledge it first."),
    S.ACKNOWLEDGED: _("apologize first."),
    S.APOLOGIZED: _("propose a compensation (or record that none is due) first."),
    S.COMPENSATED: _("settle the compensation and start the follow-up first."),
    S.FOLLOW_UP: _("resolve it first."),
    S.RESOLVED: _("reopen it first."),
    S.CLOSED_INVALID: _("it is closed for good."),
    S.MERGED: _("undo the merge first (possible for 7 days)."),
}


def illegal_move_message(from_status: str, to_status: str) -> str:
    if from_status == to_status:
        return _("This ticket is already %(current)s.") % {"current": _CURRENT[from_status]}
    if to_status == S.MERGED:
        return str(
            _("A ticket is merged only by merging it into another complaint of the customer.")
        )
    return _("A ticket that is %(current)s cannot be %(target)s: %(hint)s") % {
        "current": _CURRENT[from_status],
        "target": _TARGET[to_status],
        "hint": _HINT[from_status],
    }


def move_check(*, ticket: Ticket, to_status: str, expected_version: int | None = None) -> None:
    """Raise StaleTicket or IllegalTransition if ``ticket`` cannot move to ``to_status``.

    Services with a precondition of their own call this first, so that a
    ticket in the wrong status gets the table's message, not the precondition's.
    Staleness is checked first: an agent acting on an old page should reload,
    whatever the move.
    """
    if expected_version is not None and expected_version != ticket.version:
        raise StaleTicket()
    if (ticket.status, to_status) not in ALLOWED:
        raise IllegalTransition(illegal_move_message(ticket.status, to_status))


def transition(
    *,
    ticket: Ticket,
    actor: Actor,
    to_status: str | None = None,
    expected_version: int | None = None,
    changes: Mapping[str, Any] | None = None,
    kind: str = EventKind.STATUS,
    payload: Mapping[str, Any] | None = None,
    customer_visible: bool = False,
    at: datetime | None = None,
) -> TicketEvent:
    """Move ``ticket`` to ``to_status`` and/or write workflow ``changes``, with one event.

    The only writer of a ticket's status, priority, assignee and deadline
    columns. ``to_status=None`` changes columns (or only bumps the version,
    e.g. for a ledger change) without a move. The write is conditional on the
    version and status the caller read (``expected_version``, default the
    loaded one): of two agents acting at once one wins and the other gets
    StaleTicket, never a lost update. Returns the event; ``ticket`` is updated
    in place.
    """
    from_status = ticket.status
    if expected_version is None:
        expected_version = ticket.version
    columns = dict(changes or {})
    unknown = set(columns) - WORKFLOW_COLUMNS
    if unknown:
        raise ValueError(f"transition() does not write {sorted(unknown)}")
    if "assignee" in columns:
        # A new assignee has read none of the customer's messages (recovery.workflow.reading).
        columns |= HANDOVER_COLUMNS
    payload = dict(payload or {})
    if to_status is not None:
        move_check(ticket=ticket, to_status=to_status, expected_version=expected_version)
        payload.setdefault("action", ALLOWED[(from_status, to_status)])
        columns["status"] = to_status
    elif expected_version != ticket.version:
        raise StaleTicket()
    at = at or timezone.now()
    with transaction.atomic():
        row = Ticket.objects.filter(pk=ticket.pk, version=expected_version, status=from_status)
        if tickets_write(row, columns, at=at, ticket=ticket) != 1:
            raise StaleTicket()
        ticket.version = expected_version + 1
        # Announced with the ticket as it now stands: the emails the event owes read it.
        event = event_record(
            ticket=ticket,
            kind=kind,
            actor=actor,
            customer_visible=customer_visible,
            payload=payload,
            from_status=from_status if to_status else "",
            to_status=to_status or "",
            at=at,
        )
    return event


def event_record(
    *,
    ticket: Ticket,
    kind: str,
    actor: Actor = None,
    customer_visible: bool = False,
    payload: Mapping[str, Any] | None = None,
    from_status: str = "",
    to_status: str = "",
    at: datetime | None = None,
) -> TicketEvent:
    """Append one event to a ticket's timeline, and announce it (``recovery.signals``)."""
    event = TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        customer_visible=customer_visible,
        payload=payload or {},
        from_status=from_status,
        to_status=to_status,
        created_at=at or timezone.now(),
    )
    # An answer to the customer stops the reply clock, whichever step wrote it.
    ticket_reply_answered(ticket=ticket, event=event)
    events_announce([event])
    return event


def required_text(value: str | None, *, field: str, message: str | Promise) -> str:
    """``value`` stripped, or a ValidationError keyed by ``field`` if it is blank."""
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


@transaction.atomic
def ticket_open(*, complaint: Complaint, actor: Actor = None) -> Ticket:
    """Open the recovery ticket for a new complaint, with its callback deadline.

    The deadline is stored twice: ``callback_due_at`` is cleared when the
    promise is met, ``callback_promised_at`` keeps it for the statistics.
    """
    priority = priority_for_complaint(complaint=complaint)
    deadlines = callback_columns(submitted_at=complaint.submitted_at, priority=priority)
    ticket = Ticket(
        complaint=complaint,
        status=Status.NEW,
        priority=priority,
        opened_at=complaint.submitted_at,
        **deadlines,
    )
    ticket.due_at = due_at_for({}, ticket=ticket)
    ticket.save(force_insert=True)
    event_record(
        ticket=ticket,
        kind=EventKind.OPENED,
        actor=actor,
        customer_visible=True,
        to_status=Status.NEW,
        payload={"channel": complaint.channel, "priority": priority},
        at=complaint.submitted_at,
    )
    return ticket


@transaction.atomic
def ticket_reopen(
    *,
    ticket: Ticket,
    actor: Actor,
    reason: str,
    expected_version: int | None = None,
    notify_assignee: bool = True,
    extra: Mapping[str, Any] | None = None,
) -> TicketEvent:
    """Take a resolved ticket back to acknowledged, because the customer is not done.

    The first contact already happened, so no new callback promise is made;
    the follow-up date and resolution time are cleared, and the event asks for
    the assignee to be told (``notify_assignee``; delivery is a later issue).
    The ledger stays as it was: a further gesture goes through apology and
    compensation again.
    """
    reason = required_text(reason, field="reason", message=_("Say why the ticket is reopened."))
    return transition(
        ticket=ticket,
        actor=actor,
        to_status=Status.ACKNOWLEDGED,
        expected_version=expected_version,
        changes={"resolved_at": None, "follow_up_due_at": None},
        payload={"reason": reason, "notify_assignee": notify_assignee, **(extra or {})},
        customer_visible=True,
    )


@transaction.atomic
def ticket_customer_message(
    *,
    ticket: Ticket,
    text: str,
    source: str = "tracking_page",
    attachments: Sequence[Checked] = (),
) -> TicketEvent:
    """Record a message the customer sent us, tell its agent; on a resolved ticket, reopen it.

    The row is locked first: the customer cannot be told to reload, so their
    message waits for any agent's write in progress instead of losing a race.
    A message to a merged complaint (a reply to an old email, a page open
    since) goes to the complaint it joined, which the agents are working.
    Files sent with it (``attachments``, already checked by
    ``complaints.uploads.uploads_check``) are the customer's: saved on that
    complaint without ``added_by``, their ids in the event's payload.
    """
    pk = merge_survivor_id(ticket) if ticket.status == Status.MERGED else None
    ticket = Ticket.objects.select_for_update().get(pk=pk or ticket.pk)
    payload: dict[str, Any] = {"text": text, "source": source}
    if attachments:
        stored = attachments_store(complaint=ticket.complaint, files=attachments)
        payload["attachments"] = [a.pk for a in stored]
    event = event_record(
        ticket=ticket,
        kind=EventKind.CUSTOMER_MESSAGE,
        customer_visible=True,
        payload=payload,
    )
    # Unread for the assignee until they open the ticket (recovery.workflow.reading).
    ticket_customer_message_mark(ticket=ticket, at=event.created_at)
    if ticket.status == Status.RESOLVED:
        ticket_reopen(
            ticket=ticket,
            actor=None,
            reason="customer_message",
            extra={"message_event": event.pk},
        )
    # Once acknowledged, the message owes an answer (recovery.workflow.reply).
    ticket_reply_owed(ticket=ticket, at=event.created_at)
    return event
