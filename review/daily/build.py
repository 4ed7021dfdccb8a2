"""Write the daily summary: recount whole days from the tickets, surveys and ledger, and replace them.

The counts are the live selectors' own filters, grouped by local day: the
summary cannot define a figure differently from the page that reads it live.
A refresh replaces every row of its days in one transaction, under the lock
of the ``DailySummary`` row, so two refreshes never interleave and a reader
sees a day either before or after, never half-written. Only this module
writes the summary.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Min, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from complaints.models import Complaint
from recovery.models import Survey, Ticket
from recovery.survey import nps_class
from review.daily import scale
from review.models import (
    DailySummary,
    DayCompensatedTickets,
    DayCompensation,
    DayComplaints,
    DayDurations,
    DayRow,
    DaySurveys,
    DayTickets,
)
from review.periods import Period
from review.remedies import remedy_bucket
from review.selectors.common import (
    COMPLAINT_GROUPS,
    complaint_groups,
    duration,
    in_period,
    of_ticket,
)
from review.selectors.indicators import (
    KEPT,
    given_in,
    promise_due,
    resolution_moves,
    survey_aggregates,
)

MODELS: tuple[type[DayRow], ...] = (
    DayTickets,
    DayDurations,
    DayComplaints,
    DaySurveys,
    DayCompensation,
    DayCompensatedTickets,
)
# Days recounted per transaction: short enough for a task, few enough statements.
CHUNK_DAYS = 31
# A night's refresh: past the 28-day survey window, where late answers and
# resolutions still change past days.
RECENT_DAYS = 35


def _day(field: str) -> TruncDate:
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


def _ticket_counts(span: Period, now: datetime) -> list[DayTickets]:
    """``{(day, agent_id): Counter}`` of DayTickets' columns, one grouped query per moment."""
    counts: defaultdict[tuple[date, int | None], Counter[str]] = defaultdict(Counter)
    moments = (
        (
            "callback_promised_at",
            promise_due(span, now),
            {"promises_due": Count("pk"), "promises_kept": Count("pk", filter=KEPT)},
        ),
        ("acknowledged_at", in_period("acknowledged_at", span), {"contacted": Count("pk")}),
        ("breached_at", in_period("breached_at", span), {"breached": Count("pk")}),
        ("resolved_at", in_period("resolved_at", span), {"resolved": Count("pk")}),
    )
    for moment, where, aggregates in moments:
        # dict rows: the plugin cannot see the columns ``**aggregates`` adds.
        rows: QuerySet[Any, Any] = (
            Ticket.objects.filter(where)
            .values(day=_day(moment), agent_id=F("assignee_id"))
            .annotate(**aggregates)
            .order_by()
        )
        for row in rows:
            counts[row.pop("day"), row.pop("agent_id")].update(row)
    moves, move_counts = resolution_moves(span)
    moved: QuerySet[Any, Any] = moves.values(day=_day("created_at")).annotate(**move_counts)
    for row in moved.order_by():
        day = row.pop("day")
        counts[day, None].update(
            {"resolution_events": row["resolutions"], "reopenings": row["reopenings"]}
        )
    return [DayTickets(day=day, agent_id=agent, **row) for (day, agent), row in counts.items()]


def _durations(span: Period, now: datetime) -> list[DayDurations]:
    """Histograms of time to first contact (all, and per agent) and to resolution, bucketed here.

    Python rather than SQL buckets them: the same code on both engines, and
    a night's 35 days are some 50,000 rows.
    """
    histograms: Counter[tuple[date, str, int | None, int]] = Counter()
    for moment in ("acknowledged_at", "resolved_at"):
        rows = (
            Ticket.objects.filter(in_period(moment, span))
            .annotate(day=_day(moment), took=duration(moment, "opened_at"))
            .values_list("day", "assignee_id", "took")
            .order_by()
        )
        for day, agent_id, took in rows.iterator(chunk_size=5000):
            bucket = scale.bucket_of(took)
            if moment == "resolved_at":
                histograms[day, DayDurations.RESOLUTION, None, bucket] += 1
                continue
            histograms[day, DayDurations.FIRST_CONTACT, None, bucket] += 1
            histograms[day, DayDurations.AGENT_FIRST_CONTACT, agent_id, bucket] += 1
    return [
        DayDurations(day=day, measure=measure, agent_id=agent, bucket=bucket, tickets=tickets)
        for (day, measure, agent, bucket), tickets in histograms.items()
    ]


def _complaints(span: Period, now: datetime) -> list[DayComplaints]:
    """Per day, channel, counted category, remedy bucket and root cause (``COMPLAINT_GROUPS``)."""
    rows = complaint_groups(
        Complaint.objects.filter(in_period("submitted_at", span))
        .values("channel", day=_day("submitted_at"), remedy=remedy_bucket(), **COMPLAINT_GROUPS)
        .annotate(complaints=Count("pk"))
        .order_by()
    )
    return [DayComplaints(**row) for row in rows]


def complaint_days_recount(days: Iterable[date], *, now: datetime | None = None) -> int:
    """Recount the complaint rows of ``days`` alone: a complaint of theirs changed its record.

    Re-categorising a complaint or naming its root cause moves it between
    the rows of the day it was submitted, however long ago; the nightly
    refresh only recounts the last weeks. Days the summary has not stored
    yet are read live anyway and skipped. Under the summary's lock, like a
    refresh, so the two never interleave. Returns the rows written.
    """
    now = now or timezone.now()
    written = 0
    with transaction.atomic():
        summary = DailySummary.objects.select_for_update().filter(pk=1).first()
        if summary is None or summary.refreshed_at is None:
            return 0
        stored_until = timezone.localdate(summary.refreshed_at)
        for day in sorted(set(days)):
            if day >= stored_until:
                continue
            rows = _complaints(Period("custom", day, day), now)
            DayComplaints.objects.filter(day=day).delete()
            DayComplaints.objects.bulk_create(rows)
            written += len(rows)
    return written


SURVEY_COUNTS = (
    "answers",
    "csat_answers",
    "csat_total",
    "csat_satisfied",
    "nps_answers",
    "promoters",
    "detractors",
    "nps_tickets",
    "won_back",
)


def _surveys(span: Period, now: datetime) -> list[DaySurveys]:
    """Answers per (day, assignee, intake NPS group), with the live survey figures' aggregates."""
    # Any rows: the plugin cannot see the columns ``**survey_aggregates()`` adds.
    rows: QuerySet[Any, Any] = (
        Survey.objects.filter(in_period("answered_at", span))
        .annotate(intake=of_ticket("complaint__nps_at_intake"), agent_id=of_ticket("assignee_id"))
        .values("intake", "agent_id", day=_day("answered_at"))
        .annotate(**survey_aggregates())
        .order_by()
    )
    # Scores of one NPS group add up: a ticket has one intake score.
    groups: defaultdict[tuple[date, int | None, str], Counter[str]] = defaultdict(Counter)
    for row in rows:
        intake = "" if row["intake"] is None else nps_class(row["intake"]).value
        groups[row["day"], row["agent_id"], intake].update(
            {key: row[key] or 0 for key in SURVEY_COUNTS}
        )
    return [
        DaySurveys(day=day, agent_id=agent, intake=intake, **counts)
        for (day, agent, intake), counts in groups.items()
    ]


def _compensation(span: Period, now: datetime) -> list[DayCompensation]:
    lines = (
        given_in(span)
        .annotate(agent_id=of_ticket("assignee_id"))
        .values("agent_id", "kind", "currency", day=_day("fulfilled_at"))
        .annotate(lines=Count("pk"), amount=Sum("amount"))
        .order_by()
    )
    return [DayCompensation(**row) for row in lines]


def _compensated_tickets(span: Period, now: datetime) -> list[DayCompensatedTickets]:
    tickets = (
        given_in(span)
        .filter(amount__isnull=False)
        .values("currency", day=_day("fulfilled_at"))
        .annotate(tickets=Count("ticket", distinct=True))
        .order_by()
    )
    return [DayCompensatedTickets(**row) for row in tickets]


# How each table's rows are counted for a span of days, up to ``now``.
RECOUNTS: dict[type[DayRow], Callable[[Period, datetime], list[Any]]] = {
    DayTickets: _ticket_counts,
    DayDurations: _durations,
    DayComplaints: _complaints,
    DaySurveys: _surveys,
    DayCompensation: _compensation,
    DayCompensatedTickets: _compensated_tickets,
}


def day_rows(model: type[DayRow], *, first_day: date, last_day: date, now: datetime) -> list[Any]:
    """The rows of ``model`` a refresh would write for these days, unsaved.

    The reader counts the days the summary has not recounted yet with this,
    so a period read from the summary holds what happened since its last
    refresh, counted by the very code that will store it.
    """
    return RECOUNTS[model](Period("custom", first_day, last_day), now)


def _recount(first_day: date, last_day: date, now: datetime) -> list[DayRow]:
    return [
        row
        for model in MODELS
        for row in day_rows(model, first_day=first_day, last_day=last_day, now=now)
    ]


def _replace(first_day: date, last_day: date, now: datetime, *, reaches_today: bool) -> int:
    with transaction.atomic():
        summary = DailySummary.objects.select_for_update().get(pk=DailySummary.current().pk)
        rows = _recount(first_day, last_day, now)
        for model in MODELS:
            model._default_manager.filter(day__gte=first_day, day__lte=last_day).delete()
        by_model: defaultdict[type[DayRow], list[DayRow]] = defaultdict(list)
        for row in rows:
            by_model[type(row)].append(row)
        for model, instances in by_model.items():
            model._default_manager.bulk_create(instances, batch_size=2000)
        # Only the chunk that reaches today moves the mark: a reader counts
        # live every day from the mark's, and takes the days before it as
        # recounted in full, which earlier chunks alone do not make true.
        if reaches_today:
            summary.refreshed_at = now
            summary.save(update_fields=["refreshed_at"])
    return len(rows)


def first_day_with_data() -> date | None:
    """The local day of the earliest complaint, or None when there is none."""
    first = Complaint.objects.aggregate(first=Min("submitted_at"))["first"]
    return timezone.localdate(first) if first else None


def summary_refresh(*, days: int | None = None, now: datetime | None = None) -> int:
    """Recount the last ``days`` days up to today, or all of history; returns the rows written.

    All of history when ``days`` is None, and also whenever it has never
    been recounted in full (a new installation, a restored database): until
    then the pages read live. Whole days are replaced ``CHUNK_DAYS`` at a
    time, oldest first, each chunk its own transaction; today is counted up
    to ``now``.

    A refresh also goes back to the day of the previous one, however many
    days that is: after a pause (beat or the worker down), the days in
    between were never counted in full, and the reader trusts every day
    before the last refresh's.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    summary = DailySummary.current()
    complete = summary.complete_at is None or days is None
    if complete:
        first = first_day_with_data()
    else:
        assert days is not None  # a refresh of some days only is not complete
        first = today - timedelta(days=days - 1)
        if summary.refreshed_at:
            first = min(first, timezone.localdate(summary.refreshed_at))
    written = 0
    while first is not None and first <= today:
        last = min(first + timedelta(days=CHUNK_DAYS - 1), today)
        written += _replace(first, last, now, reaches_today=last == today)
        first = last + timedelta(days=1)
    if complete:
        DailySummary.objects.filter(pk=1).update(refreshed_at=now, complete_at=now)
        _analyze()
    return written


def _analyze() -> None:
    """Tell PostgreSQL's planner the tables' new sizes after a full recount.

    The first recount fills empty tables with a million rows; planning a
    year's read on the empty tables' statistics sorts on disk instead of
    hashing in memory (until autovacuum would have come round).
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in MODELS:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
