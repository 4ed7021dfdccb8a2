"""The indicators of one period: intake, the callback promise, resolution, surveys, compensation.

One query per function; ``review_indicators`` runs them all, so the page costs
the same whether the period holds ten tickets or half a million.
"""

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Aggregate, Case, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from complaints.models import Category, Complaint
from recovery.choices import CompensationStatus, EventKind, NpsClass, Status
from recovery.models import Compensation, Survey, Ticket, TicketEvent
from recovery.survey import nps_class
from review.aggregates import Percentiles
from review.periods import Period
from review.selectors.common import (
    COMPLAINT_GROUPS,
    PASSIVE_MIN,
    PROMOTER_MIN,
    Row,
    complaint_groups,
    duration,
    in_period,
    of_ticket,
)

# Time to first contact, in hours: the bins of its chart. None is "and more".
FIRST_CONTACT_BINS = ((0, 1), (1, 4), (4, 8), (8, 24), (24, 48), (48, 72), (72, None))


def category_names() -> dict[int, tuple[str, str]]:
    """``{pk: (name_en, name_fr)}`` for every category: a handful of rows, read once per page.

    Kept out of the aggregates, whose GROUP BY stays on narrow ids.
    """
    return {pk: (en, fr) for pk, en, fr in Category.objects.values_list("pk", "name_en", "name_fr")}


def complaints_received(*, period: Period) -> list[Row]:
    """Complaints submitted in the period, counted per (channel, category id): ``[{...}]``.

    By the category each counts under (``COMPLAINT_GROUPS``): an agent's correction wins.
    """
    return complaint_groups(
        Complaint.objects.filter(in_period("submitted_at", period))
        .values("channel", counted_category=COMPLAINT_GROUPS["counted_category"])
        .annotate(complaints=Count("pk"))
        .order_by()
    )


def promise_due(period: Period, now: datetime) -> Q:
    """Tickets whose callback promise fell due in the period, up to ``now``.

    A ticket closed as invalid before anybody called (spam, a duplicate) was
    never owed the call, so it is left out; so is a duplicate merged into the
    customer's other complaint before anybody called: the survivor's promise
    is the one the customer was owed (recovery.workflow.merge).
    """
    return (
        in_period("callback_promised_at", period)
        & Q(callback_promised_at__lte=now)
        & ~Q(status__in=(Status.CLOSED_INVALID, Status.MERGED), acknowledged_at__isnull=True)
    )


# Of a promise due: the first contact came on or before the promised time.
KEPT = Q(acknowledged_at__lte=F("callback_promised_at"))


def promise_kept(period: Period, now: datetime) -> Q:
    return promise_due(period, now) & KEPT


def ticket_figures(*, period: Period, now: datetime | None = None) -> dict[str, Any]:
    """The callback promise, first contact, breaches and resolution, in one pass over tickets.

    The rows read are those with any of the four moments in the period, each
    through its own index; every figure then filters on its own moment.
    """
    now = now or timezone.now()
    contacted = in_period("acknowledged_at", period)
    breached = in_period("breached_at", period)
    resolved = in_period("resolved_at", period)
    first_contact = duration("acknowledged_at", "opened_at")
    to_resolution = duration("resolved_at", "opened_at")
    figures = Ticket.objects.filter(
        in_period("callback_promised_at", period) | contacted | breached | resolved
    ).aggregate(
        promises_due=Count("pk", filter=promise_due(period, now)),
        promises_kept=Count("pk", filter=promise_kept(period, now)),
        contacted=Count("pk", filter=contacted),
        # Median and p90 from one sort of the durations.
        first_contact=Percentiles(first_contact, (0.5, 0.9), filter=contacted),
        breaches=Count("pk", filter=breached),
        resolved=Count("pk", filter=resolved),
        resolution=Percentiles(to_resolution, (0.5,), filter=resolved),
    )
    figures["first_contact_median"], figures["first_contact_p90"] = figures.pop("first_contact")
    (figures["resolution_median"],) = figures.pop("resolution")
    return figures


def first_contact_bins(*, period: Period) -> list[tuple[int, int | None, int]]:
    """``[(low, high, contacts)]``: the first contacts of the period by hours since the complaint.

    A CASE stops at the first bin that fits, so each contact is compared a
    few times, not once per bin as FILTERed counts would.
    """
    waited = duration("acknowledged_at", "opened_at")
    whens = [
        When(Q(waited__lt=timedelta(hours=high)), then=Value(low))
        for low, high in FIRST_CONTACT_BINS
        if high is not None
    ]
    counts = dict(
        Ticket.objects.filter(in_period("acknowledged_at", period))
        .alias(waited=waited)
        .annotate(bin=Case(*whens, default=Value(FIRST_CONTACT_BINS[-1][0])))
        .values("bin")
        .annotate(contacts=Count("pk"))
        .values_list("bin", "contacts")
        .order_by()
    )
    return [(low, high, counts.get(low, 0)) for low, high in FIRST_CONTACT_BINS]


def resolution_moves(period: Period) -> tuple[QuerySet[TicketEvent], dict[str, Aggregate]]:
    """The timeline's moves into and out of resolved in the period, and how to count them.

    A reopened ticket loses its ``resolved_at``, so only the events remember
    that it was resolved once; they are read through ``event_resolution_idx``.
    """
    moves = TicketEvent.objects.filter(
        Q(to_status=Status.RESOLVED) | Q(from_status=Status.RESOLVED),
        in_period("created_at", period),
        kind=EventKind.STATUS,
    )
    return moves, {
        "resolutions": Count("pk", filter=Q(to_status=Status.RESOLVED)),
        "reopenings": Count("pk", filter=Q(from_status=Status.RESOLVED)),
    }


def reopen_figures(*, period: Period) -> dict[str, int]:
    """Resolutions and reopenings (a move out of resolved) in the period."""
    moves, counts = resolution_moves(period)
    return moves.aggregate(**counts)


def survey_aggregates() -> dict[str, Aggregate]:
    """What is counted of a group of answers (the live page and the daily summary alike)."""
    return {
        "answers": Count("pk"),
        "csat_answers": Count("csat"),
        "csat_total": Sum("csat"),
        "csat_satisfied": Count("pk", filter=Q(csat__gte=4)),
        "nps_answers": Count("nps"),
        "promoters": Count("pk", filter=Q(nps__gte=PROMOTER_MIN)),
        "detractors": Count("pk", filter=Q(nps__lt=PASSIVE_MIN)),
        # A ticket has one intake score, so per-group distinct counts add up.
        "nps_tickets": Count("ticket", distinct=True, filter=Q(nps__isnull=False)),
        "won_back": Count("ticket", distinct=True, filter=Q(nps__gte=PASSIVE_MIN)),
    }


def survey_figures(*, period: Period) -> dict[str, Any]:
    """Follow-up answers given in the period: CSAT, NPS, and NPS at intake of the same tickets.

    An answer counts once; a ticket reopened and surveyed again counts each
    answer. The conversion counts tickets: a detractor at intake who answered
    in the period, and whether any answer was 7 or more. Read grouped by the
    intake score (one lookup per answer, see ``of_ticket``), then added up.
    """
    groups = (
        Survey.objects.filter(in_period("answered_at", period))
        .annotate(intake=of_ticket("complaint__nps_at_intake"))
        .values("intake")
        .annotate(**survey_aggregates())
        .order_by()
    )
    return survey_totals(
        {**group, "intake": None if group["intake"] is None else nps_class(group["intake"])}
        for group in groups
    )


def survey_totals(groups: Iterable[Row]) -> dict[str, Any]:
    """The survey figures from answer groups whose ``intake`` is the NPS group at intake ("" or None: no score)."""
    # A Counter: a figure no group added to reads as 0.
    figures: dict[str, Any] = Counter()
    csat_total = 0
    for group in groups:
        for key in ("answers", "csat_answers", "csat_satisfied", "nps_answers"):
            figures[key] += group[key]
        figures["promoters"] += group["promoters"]
        figures["detractors"] += group["detractors"]
        csat_total += group["csat_total"] or 0
        intake = group["intake"]
        if not intake:
            continue
        # Answers from customers who also scored us at intake: before and after.
        figures["paired"] += group["nps_answers"]
        figures["paired_promoters_after"] += group["promoters"]
        figures["paired_detractors_after"] += group["detractors"]
        if intake == NpsClass.PROMOTER:
            figures["paired_promoters_before"] += group["nps_answers"]
        elif intake == NpsClass.DETRACTOR:
            figures["paired_detractors_before"] += group["nps_answers"]
            figures["detractors_at_intake"] += group["nps_tickets"]
            figures["converted"] += group["won_back"]
    answered = figures["csat_answers"]
    figures["csat_average"] = Decimal(csat_total) / answered if answered else None
    figures["passives"] = figures["nps_answers"] - figures["promoters"] - figures["detractors"]
    return figures


def given_in(period: Period) -> QuerySet[Compensation]:
    """Compensation handed over in the period (fulfilled; "none" lines are recorded so too)."""
    return Compensation.objects.filter(
        in_period("fulfilled_at", period), status=CompensationStatus.FULFILLED
    )


def compensation_by_kind(*, period: Period) -> list[Row]:
    """Lines and amount given per (kind, currency); currency "" for no amount."""
    return list(
        given_in(period)
        .values("kind", "currency")
        .annotate(lines=Count("pk"), amount=Sum("amount"))
        .order_by("kind", "currency")
    )


def compensation_by_currency(*, period: Period) -> list[Row]:
    """Per currency: the total given and the number of tickets it went to (for the average)."""
    return list(
        given_in(period)
        .filter(amount__isnull=False)
        .values("currency")
        .annotate(tickets=Count("ticket", distinct=True), amount=Sum("amount"))
        .order_by("currency")
    )


def breaches_per_day(*, period: Period) -> list[tuple[date, int]]:
    """``[(day, breaches)]`` for every day of the period, days without one included."""
    counts = dict(
        Ticket.objects.filter(in_period("breached_at", period))
        .annotate(day=TruncDate("breached_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(breaches=Count("pk"))
        .values_list("day", "breaches")
        .order_by()
    )
    return [(day, counts.get(day, 0)) for day in period.days()]


def review_indicators(*, period: Period, now: datetime | None = None) -> dict[str, Any]:
    """Everything the indicators page shows but the category names: eight queries, whatever the period."""
    return {
        "received": complaints_received(period=period),
        "tickets": ticket_figures(period=period, now=now),
        "first_contact_bins": first_contact_bins(period=period),
        "reopens": reopen_figures(period=period),
        "surveys": survey_figures(period=period),
        "compensation_by_kind": compensation_by_kind(period=period),
        "compensation_by_currency": compensation_by_currency(period=period),
        "breaches_per_day": breaches_per_day(period=period),
    }
