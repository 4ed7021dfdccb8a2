"""The agents' steps on a ticket: calls, apology, follow-up, closing, assignment, notes.

Every status, assignee or deadline change goes through
``recovery.workflow.transition()``; these functions only decide what the step
means. Reaching the customer (the first contact, a second attempt's callback)
is in ``recovery.contact``, the compensation ledger in ``recovery.compensation``. Each step
takes ``expected_version``, the version the agent's page showed: if the
ticket changed since, the step raises StaleTicket and changes nothing. Every
event a step records is announced (``recovery.signals``); the emails it owes
are decided above, in ``notifications.owed``.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.uploads import Checked
from recovery.choices import EventKind, Status
from recovery.compensation import compensations_decline_pending
from recovery.contact import callback_attempt_record as callback_attempt_record
from recovery.contact import owes_second_callback as owes_second_callback
from recovery.contact import ticket_acknowledge as ticket_acknowledge
from recovery.errors import IllegalTransition, StaleTicket
from recovery.message_files import message_files_store
from recovery.models import Ticket, TicketEvent
from recovery.selectors import ledger_is_settled
from recovery.sla import follow_up_due_at
from recovery.survey_rounds import surveys_replace_waiting
from recovery.workflow import (
    event_record,
    move_check,
    required_text,
    transition,
)
from recovery.workflow import ticket_customer_message as ticket_customer_message
from recovery.workflow import ticket_priority_change as ticket_priority_change
from recovery.workflow import ticket_reopen as ticket_reopen
from recovery.workflow.record import ticket_category_correct as ticket_category_correct
from recovery.workflow.record import ticket_root_cause_record as ticket_root_cause_record
from shared.people import person_name
from shared.roles import Actor, is_agent


@transaction.atomic
def ticket_apologize(
    *, ticket: Ticket, actor: Actor, text: str, expected_version: int | None = None
) -> TicketEvent:
    """Record the apology given, in the words the customer will see on their timeline."""
    text = required_text(text, field="text", message=_("Write the apology you gave."))
    event = transition(
        ticket=ticket,
        actor=actor,
        to_status=Status.APOLOGIZED,
        expected_version=expected_version,
        payload={"text": text},
        customer_visible=True,
    )
    return event


@transaction.atomic
def ticket_start_follow_up(
    *, ticket: Ticket, actor: Actor, expected_version: int | None = None
) -> TicketEvent:
    """Move a compensated ticket to follow-up, once every compensation is settled.

    Settled means fulfilled, declined, or a "no compensation" line: nothing
    left waiting for approval or hand-over. ``follow_up_due_at`` was set when
    the ledger settled and is kept: the deadline sweep sends the survey, and
    the follow-up email linking to it, at that time (``surveys_send_due``), so
    the customer is asked once the remedy has arrived. A previous round's
    survey still waiting is closed now.
    """
    move_check(ticket=ticket, to_status=Status.FOLLOW_UP, expected_version=expected_version)
    if not ledger_is_settled(ticket=ticket):
        raise IllegalTransition(
            _("Fulfil or decline every compensation before starting the follow-up.")
        )
    at = timezone.now()
    changes: dict[str, Any] = {}
    if ticket.follow_up_due_at is None:
        changes["follow_up_due_at"] = follow_up_due_at(settled_at=at)
    event = transition(
        ticket=ticket,
        actor=actor,
        to_status=Status.FOLLOW_UP,
        expected_version=expected_version,
        changes=changes,
        at=at,
    )
    surveys_replace_waiting(ticket=ticket, at=at)
    return event


@transaction.atomic
def ticket_resolve(
    *,
    ticket: Ticket,
    actor: Actor,
    note: str = "",
    expected_version: int | None = None,
    extra: Mapping[str, Any] | None = None,
) -> TicketEvent:
    """Close a ticket in follow-up as resolved: the customer is won back, or as far as we can.

    ``note`` (internal) records how the follow-up went; ``extra`` adds to the
    event's payload (the survey whose answer resolved it). Sets
    ``resolved_at`` and clears ``follow_up_due_at``, and a second attempt's
    callback if still owed: a closed ticket is not swept.
    """
    at = timezone.now()
    event = transition(
        ticket=ticket,
        actor=actor,
        to_status=Status.RESOLVED,
        expected_version=expected_version,
        changes={"resolved_at": at, "follow_up_due_at": None, "callback_due_at": None},
        payload={"note": (note or "").strip(), **(extra or {})},
        customer_visible=True,
        at=at,
    )
    return event


@transaction.atomic
def ticket_close_invalid(
    *, ticket: Ticket, actor: Actor, reason: str, expected_version: int | None = None
) -> TicketEvent:
    """Close an open ticket that is spam, a duplicate or not a complaint; the reason is required.

    The deadlines are cleared (``callback_promised_at`` stays, so the
    statistics can leave such tickets out), and any compensation still
    waiting is declined with the same reason. The event is internal.
    """
    reason = required_text(reason, field="reason", message=_("Say why the ticket is invalid."))
    at = timezone.now()
    event = transition(
        ticket=ticket,
        actor=actor,
        to_status=Status.CLOSED_INVALID,
        expected_version=expected_version,
        changes={"callback_due_at": None, "follow_up_due_at": None},
        payload={"reason": reason},
        at=at,
    )
    compensations_decline_pending(ticket=ticket, actor=actor, reason=reason, at=at)
    return event


def _assignee_check(assignee: User | None) -> None:
    if assignee is not None and not is_agent(assignee):
        raise ValidationError({"assignee": _("Only agents can be assigned tickets.")})


@transaction.atomic
def ticket_assign(
    *,
    ticket: Ticket,
    assignee: User | None,
    actor: Actor,
    expected_version: int | None = None,
) -> TicketEvent | None:
    """Give the ticket to ``assignee`` (an agent), to oneself (a claim), or to nobody (None).

    Writes an internal ASSIGNED event. Assigning the current assignee again
    changes nothing and returns None; otherwise returns the event.
    """
    _assignee_check(assignee)
    new_id = assignee.pk if assignee is not None else None
    if ticket.assignee_id == new_id:
        if expected_version is not None and expected_version != ticket.version:
            raise StaleTicket()
        return None
    return transition(
        ticket=ticket,
        actor=actor,
        expected_version=expected_version,
        changes={"assignee": assignee},
        kind=EventKind.ASSIGNED,
        payload={
            "from": ticket.assignee_id,
            "to": new_id,
            "to_name": person_name(assignee),
            "claimed": assignee is not None and actor is not None and new_id == actor.pk,
        },
    )


def tickets_assign(
    *,
    assignee: User | None,
    actor: Actor,
    references: Iterable[str] = (),
    ids: Iterable[int | str] = (),
) -> dict[str, int]:
    """Assign many tickets at once (the queue's bulk action), each in its own transaction.

    Tickets are named by complaint reference or by id. Returns counts:
    ``assigned``, ``unchanged`` (already theirs), ``not_found``, and
    ``conflicts`` (changed by somebody else twice while we tried).
    """
    _assignee_check(assignee)
    references, ids = set(references), {int(pk) for pk in ids}
    tickets = list(
        Ticket.objects.select_related("complaint").filter(
            Q(complaint__reference__in=references) | Q(pk__in=ids)
        )
    )
    found_refs = {t.complaint.reference for t in tickets}
    found_ids = {t.pk for t in tickets}
    counts = {
        "assigned": 0,
        "unchanged": 0,
        "not_found": len(references - found_refs) + len(ids - found_ids),
        "conflicts": 0,
    }
    for ticket in tickets:
        # A bulk action does not depend on what the agent saw of each ticket,
        # so a lost race is retried once on the fresh row.
        for attempt in range(2):
            try:
                event = ticket_assign(ticket=ticket, assignee=assignee, actor=actor)
            except StaleTicket:
                if attempt == 1:
                    counts["conflicts"] += 1
                ticket.refresh_from_db()
                continue
            counts["assigned" if event else "unchanged"] += 1
            break
    return counts


@transaction.atomic
def ticket_add_note(
    *,
    ticket: Ticket,
    actor: Actor,
    text: str,
    customer_visible: bool = False,
    attachments: Sequence[Checked] = (),
) -> TicketEvent:
    """Add an internal note, or (``customer_visible``) a message the customer sees.

    Notes change no workflow column and so do not bump the version: a note
    never makes a colleague's step fail as stale. A message may carry files,
    already checked (``complaints.uploads.uploads_check``): they become the
    complaint's attachments, added by the agent, and the event keeps their ids
    (``payload["attachments"]``) for the timelines and the email.
    """
    text = required_text(text, field="text", message=_("Write the note first."))
    payload: dict[str, Any] = {"text": text}
    if attachments:
        payload["attachments"] = message_files_store(
            ticket=ticket, actor=actor, files=attachments, customer_visible=customer_visible
        )
    event = event_record(
        ticket=ticket,
        kind=EventKind.AGENT_MESSAGE if customer_visible else EventKind.NOTE,
        actor=actor,
        customer_visible=customer_visible,
        payload=payload,
    )
    return event
