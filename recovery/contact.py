"""Reaching the customer: the first contact, a second attempt's callback, and calls logged.

The callback promise is about talking to the customer, so these are the steps
that meet it. A contact is a reached call (logged as a CallbackAttempt) or a
personal message the customer sees on their timeline; ``_contact_made`` reads
that evidence once for both promises. Every column change goes through
``recovery.workflow.transition()``.
"""

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recovery.choices import AcknowledgeMethod, CallbackOutcome, EventKind, Status
from recovery.errors import StaleTicket
from recovery.models import CallbackAttempt, Ticket, TicketEvent
from recovery.workflow import event_record, move_check, required_text, transition
from shared.phones import to_e164


def _number(raw: str | None) -> str:
    try:
        return to_e164(raw or "")
    except ValidationError as exc:
        raise ValidationError({"number_called": exc.messages}) from exc


def _attempt_row(
    *,
    ticket: Ticket,
    actor: User | None,
    number_called: str,
    outcome: str,
    note: str,
    at: datetime,
) -> CallbackAttempt:
    return CallbackAttempt.objects.create(
        ticket=ticket,
        agent=actor,
        number_called=number_called,
        outcome=outcome,
        note=note,
        created_at=at,
    )


def _attempt_payload(attempt: CallbackAttempt) -> dict[str, Any]:
    return {
        "attempt": attempt.pk,
        "number_called": attempt.number_called,
        "outcome": attempt.outcome,
        "note": attempt.note,
    }


def _attempt_create(
    *,
    ticket: Ticket,
    actor: User | None,
    number_called: str,
    outcome: str,
    note: str,
    at: datetime,
) -> CallbackAttempt:
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


def _contact_made(
    *,
    ticket: Ticket,
    actor: User | None,
    method: str,
    number_called: str | None,
    message: str | None,
    note: str | None,
    at: datetime,
    log_call: bool,
) -> tuple[CallbackAttempt | None, str]:
    """``(attempt, "")`` for a reached call, ``(None, text)`` for a message; else ValidationError.

    ``log_call`` also writes the call's own CALLBACK_ATTEMPT event, for a
    contact whose step event is another one (the first contact's status move).
    """
    if method == AcknowledgeMethod.PHONE:
        write = _attempt_create if log_call else _attempt_row
        attempt = write(
            ticket=ticket,
            actor=actor,
            number_called=_number(number_called),
            outcome=CallbackOutcome.REACHED,
            note=(note or "").strip(),
            at=at,
        )
        return attempt, ""
    if method == AcknowledgeMethod.MESSAGE:
        text = required_text(
            message, field="message", message=_("Write the message you sent the customer.")
        )
        return None, text
    raise ValidationError({"method": _("Say how you reached the customer.")})


def owes_second_callback(ticket: Ticket) -> bool:
    """True while a second attempt's callback is owed (an unhappy survey answer reopened it).

    A new ticket owes its first callback; any other open ticket with a
    callback deadline owes the one a second attempt promised.
    """
    return ticket.is_open and ticket.status != Status.NEW and ticket.callback_due_at is not None


def _second_callback_met(
    *,
    ticket: Ticket,
    actor: User | None,
    method: str,
    number_called: str | None,
    message: str | None,
    note: str,
    expected_version: int | None,
) -> TicketEvent:
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
    attempt, text = _contact_made(
        ticket=ticket,
        actor=actor,
        method=method,
        number_called=number_called,
        message=message,
        note=note,
        at=at,
        log_call=False,
    )
    if attempt is not None:
        kind, visible, payload = EventKind.CALLBACK_ATTEMPT, False, _attempt_payload(attempt)
    else:
        kind, visible, payload = EventKind.AGENT_MESSAGE, True, {"text": text}
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
    return event


@transaction.atomic
def ticket_acknowledge(
    *,
    ticket: Ticket,
    actor: User | None,
    method: str,
    number_called: str | None = None,
    message: str | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> TicketEvent:
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
    attempt, text = _contact_made(
        ticket=ticket,
        actor=actor,
        method=method,
        number_called=number_called,
        message=message,
        note=note,
        at=at,
        log_call=True,
    )
    if attempt is not None:
        payload = {"method": method, "number_called": attempt.number_called, "attempt": attempt.pk}
    else:
        payload = {"method": method, "text": text}
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
    return event


@transaction.atomic
def callback_attempt_record(
    *,
    ticket: Ticket,
    actor: User | None,
    number_called: str | None,
    outcome: str,
    note: str = "",
    expected_version: int | None = None,
) -> CallbackAttempt:
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
