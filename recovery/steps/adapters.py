"""Each step's adapter onto its service: ``perform(ticket=, compensation=, actor=, data=)``.

``data`` is what the page's form or the API's body read, with the page
form's ``preset``; ``version`` is absent through the API when not given.
An adapter returns None, or a message for the page that says more than the
form's ``success`` (the API answers with the ticket instead).
"""

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from recovery import services
from recovery.choices import AcknowledgeMethod, CallbackOutcome, Status
from recovery.compensation import compensation_propose
from recovery.forms import Words
from recovery.models import Compensation, Ticket
from recovery.steps.step import Perform


def acknowledge(
    *,
    ticket: Ticket,
    compensation: Compensation | None,
    actor: User | None,
    data: Mapping[str, Any],
) -> Words | None:
    second = data["method"] == AcknowledgeMethod.MESSAGE and services.owes_second_callback(ticket)
    services.ticket_acknowledge(
        ticket=ticket,
        actor=actor,
        method=data["method"],
        number_called=data["number_called"],
        message=data["message"],
        note=data["note"],
        expected_version=data.get("version"),
    )
    if second:
        return _("Second attempt: the customer has your message; the callback is met.")
    return None


def callback_attempt(
    *,
    ticket: Ticket,
    compensation: Compensation | None,
    actor: User | None,
    data: Mapping[str, Any],
) -> Words | None:
    was_new = ticket.status == Status.NEW
    attempt = services.callback_attempt_record(
        ticket=ticket,
        actor=actor,
        number_called=data["number_called"],
        outcome=data["outcome"],
        note=data["note"],
        expected_version=data.get("version"),
    )
    if was_new and attempt.outcome == CallbackOutcome.REACHED:
        return _("Call logged: the customer was reached and the ticket is acknowledged.")
    return None


def compensate(
    *,
    ticket: Ticket,
    compensation: Compensation | None,
    actor: User | None,
    data: Mapping[str, Any],
) -> None:
    compensation_propose(
        ticket=ticket,
        actor=actor,
        kind=data["kind"],
        amount=data["amount"] or None,
        currency=data["currency"],
        description=data["description"],
        reason=data["reason"],
        expected_version=data.get("version"),
    )


def _passing(service: Callable[..., object], names: tuple[str, ...], *, line: bool) -> Perform:
    """A step whose fields ``names`` go to ``service`` as they are, with the ticket or its line."""

    def perform(
        *,
        ticket: Ticket,
        compensation: Compensation | None,
        actor: User | None,
        data: Mapping[str, Any],
    ) -> None:
        target = {"compensation": compensation} if line else {"ticket": ticket}
        service(
            **target,
            actor=actor,
            expected_version=data.get("version"),
            **{name: data[name] for name in names},
        )

    return perform


def on_ticket(service: Callable[..., object], *names: str) -> Perform:
    """A step whose fields are passed to ``service`` as they are."""
    return _passing(service, names, line=False)


def on_line(service: Callable[..., object], *names: str) -> Perform:
    """A step on one ledger line whose fields are passed to ``service`` as they are."""
    return _passing(service, names, line=True)


def priority_change(
    *,
    ticket: Ticket,
    compensation: Compensation | None,
    actor: User | None,
    data: Mapping[str, Any],
) -> Words | None:
    event = services.ticket_priority_change(
        ticket=ticket,
        actor=actor,
        priority=data["priority"],
        expected_version=data.get("version"),
    )
    return None if event else _("The priority was already that.")


def category_correct(
    *,
    ticket: Ticket,
    compensation: Compensation | None,
    actor: User | None,
    data: Mapping[str, Any],
) -> Words | None:
    event = services.ticket_category_correct(
        ticket=ticket, actor=actor, category=data["category"], expected_version=data.get("version")
    )
    return None if event else _("The category was already that.")


def root_cause_record(
    *,
    ticket: Ticket,
    compensation: Compensation | None,
    actor: User | None,
    data: Mapping[str, Any],
) -> Words | None:
    event = services.ticket_root_cause_record(
        ticket=ticket,
        actor=actor,
        root_cause=data["root_cause"],
        expected_version=data.get("version"),
    )
    return None if event else _("The root cause was already that.")


def note_add(
    *,
    ticket: Ticket,
    compensation: Compensation | None,
    actor: User | None,
    data: Mapping[str, Any],
) -> None:
    services.ticket_add_note(
        ticket=ticket,
        actor=actor,
        text=data["text"],
        customer_visible=data["customer_visible"],
        # Only the message's form and the API's body read files.
        attachments=data.get("attachments", ()),
    )
