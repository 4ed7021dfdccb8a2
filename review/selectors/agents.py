"""Per agent: the tickets they hold, how their callbacks went, what customers said, what they gave.

Grouped by the ticket's current assignee: the ticket has no history of
owners besides its timeline, and a ticket handed over late is counted with
whoever finished it. Tickets nobody holds make a row of their own.
"""

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone

from recovery.models import Survey, Ticket
from review.aggregates import Percentiles
from review.periods import Period
from review.selectors.common import Row, duration, in_period, of_ticket
from review.selectors.indicators import given_in, promise_due, promise_kept
from shared.roles import AGENTS, MANAGERS


def agent_tickets(*, period: Period, now: datetime | None = None) -> list[Row]:
    """Per assignee id: tickets resolved in the period and the callback promise.

    Counts only: they hash-aggregate in parallel. The medians, which must sort,
    have their own query over the contacted tickets alone.
    """
    now = now or timezone.now()
    resolved = in_period("resolved_at", period)
    return list(
        Ticket.objects.filter(in_period("callback_promised_at", period) | resolved)
        .values("assignee_id")
        .annotate(
            resolved=Count("pk", filter=resolved),
            promises_due=Count("pk", filter=promise_due(period, now)),
            promises_kept=Count("pk", filter=promise_kept(period, now)),
        )
        .order_by()
    )


def agent_first_contact(*, period: Period) -> list[Row]:
    """Per assignee id: the median time to first contact of the contacts made in the period."""
    return list(
        Ticket.objects.filter(in_period("acknowledged_at", period))
        .values("assignee_id")
        .annotate(
            contacted=Count("pk"),
            first_contact=Percentiles(duration("acknowledged_at", "opened_at"), (0.5,)),
        )
        .order_by()
    )


def agent_surveys(*, period: Period) -> list[Row]:
    """Per assignee id: follow-up answers in the period and their CSAT."""
    return list(
        Survey.objects.filter(in_period("answered_at", period))
        .annotate(assignee_id=of_ticket("assignee_id"))
        .values("assignee_id")
        .annotate(
            answers=Count("pk"),
            csat_answers=Count("csat"),
            csat_average=Avg("csat"),
            csat_satisfied=Count("pk", filter=Q(csat__gte=4)),
        )
        .order_by()
    )


def agent_compensation(*, period: Period) -> list[Row]:
    """Per (assignee id, currency): compensation lines given in the period and their total."""
    return list(
        given_in(period)
        .annotate(assignee_id=of_ticket("assignee_id"))
        .values("assignee_id", "currency")
        .annotate(lines=Count("pk"), amount=Sum("amount"))
        .order_by()
    )


def staff_names() -> list[Row]:
    """Every user's name, and whether they can hold tickets now.

    Users are staff only (customers have no account), a few dozen rows: an
    agent with a quiet period still gets a row, one who left keeps a name.
    """
    can_hold = Q(is_active=True) & (Q(groups__name__in=(AGENTS, MANAGERS)) | Q(is_superuser=True))
    rows = (
        get_user_model()
        .objects.values("pk", "username", "first_name", "last_name")
        .annotate(holds=Count("pk", filter=can_hold))
        .order_by()
    )
    return list(rows)


def review_agents(*, period: Period, now: datetime | None = None) -> dict[str, Any]:
    """Everything the per-agent page shows but the names: four queries, whatever the period."""
    return {
        "tickets": agent_tickets(period=period, now=now),
        "first_contact": agent_first_contact(period=period),
        "surveys": agent_surveys(period=period),
        "compensation": agent_compensation(period=period),
    }
