"""Fixing the record: the one writer of a ticket's corrected category and its root cause.

An agent corrects the category a customer picked (the pick itself stays on
the complaint, ``complaint.category``, for the ticket page and the exports)
and names the root cause from the list the managers keep. The review counts
by the corrected category (``recovery.selectors.counted_category``) and
gathers the root causes into its Pareto, so each change is a TicketEvent
with what it was and what it became, and who changed it.

These columns are no workflow state: they are written ``quiet`` (the
ticket's version stays), so fixing the record never turns a colleague's
step on the same ticket stale, as a note does not. Two agents fixing the
same ticket at once are caught instead by a write conditional on the value
read: one wins, the other gets StaleTicket and nothing changes.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Category
from recovery.choices import OPEN_STATUSES, EventKind
from recovery.errors import IllegalTransition, StaleTicket
from recovery.models import RootCause, Ticket, TicketEvent
from recovery.workflow.columns import tickets_write
from recovery.workflow.moves import event_record
from shared.roles import Actor


def names_of(item: Category | RootCause | None) -> dict[str, str] | None:
    """What the timeline shows of a category or root cause, in both languages, as it was then."""
    if item is None:
        return None
    return {"en": item.name_en, "fr": item.name_fr}


def _open_check(ticket: Ticket, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != ticket.version:
        raise StaleTicket()
    if not ticket.is_open:
        raise IllegalTransition(_("A closed ticket's record cannot be changed: reopen it first."))


def _write(
    *, ticket: Ticket, column: str, old: Model | None, new: Model | None, at: datetime
) -> None:
    """Write ``column`` if it still holds ``old`` and the ticket is still open; else StaleTicket."""
    still = Q(**{f"{column}__isnull": True}) if old is None else Q(**{column: old})
    row = Ticket.objects.filter(still, pk=ticket.pk, status__in=OPEN_STATUSES)
    if tickets_write(row, {column: new}, at=at, quiet=True, ticket=ticket) != 1:
        raise StaleTicket()


@transaction.atomic
def ticket_category_correct(
    *,
    ticket: Ticket,
    actor: Actor,
    category: Category | None,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> TicketEvent | None:
    """Count the ticket under ``category`` from now on; None (or the customer's pick) undoes it.

    Choosing the customer's own pick clears the correction rather than
    storing it twice, so "corrected" always means "not what the customer
    chose". Only active categories can be chosen (the customer's pick is
    always allowed back, active or not). Returns the CATEGORY event, or None
    when the ticket already counts under that category.
    """
    _open_check(ticket, expected_version)
    picked = ticket.complaint.category
    if category is not None and category.pk == picked.pk:
        category = None
    if category is not None and not category.active:
        raise ValidationError(
            {"category": _("This category is no longer offered: choose another.")}
        )
    if (category.pk if category else None) == ticket.category_id:
        return None
    before = ticket.category or picked
    after = category or picked
    at = at or timezone.now()
    _write(ticket=ticket, column="category", old=ticket.category, new=category, at=at)
    payload: dict[str, Any] = {
        "from": before.pk,
        "to": after.pk,
        "from_name": names_of(before),
        "to_name": names_of(after),
        "customer": picked.pk,
    }
    return event_record(ticket=ticket, kind=EventKind.CATEGORY, actor=actor, payload=payload, at=at)


@transaction.atomic
def ticket_root_cause_record(
    *,
    ticket: Ticket,
    actor: Actor,
    root_cause: RootCause | None,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> TicketEvent | None:
    """Name why the complaint happened, from the managers' list; None takes it back.

    Only a cause still offered to agents can be named (a retired one stays
    on the tickets that have it). Returns the ROOT_CAUSE event, or None when
    the ticket already has that cause.
    """
    _open_check(ticket, expected_version)
    if root_cause is not None and not root_cause.active:
        raise ValidationError(
            {"root_cause": _("This root cause is no longer offered: choose another.")}
        )
    if (root_cause.pk if root_cause else None) == ticket.root_cause_id:
        return None
    before = ticket.root_cause
    at = at or timezone.now()
    _write(ticket=ticket, column="root_cause", old=before, new=root_cause, at=at)
    payload = {
        "from": before.pk if before else None,
        "to": root_cause.pk if root_cause else None,
        "from_name": names_of(before),
        "to_name": names_of(root_cause),
    }
    return event_record(
        ticket=ticket, kind=EventKind.ROOT_CAUSE, actor=actor, payload=payload, at=at
    )
