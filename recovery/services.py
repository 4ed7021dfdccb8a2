"""The agents' steps on a ticket: contact, apology, follow-up, closing, assignment, notes.

Every status, assignee or deadline change goes through
``recovery.workflow.transition()``; these functions only decide what the step
means. The compensation ledger is in ``recovery.compensation``. Each step
takes ``expected_version``, the version the agent's page showed: if the
ticket changed since, the step raises StaleTicket and changes nothing. A
step that may owe emails hands its event to
``notifications.progress.notifications_for_event``, which decides.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.phones import to_e164
from config.people import person_name
from config.roles import is_agent
from notifications.progress import notifications_for_event
from recovery.choices import AcknowledgeMethod, CallbackOutcome, EventKind, Status
from recovery.compensation import compensations_decline_pending
from recovery.errors import IllegalTransition, StaleTicket
from recovery.models import CallbackAttempt, Ticket
from recovery.selectors import ledger_is_settled
from recovery.sla import follow_up_due_at
from recovery.survey import surveys_replace_waiting
from recovery.workflow import (
    event_record,
    move_check,
    required_text,
    transition,
)
from recovery.workflow import ticket_customer_message as ticket_customer_message
from recovery.workflow import ticket_priority_change as ticket_priority_change
from recovery.workflow import ticket_reopen as ticket_reopen


def _number(raw):
    try:
        return to_e164(raw or "")
    except ValidationError as exc:
        raise ValidationError({"number_called": exc.messages}) from exc


def _attempt_row(*, ticket, actor, number_called, outcome, note, at):
    return CallbackAttempt.objects.create(
        ticket=ticket,
        agent=actor,
        number_called=number_called,
        outcome=outcome,
        note=note,
        created_at=at,
    )


def _attempt_payload(attempt):
    return {
        "attempt": attempt.pk,
        "number_called": attempt.number_called,
        "outcome": attempt.outcome,
        "note": attempt.note,
    }


def _attempt_create(*, ticket, actor, number_called, outcome, note, at):
    attempt = _attempt_row(
        ticket=ticket, actor=actor, number_called=number_called, outcome=outcome, note=note, at=at
    )
    event_record(
        ticket=ticket,
        kind=EventKind.CALLBACK_ATTEMPT,
        actor=actor,
        payload=_attempt_payload(attempt),
        at=at,
    )
    return attempt


def owes_second_callback(ticket):
    """True while a second attempt's callback is owed (an unhappy survey answer reopened it).

    A new ticket owes its first callback; any other open ticket with a
    callback deadline owes the one a second attempt promised.
    """
    return ticket.is_open and ticket.status != Status.NEW and ticket.callback_due_at is not None


def _second_callback_met(*, ticket, actor, method, number_called, message, note, expected_version):
    """The contact a second attempt owed: clears its callback; the status and first contact stay.

    The ticket is already acknowledged (``acknowledged_at`` is the first
    contact, which the review measures), so nothing moves: the call is
    logged as a reached CallbackAttempt, or the message is written to the
    customer's timeline (and emailed to them), and the deadline is cleared
    with that one event.
    """
    at = timezone.now()
    if expected_version is not None and expected_version != ticket.version:
        raise StaleTicket()
    if method == AcknowledgeMethod.PHONE:
        attempt = _attempt_row(
            ticket=ticket,
            actor=actor,
            number_called=_number(number_called),
            outcome=CallbackOutcome.REACHED,
            note=(note or "").strip(),
            at=at,
        )
        kind, visible, payload = EventKind.CALLBACK_ATTEMPT, False, _attempt_payload(attempt)
    elif method == AcknowledgeMethod.MESSAGE:
        text = required_text(
            message, field="message", message=_("Write the message you sent the customer.")
        )
        kind, visible, payload = EventKind.AGENT_MESSAGE, True, {"text": text}
    else:
        raise ValidationError({"method": _("Say how you reached the customer.")})
    event = transition(
        ticket=ticket,
        actor=actor,
        expected_version=expected_version,
        changes={"callback_due_at": None},
        kind=kind,
        payload={**payload, "method": method, "second_attempt_callback": True},
        customer_visible=visible,
        at=at,
    )
    notifications_for_event(event)
    return event


@transaction.atomic
def ticket_acknowledge(
    *, ticket, actor, method, number_called=None, message=None, note="", expected_version=None
):
    """Record the first human contact, which keeps the callback promise.

    ``method`` is ``phone`` (a call that reached the customer: give
    ``number_called``; the call is also logged as a reached CallbackAttempt)
    or ``message`` (a personal email or message: give its ``message`` text,
    which the customer sees on their timeline). Sets ``acknowledged_at`` and
    clears ``callback_due_at``; ``callback_promised_at`` keeps the promise.
    On a second attempt, the same contact meets the new callback instead
    (``_second_callback_met``).
    """
    if owes_second_callback(ticket):
        return _second_callback_met(
            ticket=ticket,
            actor=actor,
            method=method,
            number_called=number_called,
            message=message,
            note=note,
            expected_version=expected_version,
        )
    at = timezone.now()
    move_check(ticket=ticket, to_status=Status.ACKNOWLEDGED, expected_version=expected_version)
    if method == AcknowledgeMethod.PHONE:
        attempt = _attempt_create(
            ticket=ticket,
            actor=actor,
            number_called=_number(number_called),
            outcome=CallbackOutcome.REACHED,
            note=(note or "").strip(),
            at=at,
        )
        payload = {"method": method, "number_called": attempt.number_called, "attempt": attempt.pk}
    elif method == AcknowledgeMethod.MESSAGE:
        text = required_text(
            message, field="message", message=_("Write the message you sent the customer.")
        )
        payload = {"method": method, "text": text}
    else:
        raise ValidationError({"method": _("Say how you reached the customer.")})
    event = transition(
        ticket=ticket,
        actor=actor,
        to_status=Status.ACKNOWLEDGED,
        expected_version=expected_version,
        changes={"acknowledged_at": at, "callback_due_at": None},
        payload=payload,
        customer_visible=True,
        at=at,
    )
    notifications_for_event(event)
    return event


@transaction.atomic
def callback_attempt_record(
    *, ticket, actor, number_called, outcome, note="", expected_version=None
):
    """Log one call to the customer; a call that reached a new ticket's customer acknowledges it.

    A voicemail, no answer or wrong number is only recorded (an internal
    event): the promise is about talking to the customer, not dialling. A
    reached call meets a second attempt's callback the same way; on a ticket
    owing no callback it is only recorded. Returns the CallbackAttempt.
    """
    if outcome not in CallbackOutcome.values:
        raise ValidationError({"outcome": _("Say how the call went.")})
    owed = ticket.status == Status.NEW or owes_second_callback(ticket)
    if outcome == CallbackOutcome.REACHED and owed:
        event = ticket_acknowledge(
            ticket=ticket,
            actor=actor,
            method=AcknowledgeMethod.PHONE,
            number_called=number_called,
            note=note,
            expected_version=expected_version,
        )
        return CallbackAttempt.objects.get(pk=event.payload["attempt"])
    return _attempt_create(
        ticket=ticket,
        actor=actor,
        number_called=_number(number_called),
        outcome=outcome,
        note=(note or "").strip(),
        at=timezone.now(),
    )


@transaction.atomic
def ticket_apologize(*, ticket, actor, text, expected_version=None):
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
    notifications_for_event(event)
    return event


@transaction.atomic
def ticket_start_follow_up(*, ticket, actor, expected_version=None):
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
    changes = {}
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
def ticket_resolve(*, ticket, actor, note="", expected_version=None, extra=None):
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
    notifications_for_event(event)
    return event


@transaction.atomic
def ticket_close_invalid(*, ticket, actor, reason, expected_version=None):
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


def _assignee_check(assignee):
    if assignee is not None and not is_agent(assignee):
        raise ValidationError({"assignee": _("Only agents can be assigned tickets.")})


@transaction.atomic
def ticket_assign(*, ticket, assignee, actor, expected_version=None):
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


def tickets_assign(*, assignee, actor, references=(), ids=()):
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
def ticket_add_note(*, ticket, actor, text, customer_visible=False):
    """Add an internal note, or (``customer_visible``) a message the customer sees.

    Notes change no workflow column and so do not bump the version: a note
    never makes a colleague's step fail as stale.
    """
    text = required_text(text, field="text", message=_("Write the note first."))
    event = event_record(
        ticket=ticket,
        kind=EventKind.AGENT_MESSAGE if customer_visible else EventKind.NOTE,
        actor=actor,
        customer_visible=customer_visible,
        payload={"text": text},
    )
    notifications_for_event(event)
    return event
