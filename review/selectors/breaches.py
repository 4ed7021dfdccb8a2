"""Broken callback promises: every breach of a period, and the tickets about to break theirs.

The rows are ``values()`` dictionaries, read through ``.iterator()`` by the
CSV export, so a year of breaches streams without filling memory.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Self, TypeVar

from django.db.models import CharField, F, OuterRef, QuerySet, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils import timezone

from recovery.choices import EventKind, Priority, Status
from recovery.models import Ticket, TicketEvent
from recovery.selectors import counted_category
from review.periods import Period
from review.selectors.common import Row, duration, in_period

# "At risk now": the callback is owed within this long and nobody has called.
AT_RISK_WITHIN = timedelta(hours=4)
NOBODY = "none"

_Tickets = TypeVar("_Tickets", bound=QuerySet[Any, Any])

_ROW_FIELDS = (
    "pk",
    "complaint__reference",
    "status",
    "priority",
    "opened_at",
    "callback_promised_at",
    "callback_due_at",
    "acknowledged_at",
    "breached_at",
    "escalated_at",
    "assignee_id",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
    # The category counted (the agent's correction, else the customer's pick) and the pick.
    "category__name_en",
    "category__name_fr",
    "complaint__category__name_en",
    "complaint__category__name_fr",
)


@dataclass(frozen=True)
class BreachFilters:
    """Which breaches a manager wants: one agent (or nobody), one category, one priority."""

    agent: int | str | None = None
    category: int | None = None
    priority: str = ""

    @classmethod
    def from_params(cls, params: QueryDict) -> Self:
        agent = params.get("agent", "")
        category = params.get("category", "")
        return cls(
            agent=NOBODY if agent == NOBODY else (int(agent) if _small_int(agent) else None),
            category=int(category) if _small_int(category) else None,
            priority=params.get("priority", "")
            if params.get("priority") in Priority.values
            else "",
        )

    def params(self) -> dict[str, int | str]:
        return {
            key: value
            for key, value in (
                ("agent", self.agent),
                ("category", self.category),
                ("priority", self.priority),
            )
            if value not in (None, "")
        }


def _small_int(value: str) -> bool:
    return value.isdigit() and len(value) < 10


def _filtered(tickets: _Tickets, filters: BreachFilters, priority_field: str) -> _Tickets:
    if filters.agent == NOBODY:
        tickets = tickets.filter(assignee__isnull=True)
    elif isinstance(filters.agent, int):
        tickets = tickets.filter(assignee_id=filters.agent)
    if filters.category is not None:
        tickets = tickets.alias(counted_category=counted_category()).filter(
            counted_category=filters.category
        )
    if filters.priority:
        tickets = tickets.filter(**{priority_field: filters.priority})
    return tickets


def priority_at_breach() -> Coalesce:
    """The priority the ticket had when it was breached (a breach raises it to high).

    Read from the BREACHED event's payload; a ticket without one keeps its
    own priority.
    """
    events = TicketEvent.objects.filter(ticket=OuterRef("pk"), kind=EventKind.BREACHED)
    return Coalesce(
        Subquery(events.order_by("created_at").values(was=KT("payload__priority_was"))[:1]),
        F("priority"),
        output_field=CharField(),
    )


def breached_tickets(
    *, period: Period, filters: BreachFilters = BreachFilters()
) -> QuerySet[Ticket, Row]:
    """Tickets breached in the period, latest first, with how late the first contact came.

    ``late`` is ``acknowledged_at - callback_promised_at``, None while nobody
    has called. ``escalated_at`` is set when nobody had the ticket at the breach.
    """
    tickets = Ticket.objects.filter(in_period("breached_at", period)).annotate(
        late=duration("acknowledged_at", "callback_promised_at"),
        priority_at_breach=priority_at_breach(),
    )
    tickets = _filtered(tickets, filters, "priority_at_breach")
    return tickets.values(*_ROW_FIELDS, "late", "priority_at_breach").order_by(
        "-breached_at", "-pk"
    )


def breach_count(*, period: Period, filters: BreachFilters = BreachFilters()) -> int:
    """How many ``breached_tickets`` there are, read from ``ticket_breached_idx`` without joins."""
    tickets = Ticket.objects.filter(in_period("breached_at", period))
    if filters.priority:
        tickets = tickets.annotate(priority_at_breach=priority_at_breach())
    return _filtered(tickets, filters, "priority_at_breach").count()


def _at_risk(now: datetime | None, filters: BreachFilters) -> QuerySet[Ticket]:
    now = now or timezone.now()
    tickets = Ticket.objects.filter(
        status=Status.NEW,
        callback_due_at__gte=now,
        callback_due_at__lt=now + AT_RISK_WITHIN,
    )
    return _filtered(tickets, filters, "priority")


def at_risk_tickets(
    *, now: datetime | None = None, filters: BreachFilters = BreachFilters()
) -> QuerySet[Ticket, Row]:
    """New tickets whose callback falls due within AT_RISK_WITHIN: call them first.

    An index range on ``ticket_open_due_idx``, soonest first.
    """
    return _at_risk(now, filters).values(*_ROW_FIELDS).order_by("callback_due_at", "pk")


def at_risk_count(*, now: datetime | None = None, filters: BreachFilters = BreachFilters()) -> int:
    return _at_risk(now, filters).count()


# --- The next-reply promise (recovery.workflow.reply) ----------------------------

_REPLY_ROW_FIELDS = (
    "pk",
    "created_at",
    "ticket__complaint__reference",
    "ticket__status",
    "ticket__assignee_id",
    "ticket__assignee__username",
    "ticket__assignee__first_name",
    "ticket__assignee__last_name",
    "ticket__category__name_en",
    "ticket__category__name_fr",
    "ticket__complaint__category__name_en",
    "ticket__complaint__category__name_fr",
)


def _reply_breach_events(period: Period, filters: BreachFilters) -> QuerySet[TicketEvent]:
    events = TicketEvent.objects.filter(
        in_period("created_at", period), kind=EventKind.REPLY_BREACHED
    )
    if filters.agent == NOBODY:
        events = events.filter(ticket__assignee__isnull=True)
    elif isinstance(filters.agent, int):
        events = events.filter(ticket__assignee_id=filters.agent)
    if filters.category is not None:
        counted = counted_category(ticket="ticket__", complaint="ticket__complaint__")
        events = events.alias(counted_category=counted).filter(counted_category=filters.category)
    if filters.priority:
        events = events.filter(payload__priority=filters.priority)
    return events


def reply_breaches(
    *, period: Period, filters: BreachFilters = BreachFilters()
) -> QuerySet[TicketEvent, Row]:
    """Every customer message left unanswered past its reply deadline in the period, latest first.

    One row per missed window, from its REPLY_BREACHED event (a ticket may
    miss several), with the deadline and the priority it had then (from the
    event's payload) and the ticket's agent and status now.
    """
    return (
        _reply_breach_events(period, filters)
        .annotate(
            due_at=KT("payload__due_at"),
            priority_then=KT("payload__priority"),
            escalated=KT("payload__escalated"),
        )
        .values(*_REPLY_ROW_FIELDS, "due_at", "priority_then", "escalated")
        .order_by("-created_at", "-pk")
    )


def reply_breach_count(*, period: Period, filters: BreachFilters = BreachFilters()) -> int:
    """How many ``reply_breaches`` there are."""
    return _reply_breach_events(period, filters).count()
